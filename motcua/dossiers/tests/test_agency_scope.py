"""An official sees and acts only on the dossiers of the agencies they work in, and on
those handed over to them (the seed reports' "a dossier shows up in another
commune" must never happen)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest

from motcua.accounts.models import User
from motcua.dossiers import actions
from motcua.dossiers.errors import PermissionDenied
from motcua.dossiers.models import Dossier, Task
from motcua.dossiers.tests.conftest import (
    MONDAY,
    World,
    citizen,
    local,
    pdf,
    result_file,
    snapshot,
)
from motcua.org.models import Agency, Membership, Role

LATER = local(2026, 3, 20, 9, 0)
DAY = dt.timedelta(days=1)


def _staff(username: str, agency_role: list[tuple[Agency, str]]) -> User:
    user = User.objects.create_user(username, full_name=username.title())
    for agency, role in agency_role:
        Membership.objects.create(user=user, agency=agency, role=role)
    return user


def _commune_b_dossier(world: World, status: str) -> Dossier:
    """A dossier received and decided by commune B, its own staff acting."""
    b = world.commune_b
    handler = _staff("b.chuyenvien", [(b, Role.HANDLER)])
    head = _staff("b.truongphong", [(b, Role.DEPARTMENT_HEAD)])
    leader = _staff("b.chutich", [(b, Role.LEADER)])
    reception = world.commune_b_officer
    if status == "submitted":
        return actions.submit_dossier(
            world.submission(
                channel="online",
                channel_rule=world.online_rule,
                receiving_agency=b,
                competent_agency=b,
                citizen=citizen(),
            ),
            actor=citizen(),
            at=MONDAY,
        )
    dossier = actions.receive_at_counter(
        world.submission(receiving_agency=b, competent_agency=b), actor=reception, at=MONDAY
    )
    if status == "awaiting_supplement":
        actions.request_supplement(
            dossier, actor=handler, reason="Thiếu", missing="Giấy chứng sinh", at=MONDAY + DAY
        )
    if status == "processed":
        actions.forward(dossier, actor=handler, at=MONDAY + DAY)
        actions.forward(dossier, actor=head, at=MONDAY + DAY)
        actions.approve_result(
            dossier,
            actor=leader,
            result_type_code="KQ.G15.000031",
            documents=result_file(),
            at=MONDAY + 2 * DAY,
        )
    dossier.refresh_from_db()
    assert dossier.status == status
    return dossier


Attempt = Callable[[World, User, Dossier], object]

ATTEMPTS: list[tuple[str, str, Attempt]] = [
    ("submitted", "accept", lambda w, u, d: actions.accept_submission(d, actor=u, at=LATER)),
    (
        "submitted",
        "request completion",
        lambda w, u, d: actions.request_completion(
            d, actor=u, reason="Thiếu", missing="Tờ khai", at=LATER
        ),
    ),
    (
        "submitted",
        "refuse at intake",
        lambda w, u, d: actions.refuse_at_intake(d, actor=u, reason="Không nhận", at=LATER),
    ),
    ("submitted", "withdraw", lambda w, u, d: actions.withdraw(d, actor=u, reason="Rút", at=LATER)),
    ("received", "assign", lambda w, u, d: actions.assign(d, actor=u, assignee=u, at=LATER)),
    ("received", "forward", lambda w, u, d: actions.forward(d, actor=u, at=LATER)),
    (
        "received",
        "hand over",
        lambda w, u, d: actions.hand_over(d, actor=u, to_agency=w.commune_a, reason="x", at=LATER),
    ),
    (
        "received",
        "request supplement",
        lambda w, u, d: actions.request_supplement(
            d, actor=u, reason="Thiếu", missing="Tờ khai", at=LATER
        ),
    ),
    (
        "received",
        "request payment",
        lambda w, u, d: actions.request_payment(
            d, actor=u, amount_vnd=10_000, description="Lệ phí", at=LATER
        ),
    ),
    (
        "received",
        "extend",
        lambda w, u, d: actions.extend_deadline(
            d, actor=u, new_due=local(2026, 3, 27, 17, 0), reason="Xác minh", at=LATER
        ),
    ),
    ("received", "stop", lambda w, u, d: actions.stop(d, actor=u, reason="Dừng", at=LATER)),
    (
        "received",
        "refuse",
        lambda w, u, d: actions.refuse(
            d, actor=u, reason="Không đủ điều kiện", documents=result_file(), at=LATER
        ),
    ),
    (
        "awaiting_supplement",
        "record supplement",
        lambda w, u, d: actions.record_supplement(
            d, actor=u, documents=[actions.DocumentInput(name="Tờ khai", file=pdf())], at=LATER
        ),
    ),
    (
        "awaiting_supplement",
        "close unanswered",
        lambda w, u, d: actions.close_unanswered(d, actor=u, at=LATER),
    ),
    ("processed", "return result", lambda w, u, d: actions.return_result(d, actor=u, at=LATER)),
    (
        "processed",
        "correct result",
        lambda w, u, d: actions.correct_result(
            d, actor=u, reason="Sai", reported_at=LATER, documents=result_file(), at=LATER
        ),
    ),
]


def _commune_a_official_of_every_role(world: World) -> User:
    officer = world.commune_a_officer
    for role in (Role.HANDLER, Role.DEPARTMENT_HEAD, Role.LEADER):
        Membership.objects.create(user=officer, agency=world.commune_a, role=role)
    return officer


def test_an_officer_of_commune_a_does_not_see_the_dossiers_of_commune_b(world: World) -> None:
    dossier_b = _commune_b_dossier(world, "received")
    dossier_a = actions.receive_at_counter(
        world.submission(receiving_agency=world.commune_a, competent_agency=world.commune_a),
        actor=world.commune_a_officer,
        at=MONDAY,
    )

    assert list(Dossier.objects.visible_to(world.commune_a_officer)) == [dossier_a]
    assert list(Dossier.objects.visible_to(world.commune_b_officer)) == [dossier_b]
    assert dossier_b.code.startswith("X07210-") and dossier_a.code.startswith("X09187-")


@pytest.mark.parametrize(
    ("status", "attempt"), [(s, a) for s, a, _ in ATTEMPTS], ids=[a for _, a, _ in ATTEMPTS]
)
def test_an_officer_of_commune_a_does_not_act_on_a_dossier_of_commune_b(
    world: World, status: str, attempt: str
) -> None:
    outsider = _commune_a_official_of_every_role(world)
    dossier = _commune_b_dossier(world, status)
    before = snapshot(dossier)
    act = next(a for s, name, a in ATTEMPTS if name == attempt)

    with pytest.raises(PermissionDenied) as refused:
        act(world, outsider, dossier)

    assert str(refused.value) == "Hồ sơ này không thuộc cơ quan, đơn vị của bạn."
    assert snapshot(dossier) == before


@pytest.mark.parametrize("status", ["processed", "received"])
def test_an_outsider_learns_nothing_from_the_refusal(world: World, status: str) -> None:
    outsider = _commune_a_official_of_every_role(world)
    dossier = _commune_b_dossier(world, status)
    stale_version = dossier.lock_version - 1

    # Neither the status (a forbidden transition), nor the code (a conflict), nor who
    # holds the step: the same answer whatever the dossier's state.
    with pytest.raises(PermissionDenied, match="^Hồ sơ này không thuộc cơ quan, đơn vị của bạn.$"):
        actions.forward(dossier, actor=outsider, at=LATER, expected_version=stale_version)


def test_a_former_member_no_longer_sees_the_agency_s_dossiers(world: World) -> None:
    dossier = world.receive(MONDAY)
    assert Dossier.objects.visible_to(world.handler).get() == dossier

    Membership.objects.filter(user=world.handler).update(is_active=False)

    assert not Dossier.objects.visible_to(world.handler).exists()


def test_a_handler_of_another_department_does_not_forward(world: World) -> None:
    dossier = world.receive(MONDAY)
    before = snapshot(dossier)

    assert not Dossier.objects.visible_to(world.construction_handler).exists()
    with pytest.raises(PermissionDenied, match="không thuộc cơ quan, đơn vị của bạn"):
        actions.forward(dossier, actor=world.construction_handler, at=MONDAY + DAY)

    assert snapshot(dossier) == before


def test_the_agency_a_dossier_is_handed_to_sees_it_and_acts_on_it(world: World) -> None:
    dossier = world.receive(MONDAY)
    assert not Dossier.objects.visible_to(world.construction_handler).exists()

    actions.hand_over(
        dossier,
        actor=world.handler,
        to_agency=world.construction,
        reason="Đề nghị cho ý kiến",
        at=MONDAY + DAY,
    )

    assert Dossier.objects.visible_to(world.construction_handler).get() == dossier
    actions.forward(dossier, actor=world.construction_handler, at=MONDAY + 2 * DAY)
    dossier.refresh_from_db()
    assert dossier.open_tasks().get().agency == world.justice
    # It keeps seeing the dossier it worked on; commune officers still do not.
    assert Dossier.objects.visible_to(world.construction_handler).get() == dossier
    assert not Dossier.objects.visible_to(world.commune_a_officer).exists()


def test_my_tasks_are_the_open_steps_waiting_for_me_in_my_agencies(world: World) -> None:
    colleague = _staff("chuyenvien2", [(world.justice, Role.HANDLER)])
    mine = world.receive(MONDAY)
    actions.assign(mine, actor=world.head, assignee=world.handler, at=MONDAY)
    unassigned = world.receive(local(2026, 3, 2, 9, 0))
    theirs = world.receive(local(2026, 3, 2, 10, 0))
    actions.assign(theirs, actor=world.head, assignee=colleague, at=MONDAY)
    forwarded = world.receive(local(2026, 3, 2, 11, 0))
    actions.forward(forwarded, actor=world.handler, at=local(2026, 3, 2, 13, 30))
    _commune_b_dossier(world, "received")

    listed = [task.dossier for task in Task.objects.for_officer(world.handler)]

    # Soonest due first; not a colleague's, not a finished step, not the head's review,
    # not another agency's.
    assert listed == [mine, unassigned]
    assert [t.dossier for t in Task.objects.for_officer(world.head)] == [forwarded]
    assert [t.dossier for t in Task.objects.for_officer(colleague)] == [unassigned, theirs]


def test_an_officer_who_left_the_agency_has_no_tasks_there(world: World) -> None:
    dossier = world.receive(MONDAY)
    actions.assign(dossier, actor=world.head, assignee=world.handler, at=MONDAY)

    Membership.objects.filter(user=world.handler).update(is_active=False)

    assert not Task.objects.for_officer(world.handler).exists()
