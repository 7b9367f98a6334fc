"""What each engine action writes, replayed in memory for one dossier (part 2).

``Shadow`` = ``ShadowBase`` (state, shared steps, intake, handling; see its module for
the contract) + supplements, payments, the extension and the endings, each mirroring
its action in ``motcua.dossiers.actions.supplements`` and ``.results``.
"""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

from django.conf import settings
from django.utils.translation import gettext as _

from motcua.dossiers.models import DocumentOrigin, ResultKind, SupplementPolicy, TaskOutcome
from motcua.dossiers.statuses import Action
from motcua.org.models import Role
from motcua.reports.generator.shadow_base import (
    SUPERIORS,
    SUPPLEMENT_NOTICE_WORKING_DAYS,
    Applicant,
    Doc,
    Row,
    ShadowBase,
    _db,
    _iso,
)
from motcua.reports.generator.world import Officer
from motcua.workdays.deadlines import (
    extension_is_late,
    pause_after_supplement,
    restart_after_supplement,
)

__all__ = ["Applicant", "Doc", "Row", "Shadow"]


class Shadow(ShadowBase):
    # --- supplements, payments, extension ---------------------------------------------

    def request_supplement(
        self, actor: Officer, at: dt.datetime, reason: str, missing: str
    ) -> dt.datetime:
        """Returns ``close_after``."""
        d = self.dossier
        agency, title = self.handling(actor)
        late = self.cal.working_hours_between(d["received_at"], at) > (
            SUPPLEMENT_NOTICE_WORKING_DAYS * self.cal.hours_per_day
        )
        close_after = at + dt.timedelta(days=settings.MOTCUA_SUPPLEMENT_CLOSE_DAYS)
        self.supplements.append(
            {
                "requested_at": at,
                "requested_by_id": actor.user_id,
                "reason": reason,
                "missing": missing,
                "late_warning": late,
                "completed_at": None,
                "completed_by_id": None,
                "policy": "",
                "due_before": d["due_at"],
                "due_after": None,
                "closed_at": None,
                "close_after": close_after,
            }
        )
        d["supplement_count"] += 1
        self.record(
            actor,
            Action.REQUEST_SUPPLEMENT,
            at,
            agency,
            title,
            reason=reason,
            changes={"missing": missing, "late_warning": late, "close_after": _iso(close_after)},
        )
        return close_after

    def record_supplement(
        self, actor: Officer, at: dt.datetime, docs: list[Doc], by_citizen: bool
    ) -> None:
        d = self.dossier
        if by_citizen:
            title, agency = "", None
        else:
            agency, title = self.role_title(actor, d["receiving_agency_id"], Role.RECEPTION)
        request = self.supplements[-1]
        limit = self.rule.limit_at(d["received_at"])
        policy = self.flow.supplement_policy
        shift: Fraction | None = None
        due_after = _db(d["due_at"])  # unchanged: as read back
        if limit is not None and d["due_at"] is not None:
            if policy == SupplementPolicy.PAUSE:
                paused = pause_after_supplement(
                    d["due_at"].astimezone(dt.UTC), request["requested_at"], at, self.cal
                )
                due_after, shift = paused.due, paused.waited_hours
            else:
                restarted = restart_after_supplement(at, limit, self.cal)
                due_after = restarted.due
                d["clock_started_at"] = restarted.clock_start
            d["due_at"] = due_after
        self.save_documents(docs, actor, at, DocumentOrigin.SUPPLEMENT)
        for task in self.open_tasks():
            if shift is not None:
                task["due_at"] = self.cal.add_working_hours(task["due_at"], shift)
            else:
                start = d["clock_started_at"] or at
                task["due_at"] = self.cal.add_working_hours(
                    start, Fraction(str(task["allotted_hours"]))
                )
        request.update(completed_at=at, completed_by_id=actor.user_id, policy=policy)
        request["due_after"] = d["due_at"]
        self.record(
            actor,
            Action.RECORD_SUPPLEMENT,
            at,
            agency,
            title,
            changes={"policy": policy, "due_at": _iso(due_after)},
        )

    def close_unanswered(self, actor: Officer, at: dt.datetime) -> None:
        request = self.supplements[-1]
        request["closed_at"] = at
        self.cancel_open_tasks(actor, at)
        self.end(request["requested_at"])
        self.record(
            actor,
            Action.CLOSE_UNANSWERED,
            at,
            self.dossier["receiving_agency_id"],
            reason=_("Quá hạn bổ sung hồ sơ mà không nhận được giấy tờ bổ sung."),
        )

    def request_payment(
        self, actor: Officer, at: dt.datetime, amount: int, description: str
    ) -> None:
        agency, title = self.handling(actor)
        self.payments.append(
            {
                "amount_vnd": amount,
                "description": description,
                "requested_at": at,
                "requested_by_id": actor.user_id,
                "paid_at": None,
                "method": "",
                "receipt_number": "",
            }
        )
        self.record(
            actor, Action.REQUEST_PAYMENT, at, agency, title, changes={"amount_vnd": amount}
        )

    def record_payment(self, actor: Officer, at: dt.datetime, method: str, receipt: str) -> None:
        if actor.user_id == self.world.system.user_id:
            title, agency = "", None
        else:
            agency, title = self.handling(actor)
        payment = next(p for p in self.payments if p["paid_at"] is None)
        payment.update(paid_at=at, method=method, receipt_number=receipt)
        self.record(
            actor,
            Action.RECORD_PAYMENT,
            at,
            agency,
            title,
            changes={"method": method, "receipt_number": receipt},
        )

    def extend(self, actor: Officer, at: dt.datetime, new_due: dt.datetime, reason: str) -> None:
        d = self.dossier
        agency, title = self.handling(actor)
        previous = _db(d["due_at"])
        assert previous is not None
        late = extension_is_late(previous, at, self.cal)
        self.extensions.append(
            {
                "recorded_at": at,
                "recorded_by_id": actor.user_id,
                "reason": reason,
                "previous_due": previous,
                "new_due": new_due,
                "late_warning": late,
            }
        )
        d["due_at"] = new_due
        self.record(
            actor,
            Action.EXTEND,
            at,
            agency,
            title,
            reason=reason,
            changes={
                "previous_due": _iso(previous),
                "new_due": _iso(new_due),
                "late_warning": late,
            },
        )

    # --- results ------------------------------------------------------------------------

    def _result(self, kind: str, code: str, summary: str, actor: Officer, at: dt.datetime) -> Row:
        identifier = self.dossier["applicant_identifier"]
        result: Row = {
            "kind": kind,
            "result_type_code": code,
            "e_result_code": f"{identifier}.{code}" if code else "",
            "summary": summary,
            "approved_at": at,
            "approved_by_id": actor.user_id,
            "corrects_id": None,
            "is_current": True,
        }
        self.results.append(result)
        return result

    def approve(
        self, actor: Officer, task: Row, at: dt.datetime, code: str, docs: list[Doc]
    ) -> None:
        title = self.task_title(actor, task)
        result = self._result(ResultKind.DECISION, code, "", actor, at)
        for row in self.save_documents(docs, actor, at, DocumentOrigin.RESULT):
            row["_result"] = result
        self.finish_task(task, actor, at, TaskOutcome.APPROVED)
        self.cancel_open_tasks(actor, at)
        self.start_steps(self.flow.after(task["_step"].order), at, self.scale())
        self.end(at)
        self.record(
            actor,
            Action.APPROVE_RESULT,
            at,
            task["agency_id"],
            title,
            task=task,
            changes={"result_type_code": code, "timeliness": self.dossier["timeliness"]},
        )

    def refuse(self, actor: Officer, at: dt.datetime, reason: str, docs: list[Doc]) -> None:
        agency, title = self.role_title(actor, self.desk.competent.pk, Role.LEADER)
        result = self._result(ResultKind.REFUSAL, "", reason, actor, at)
        for row in self.save_documents(docs, actor, at, DocumentOrigin.RESULT):
            row["_result"] = result
        self.cancel_open_tasks(actor, at)
        returns = [s for s in self.flow.steps if s.is_return]
        self.start_steps(returns, at, self.scale())
        self.end(at)
        self.record(
            actor,
            Action.REFUSE,
            at,
            agency,
            title,
            reason=reason,
            changes={"timeliness": self.dossier["timeliness"]},
        )

    def return_result(self, actor: Officer, at: dt.datetime) -> None:
        d = self.dossier
        agency, title = self.role_title(actor, d["receiving_agency_id"], Role.RECEPTION)
        open_tasks = self.open_tasks()
        current = open_tasks[0] if open_tasks else None
        if current is not None:
            self.finish_task(current, actor, at, TaskOutcome.RETURNED)
        d["returned_at"] = at
        self.record(
            actor,
            Action.RETURN_RESULT,
            at,
            agency,
            title,
            task=current,
            changes={"delivery": d["delivery"]},
        )

    def end_on_request(
        self, actor: Officer, at: dt.datetime, action: str, reason: str, by_citizen: bool
    ) -> None:
        """``supplements._end_on_request`` (withdraw, stop)."""
        d = self.dossier
        if by_citizen:
            title, agency = "", None
        else:
            receiving = d["receiving_agency_id"]
            if self.world.memberships.get((actor.user_id, receiving)):
                agency, title = self.role_title(actor, receiving, Role.RECEPTION, *SUPERIORS)
            else:
                agency, title = self.role_title(actor, d["competent_agency_id"], *SUPERIORS)
        self.cancel_open_tasks(actor, at)
        if d["received_at"] is not None:
            self.end(at)
        else:
            d["ended_at"] = at
        self.record(actor, action, at, agency, title, reason=reason)
