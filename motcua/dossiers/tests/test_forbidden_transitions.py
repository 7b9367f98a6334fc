"""Every action, tried in every status the transition table does not allow it from:
the official reads why in Vietnamese, and nothing is written.

Each status is reached through the real actions (``reach``); each action is called
by someone who could do it in an allowed status, with valid input, so the only thing
wrong is the dossier's status.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest

from motcua.dossiers import actions
from motcua.dossiers.actions.base import system_user
from motcua.dossiers.errors import TransitionError
from motcua.dossiers.models import Dossier, WorkflowStep
from motcua.dossiers.statuses import TRANSITIONS, Action, Status
from motcua.dossiers.tests.conftest import World, local, pdf, reach, result_file, snapshot

# Later than every instant ``reach`` uses (its dossiers are received Mon 02/03/2026).
LATER = local(2026, 3, 25, 9, 0)

Attempt = Callable[[World, Dossier], object]


def _handling_step(dossier: Dossier) -> WorkflowStep:
    return dossier.workflow.steps.get(order=2)


ATTEMPTS: dict[str, Attempt] = {
    Action.RECEIVE: lambda w, d: actions.accept_submission(d, actor=w.reception, at=LATER),
    Action.REQUEST_COMPLETION: lambda w, d: actions.request_completion(
        d, actor=w.reception, reason="Thiếu giấy tờ", missing="Giấy chứng sinh", at=LATER
    ),
    Action.REFUSE_AT_INTAKE: lambda w, d: actions.refuse_at_intake(
        d, actor=w.reception, reason="Không thuộc thẩm quyền", at=LATER
    ),
    Action.ASSIGN: lambda w, d: actions.assign(d, actor=w.head, assignee=w.handler, at=LATER),
    Action.FORWARD: lambda w, d: actions.forward(d, actor=w.handler, at=LATER),
    Action.SEND_BACK: lambda w, d: actions.send_back(
        d, actor=w.head, to_step=_handling_step(d), reason="Xem lại", at=LATER
    ),
    Action.HAND_OVER: lambda w, d: actions.hand_over(
        d, actor=w.handler, to_agency=w.construction, reason="Lấy ý kiến", at=LATER
    ),
    Action.REQUEST_SUPPLEMENT: lambda w, d: actions.request_supplement(
        d, actor=w.handler, reason="Thiếu giấy tờ", missing="Giấy chứng sinh", at=LATER
    ),
    Action.RECORD_SUPPLEMENT: lambda w, d: actions.record_supplement(
        d,
        actor=w.reception,
        documents=[actions.DocumentInput(name="Giấy chứng sinh", file=pdf())],
        at=LATER,
    ),
    Action.CLOSE_UNANSWERED: lambda w, d: actions.close_unanswered(
        d, actor=system_user(), at=LATER + dt.timedelta(days=30)
    ),
    Action.REQUEST_PAYMENT: lambda w, d: actions.request_payment(
        d, actor=w.handler, amount_vnd=50_000, description="Lệ phí", at=LATER
    ),
    Action.RECORD_PAYMENT: lambda w, d: actions.record_payment(
        d, actor=w.handler, method="Chuyển khoản", at=LATER
    ),
    Action.EXTEND: lambda w, d: actions.extend_deadline(
        d, actor=w.handler, new_due=local(2026, 4, 10, 17, 0), reason="Cần xác minh", at=LATER
    ),
    Action.REFUSE: lambda w, d: actions.refuse(
        d, actor=w.leader, reason="Không đủ điều kiện", documents=result_file(), at=LATER
    ),
    Action.APPROVE_RESULT: lambda w, d: actions.approve_result(
        d, actor=w.leader, result_type_code="KQ.G15.000031", documents=result_file(), at=LATER
    ),
    Action.RETURN_RESULT: lambda w, d: actions.return_result(d, actor=w.reception, at=LATER),
    Action.WITHDRAW: lambda w, d: actions.withdraw(
        d, actor=w.reception, reason="Người nộp xin rút", at=LATER
    ),
    Action.STOP: lambda w, d: actions.stop(d, actor=w.leader, reason="Đề nghị dừng", at=LATER),
    Action.CORRECT_RESULT: lambda w, d: actions.correct_result(
        d,
        actor=w.leader,
        reason="Sai ngày sinh",
        reported_at=LATER,
        documents=result_file(),
        at=LATER,
    ),
}

# SUBMIT only ever creates a new dossier; REMIND belongs to the pollers and changes
# no status. Every other action must be tried here.
NOT_CALLED_ON_A_DOSSIER = {Action.SUBMIT, Action.REMIND}

FORBIDDEN = [
    (action, status)
    for action in ATTEMPTS
    for status in Status
    if status not in TRANSITIONS[action][0]
]


def test_every_action_that_works_on_a_dossier_is_tried() -> None:
    assert set(ATTEMPTS) == set(Action) - NOT_CALLED_ON_A_DOSSIER


@pytest.mark.parametrize(("action", "status"), FORBIDDEN, ids=[f"{a}-{s}" for a, s in FORBIDDEN])
def test_a_forbidden_transition_is_refused_and_writes_nothing(
    world: World, action: str, status: str
) -> None:
    dossier = reach(world, status)
    before = snapshot(dossier)

    with pytest.raises(TransitionError) as refused:
        ATTEMPTS[action](world, dossier)

    assert str(refused.value) == (
        f"Không thể “{Action(action).label}” khi hồ sơ đang ở trạng thái “{Status(status).label}”."
    )
    assert snapshot(dossier) == before
