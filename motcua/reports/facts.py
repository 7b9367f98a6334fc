"""A dossier's statistics row and open segments, derived from its events.

``derive(dossier)`` reads the dossier row and its ``DossierEvent`` history (by
``seq``) and returns the unsaved ``DossierFact`` and ``FactSegment`` rows that
Biểu 06 and the 766 indicators count (legal-rules §7, §8; deadlines.md §7).
``refresh(dossier)`` replaces the stored rows; ``record()`` of the dossier actions
calls it in the action's transaction after every action that can change them
(``CHANGING_ACTIONS``), and ``save_rating`` after a rating, so the facts never lag
behind the events; ``check_reports`` recomputes them with ``derive`` to prove it.

The rules, all from deadlines.md §7:

- received: the RECEIVE event's instant. A dossier never received (online and not
  yet accepted, refused at intake, withdrawn or stopped before reception) has none
  and is not counted as received.
- the end: the first of approval (result ready), refusal, stop, withdrawal, closure
  (and the return, should it ever come first). A dossier closed because the requested
  supplement never came ends at the instant of that request, so the agency is not
  counted late for the applicant's silence.
- early / on time / late: at the end, against the due instant in force then
  (``motcua.workdays.timeliness.classify_end``, the rule the engine stores in
  ``Dossier.timeliness``). A received dossier without a time limit has no due
  instant: it cannot be late, so it counts as on time (the engine leaves its label
  blank; Biểu 06 needs every resolved dossier in one of columns 8–10).
- how it ended (``outcome``): result, refused (after appraisal — or at intake, never
  received), withdrawn, stopped, closed; blank while open.
- ``late_766``: late, or more than one supplement request (the 766 variant).
- segments: from reception to the end, cut wherever the due instant changes
  (reception, supplement recorded, extension) or the applicant starts or stops
  holding the dossier (supplement requested → held, recorded → not held). Waiting
  for a payment is not a hold: the engine counts such a dossier overdue when its
  due instant passes (``DossierQuerySet.overdue``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db import models, transaction
from django.db.models import Exists, OuterRef, Prefetch, Subquery
from django.utils import timezone

from motcua.dossiers.models import (
    Document,
    Dossier,
    DossierEvent,
    IntakeChannel,
    Result,
    ResultKind,
)
from motcua.dossiers.statuses import Action
from motcua.org.models import AgencyKind
from motcua.portal.models import Rating
from motcua.reports.models import ChannelGroup, DossierFact, FactSegment, Outcome, ReportLevel
from motcua.workdays.calendar import WorkCalendar
from motcua.workdays.services import get_calendar
from motcua.workdays.timeliness import Timeliness, classify_end

# The actions that end a dossier (deadlines.md §7) and how it ended. REFUSE_AT_INTAKE
# ends a dossier that was never received: it is not counted as received at all.
ENDINGS: dict[str, str] = {
    Action.APPROVE_RESULT: Outcome.RESULT,
    Action.RETURN_RESULT: Outcome.RESULT,
    Action.REFUSE: Outcome.REFUSED,
    Action.REFUSE_AT_INTAKE: Outcome.REFUSED,
    Action.WITHDRAW: Outcome.WITHDRAWN,
    Action.STOP: Outcome.STOPPED,
    Action.CLOSE_UNANSWERED: Outcome.CLOSED,
}
# The actions after which a dossier's fact or segments can change: ``record()`` refreshes
# them after these only. Assigning, forwarding, sending back, handing over (its
# "due_at" is the handed step's, not the dossier's), payments, reminders and requests
# for completion change nothing ``derive`` reads — keep this in step with it;
# ``check_reports`` and the property tests would show a missing action.
CHANGING_ACTIONS = frozenset(
    {
        Action.SUBMIT,
        Action.RECEIVE,
        Action.REQUEST_SUPPLEMENT,
        Action.RECORD_SUPPLEMENT,
        Action.EXTEND,
        Action.CORRECT_RESULT,  # the current result, so the e-result
        # The return comes after the approval or refusal that ended the dossier
        # (statuses.TRANSITIONS), so it changes nothing: it is left out.
        *(ENDINGS.keys() - {Action.RETURN_RESULT}),
    }
)
COMMUNE_KINDS = frozenset({AgencyKind.COMMUNE_COMMITTEE, AgencyKind.COMMUNE_CENTRE})
ONLINE_CHANNELS = frozenset({IntakeChannel.ONLINE, IntakeChannel.API})
# Every field of DossierFact that ``derive`` sets (the upsert rewrites all of them).
FACT_FIELDS = [f.name for f in DossierFact._meta.concrete_fields if not f.primary_key]
SEGMENT_FIELDS = ["agency_id", "start", "end", "due_at", "held"]
_EVENT_FIELDS = ("id", "dossier_id", "seq", "action", "at", "changes")
_HUNDREDTH = Decimal("0.01")


def _e_results(dossier: Any) -> models.QuerySet[Result]:
    """4.1 (legal-rules §8.2): a current decision with its e-result code and at least
    one result document with a file. ``dossier``: a pk, or ``OuterRef("pk")``."""
    result_files = Document.objects.filter(result=OuterRef("pk")).exclude(file="")
    return (
        Result.objects.filter(dossier=dossier, kind=ResultKind.DECISION, is_current=True)
        .exclude(e_result_code="")
        .filter(Exists(result_files))
    )


def facts_queryset(
    dossiers: models.QuerySet[Dossier] | None = None,
) -> models.QuerySet[Dossier]:
    """``dossiers`` with everything ``derive`` reads, in two queries for any number of
    them: the catalogue and agency rows, the rating, whether an e-result exists, and
    the events in order."""
    qs = Dossier.objects.all() if dossiers is None else dossiers
    return (
        qs.select_related("procedure_version", "competent_agency")
        .annotate(
            fact_has_e_result=Exists(_e_results(OuterRef("pk"))),
            fact_rating=Subquery(
                Rating.objects.filter(dossier=OuterRef("pk")).values("overall")[:1]
            ),
        )
        .prefetch_related(
            Prefetch(
                "events",
                queryset=DossierEvent.objects.only(*_EVENT_FIELDS).order_by("seq"),
                to_attr="fact_events",
            )
        )
    )


def _parse(value: Any) -> dt.datetime | None:
    """An instant as the events store it (``actions.base.iso``)."""
    if not value:
        return None
    return dt.datetime.fromisoformat(str(value))


def _events(dossier: Dossier) -> Sequence[DossierEvent]:
    loaded: Sequence[DossierEvent] | None = getattr(dossier, "fact_events", None)
    if loaded is not None:
        return loaded
    return list(DossierEvent.objects.filter(dossier=dossier).only(*_EVENT_FIELDS).order_by("seq"))


def _has_e_result(dossier: Dossier) -> bool:
    known: bool | None = getattr(dossier, "fact_has_e_result", None)
    if known is not None:
        return bool(known)
    return _e_results(dossier.pk).exists()


def _rating(dossier: Dossier) -> str:
    if hasattr(dossier, "fact_rating"):
        return str(dossier.fact_rating or "")
    found = Rating.objects.filter(dossier=dossier).values_list("overall", flat=True).first()
    return found or ""


def handling_hours(
    received_at: dt.datetime, ended_at: dt.datetime, calendar: WorkCalendar
) -> Decimal:
    """Working hours from reception to the end (766 component 2.2), to the hundredth."""
    if ended_at <= received_at:
        return Decimal("0.00")
    hours = calendar.working_hours_between(received_at, ended_at)
    exact = Decimal(hours.numerator) / Decimal(hours.denominator)
    return exact.quantize(_HUNDREDTH, rounding=ROUND_HALF_UP)


def derive(
    dossier: Dossier,
    *,
    calendar: WorkCalendar | None = None,
    events: Sequence[DossierEvent] | None = None,
) -> tuple[DossierFact, list[FactSegment]]:
    """The unsaved fact row and open segments of ``dossier``, from its row and events.

    Reads what ``facts_queryset`` loads when the dossier came from it, and queries
    otherwise. ``calendar`` (default: ``get_calendar()``, asked only for an ended,
    received dossier) counts the handling hours. ``events``: the complete history of
    a dossier created in the caller's transaction, which cannot have been rated yet.
    """
    received_at: dt.datetime | None = None
    ended_at: dt.datetime | None = None
    outcome = ""
    due: dt.datetime | None = None
    held = False
    supplements = 0
    requested_at: dt.datetime | None = None
    # Instants at which a new segment starts, with the due instant and hold from then.
    cuts: list[tuple[dt.datetime, dt.datetime | None, bool]] = []
    for event in _events(dossier) if events is None else events:
        action, at, changes = event.action, event.at, event.changes or {}
        if action == Action.RECEIVE:
            received_at, due, held = at, _parse(changes.get("due_at")), False
            cuts.append((at, due, held))
        elif action == Action.REQUEST_SUPPLEMENT:
            supplements += 1
            requested_at, held = at, True
            cuts.append((at, due, held))
        elif action == Action.RECORD_SUPPLEMENT:
            due, held = _parse(changes.get("due_at")), False
            cuts.append((at, due, held))
        elif action == Action.EXTEND:
            due = _parse(changes.get("new_due"))
            cuts.append((at, due, held))
        elif action in ENDINGS:
            outcome = ENDINGS[action]
            ended_at = at
            if action == Action.CLOSE_UNANSWERED and requested_at is not None:
                # deadlines.md §7: the end is the unanswered request's instant.
                ended_at = requested_at
            break

    timeliness = ""
    hours: Decimal | None = None
    if received_at is not None and ended_at is not None:
        timeliness = (classify_end(ended_at, due) if due is not None else Timeliness.ON_TIME).value
        hours = handling_hours(received_at, ended_at, calendar or get_calendar())

    agency = dossier.competent_agency
    version = dossier.procedure_version
    fact = DossierFact(
        dossier_id=dossier.pk,
        agency_id=agency.pk,
        receiving_agency_id=dossier.receiving_agency_id,
        level=ReportLevel.COMMUNE if agency.kind in COMMUNE_KINDS else ReportLevel.PROVINCE,
        field_id=version.field_id,
        procedure_id=version.procedure_id,
        channel_group=(
            ChannelGroup.ONLINE if dossier.channel in ONLINE_CHANNELS else ChannelGroup.DIRECT
        ),
        received_at=received_at,
        ended_at=ended_at,
        outcome=outcome,
        timeliness=timeliness,
        due_at=due if received_at is not None else None,
        supplement_count=supplements,
        # 766 (deadlines.md §7): late, or more than one supplement request.
        late_766=timeliness == Timeliness.LATE or supplements > 1,
        handling_hours=hours,
        has_e_result=_has_e_result(dossier) if outcome == Outcome.RESULT else False,
        is_digitised=dossier.is_digitised,
        reuses_data=dossier.reuses_data,
        # No population-database integration exists yet (legal-rules §8.2, 4.5b): no
        # dossier can have used its data, so none is counted. Set it here when the
        # intake records data taken from the national population database.
        uses_population_data=False,
        rating=_rating(dossier) if events is None else "",
        updated_at=timezone.now(),
    )
    return fact, _segments(dossier, cuts, received_at, ended_at)


def _segments(
    dossier: Dossier,
    cuts: list[tuple[dt.datetime, dt.datetime | None, bool]],
    received_at: dt.datetime | None,
    ended_at: dt.datetime | None,
) -> list[FactSegment]:
    """Consecutive spans [start, end) from reception to the end (open when the dossier
    is); empty spans (two cuts at one instant, or a closed dossier's held span, which
    starts at its end) are left out."""
    if received_at is None:
        return []
    segments = []
    for index, (start, due, held) in enumerate(cuts):
        end = cuts[index + 1][0] if index + 1 < len(cuts) else ended_at
        if ended_at is not None and (end is None or end > ended_at):
            end = ended_at
        if end is not None and end <= start:
            continue
        segments.append(
            FactSegment(
                dossier_id=dossier.pk,
                agency_id=dossier.competent_agency_id,
                start=start,
                end=end,
                due_at=due,
                held=held,
            )
        )
    return segments


def save(
    pairs: Iterable[tuple[DossierFact, list[FactSegment]]], *, had_segments: bool = True
) -> None:
    """Store derived rows, replacing whatever the dossiers had (one upsert, one delete,
    one insert for the lot). ``had_segments=False``: the caller knows there were none
    to delete (the dossier is being received now)."""
    facts: list[DossierFact] = []
    segments: list[FactSegment] = []
    for fact, own in pairs:
        facts.append(fact)
        segments.extend(own)
    if not facts:
        return
    DossierFact.objects.bulk_create(
        facts, update_conflicts=True, unique_fields=["dossier"], update_fields=FACT_FIELDS
    )
    # A dossier never received has no segments and never had any (reception is not
    # undone): nothing to delete.
    received = [f.dossier_id for f in facts if f.received_at is not None]
    if received and had_segments:
        FactSegment.objects.filter(dossier_id__in=received).delete()
    if segments:
        FactSegment.objects.bulk_create(segments)


def refresh(
    dossier: Dossier,
    action: str = "",
    *,
    fresh_history: Sequence[DossierEvent] | None = None,
) -> DossierFact:
    """Recompute and store ``dossier``'s fact and segments in the caller's transaction;
    ``action``: the one just recorded, if any.

    ``fresh_history``: every event of a dossier created in this transaction (see
    ``actions.base.begin_history``). The dossier in hand is then the whole truth — no
    rating, no result yet — and nothing is read back: two statements (the row and its
    segment). Otherwise three queries before reception (the dossier, its events, the
    row), four at reception, five after; two more (the calendar) once the dossier has
    ended, for its handling hours."""
    if fresh_history is not None:
        fact, segments = derive(dossier, events=fresh_history)
    else:
        loaded = facts_queryset(Dossier.objects.filter(pk=dossier.pk)).get()
        fact, segments = derive(loaded)
    # Reception happens once: before it, a dossier has no segments to replace.
    save([(fact, segments)], had_segments=action != Action.RECEIVE)
    return fact


def rebuild(pks: Sequence[int], *, calendar: WorkCalendar | None = None) -> int:
    """Recompute and store the facts of the dossiers ``pks`` (a batch: a few queries
    whatever its size), in one transaction. Returns how many were stored."""
    calendar = calendar or get_calendar()
    with transaction.atomic():
        dossiers = facts_queryset(Dossier.objects.filter(pk__in=list(pks)))
        pairs = [derive(dossier, calendar=calendar) for dossier in dossiers]
        save(pairs)
    return len(pairs)
