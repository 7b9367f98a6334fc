"""Playing a story through the real engine actions (slow; exact by definition).

The same ``Act`` list the shadow played is replayed here: each act is a call of the
matching function of ``motcua.dossiers.actions``, by the same officer, at the same
instant, with the same inputs. Documents carry the same PDF bytes (each stored as its
own file, as an upload would be). Used by the test that proves ``bulk`` right, and by
``generate_province --via-actions``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from motcua.accounts.models import User
from motcua.catalog.models import Component
from motcua.dossiers import actions
from motcua.dossiers.models import Dossier, Task
from motcua.dossiers.simulator import PDF
from motcua.dossiers.statuses import Action
from motcua.org.models import AdministrativeUnit
from motcua.reports.generator.models import GeneratedDossier
from motcua.reports.generator.shadow import Doc, Shadow
from motcua.reports.generator.story import Act
from motcua.reports.generator.world import Officer


class Replayer:
    def __init__(self) -> None:
        self.users: dict[int, User] = {}
        self.components: dict[int, Component] = {}
        self.units: dict[int, AdministrativeUnit] = {}

    def user(self, officer: Officer) -> User:
        if officer.user_id not in self.users:
            self.users[officer.user_id] = User.objects.get(pk=officer.user_id)
        return self.users[officer.user_id]

    def docs(self, docs: Sequence[Doc]) -> list[actions.DocumentInput]:
        out = []
        for n, doc in enumerate(docs):
            component = None
            if doc.component_id is not None:
                if doc.component_id not in self.components:
                    self.components[doc.component_id] = Component.objects.get(pk=doc.component_id)
                component = self.components[doc.component_id]
            upload = (
                SimpleUploadedFile(f"tep-{n + 1}.pdf", PDF, content_type="application/pdf")
                if doc.has_file
                else None
            )
            out.append(
                actions.DocumentInput(
                    name=doc.name, component=component, file=upload, origin=doc.origin
                )
            )
        return out

    def play(self, shadow: Shadow, acts: Sequence[Act], run_id: int) -> Dossier:
        """Replay ``acts`` (a story's, starting with its ``create``)."""
        dossier: Dossier | None = None
        created: dict[str, Any] = {}
        for act in acts:
            a = act.args
            if act.name == "create":
                created = a
                continue
            if act.name in ("submit", "receive_at_counter"):
                submit = (
                    actions.submit_dossier if act.name == "submit" else actions.receive_at_counter
                )
                dossier = submit(
                    self.submission(shadow, created), actor=self.user(a["actor"]), at=act.at
                )
                continue
            assert dossier is not None
            self.one(dossier, act)
        assert dossier is not None
        GeneratedDossier.objects.create(dossier=dossier, run_id=run_id)
        return dossier

    def submission(self, shadow: Shadow, a: dict[str, Any]) -> actions.Submission:
        applicant = a["applicant"]
        unit = None
        if applicant.unit_id is not None:
            if applicant.unit_id not in self.units:
                self.units[applicant.unit_id] = AdministrativeUnit.objects.get(pk=applicant.unit_id)
            unit = self.units[applicant.unit_id]
        citizen = User.objects.get(pk=a["citizen_id"]) if a["citizen_id"] else None
        return actions.Submission(
            version=shadow.rule.version,
            channel_rule=shadow.rule,
            applicant=actions.Applicant(
                name=applicant.name,
                identifier=applicant.identifier,
                kind=applicant.kind,
                phone=applicant.phone,
                address=applicant.address,
                unit=unit,
            ),
            receiving_agency=shadow.desk.receiving,
            competent_agency=shadow.desk.competent,
            channel=a["channel"],
            delivery=a["delivery"],
            documents=self.docs(a["docs"]),
            citizen=citizen,
        )

    def task(self, dossier: Dossier, row: dict[str, Any]) -> int:
        ids = list(Task.objects.filter(dossier=dossier).order_by("id").values_list("id", flat=True))
        return ids[row["_n"]]

    def one(self, dossier: Dossier, act: Act) -> None:  # noqa: C901 - one branch per action
        a, at, name = act.args, act.at, act.name
        actor = self.user(a["actor"])
        if name == "accept":
            actions.accept_submission(dossier, actor=actor, at=at)
        elif name == "request_completion":
            actions.request_completion(
                dossier, actor=actor, reason=a["reason"], missing=a["missing"], at=at
            )
        elif name == "refuse_at_intake":
            actions.refuse_at_intake(dossier, actor=actor, reason=a["reason"], at=at)
        elif name == "assign":
            actions.assign(
                dossier,
                actor=actor,
                assignee=self.user(a["assignee"]),
                task=self.task(dossier, a["task"]),
                at=at,
            )
        elif name == "forward":
            actions.forward(
                dossier,
                actor=actor,
                task=self.task(dossier, a["task"]),
                opinion=a["opinion"],
                at=at,
            )
        elif name == "request_supplement":
            actions.request_supplement(
                dossier, actor=actor, reason=a["reason"], missing=a["missing"], at=at
            )
        elif name == "record_supplement":
            actions.record_supplement(dossier, actor=actor, documents=self.docs(a["docs"]), at=at)
        elif name == "close_unanswered":
            actions.close_unanswered(dossier, actor=actor, at=at)
        elif name == "request_payment":
            actions.request_payment(
                dossier, actor=actor, amount_vnd=a["amount"], description=a["description"], at=at
            )
        elif name == "record_payment":
            actions.record_payment(
                dossier, actor=actor, method=a["method"], receipt_number=a["receipt"], at=at
            )
        elif name == "extend":
            actions.extend_deadline(
                dossier, actor=actor, new_due=a["new_due"], reason=a["reason"], at=at
            )
        elif name == "approve":
            actions.approve_result(
                dossier,
                actor=actor,
                task=self.task(dossier, a["task"]),
                result_type_code=a["code"],
                documents=self.docs(a["docs"]),
                at=at,
            )
        elif name == "refuse":
            actions.refuse(
                dossier, actor=actor, reason=a["reason"], documents=self.docs(a["docs"]), at=at
            )
        elif name == "return_result":
            actions.return_result(dossier, actor=actor, at=at)
        elif name == "end_on_request":
            end = actions.withdraw if a["action"] == Action.WITHDRAW else actions.stop
            end(dossier, actor=actor, reason=a["reason"], at=at)
        else:  # pragma: no cover - the plan only records the acts above
            raise ValueError(name)
