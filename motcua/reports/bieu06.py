"""Biểu số 06/VPCP/KSTT (legal-rules §7.1): what was received, resolved and is in
progress in a period, counted from ``DossierFact`` and ``FactSegment``.

The counting rules (deadlines.md §7), for a period [S, N) ending at E = N − 1 s:

- counted (3): received before N and not ended before S — either received in the
  period, online (4) or in person or by post (5), or carried over (6);
- resolved (7): ended in [S, N); early (8), on time (9), late (10) by the label at
  the end. Ended without a result (refused, withdrawn, stopped, closed) are among
  them and also broken down by outcome (``Counts.without_result``);
- in progress (11): not ended before N; overdue (13) when the segment covering E is
  not held by the applicant and its due instant is before E, else within (12).

(3) = (7) + (11) by construction (a counted dossier has ended before N or not), and
one period's (11) is the next one's (6) because one period's N is the next one's S.
``compute`` counts with a few grouped aggregate queries, never a loop over dossiers;
``recount`` counts the same from the dossiers and their events through
``facts.derive`` (slow: for checks and tests).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext as _

from motcua.catalog.models import Field, Procedure
from motcua.dossiers.models import Dossier
from motcua.org.models import Agency
from motcua.reports.facts import derive, facts_queryset
from motcua.reports.models import ChannelGroup, DossierFact, FactSegment, Outcome, ReportLevel
from motcua.reports.periods import Period
from motcua.workdays.services import get_calendar
from motcua.workdays.timeliness import Timeliness

COLUMNS = (
    "received",
    "online",
    "direct",
    "carried",
    "resolved",
    "early",
    "on_time",
    "late",
    "open",
    "within",
    "overdue",
)
# The outcomes of dossiers resolved without a result, in the breakdown's order; each
# is also a ``column`` of ``dossiers_behind``.
WITHOUT_RESULT: tuple[str, ...] = tuple(
    o.value for o in (Outcome.REFUSED, Outcome.WITHDRAWN, Outcome.STOPPED, Outcome.CLOSED)
)
GROUPINGS = ("agency", "level")
# Query parameters of the drill-down, and the fact field each filters on.
FILTERS = {
    "co-quan": "agency_id",
    "cap": "level",
    "linh-vuc": "field_id",
    "thu-tuc": "procedure_id",
}
# A procedure without a field is filed under "linh-vuc=0" (no field has id 0).
NO_FIELD = "0"


@dataclass
class Counts:
    """One row of Biểu 06: columns (3)–(13), and the resolved-without-result breakdown."""

    received: int = 0
    online: int = 0
    direct: int = 0
    carried: int = 0
    resolved: int = 0
    early: int = 0
    on_time: int = 0
    late: int = 0
    open: int = 0
    within: int = 0
    overdue: int = 0
    without_result: dict[str, int] = field(default_factory=lambda: dict.fromkeys(WITHOUT_RESULT, 0))

    def __add__(self, other: Counts) -> Counts:
        total = Counts(**{name: getattr(self, name) + getattr(other, name) for name in COLUMNS})
        for outcome in {*self.without_result, *other.without_result}:
            total.without_result[outcome] = self.without_result.get(
                outcome, 0
            ) + other.without_result.get(outcome, 0)
        return total

    def values(self) -> list[int]:
        return [getattr(self, name) for name in COLUMNS]

    def broken_identities(self) -> list[str]:
        """The accounting identities of legal-rules §7.1 that do not hold (none, always)."""
        checks = {
            "(3)=(4)+(5)+(6)": self.received == self.online + self.direct + self.carried,
            "(7)=(8)+(9)+(10)": self.resolved == self.early + self.on_time + self.late,
            "(11)=(12)+(13)": self.open == self.within + self.overdue,
            "(3)=(7)+(11)": self.received == self.resolved + self.open,
            "không kết quả ≤ (7)": sum(self.without_result.values()) <= self.resolved,
        }
        return [name for name, holds in checks.items() if not holds]


@dataclass
class Row:
    label: str
    depth: int  # 0: level or agency, 1: field, 2: procedure
    counts: Counts
    filters: dict[str, str]


@dataclass
class Report:
    period: Period
    by: str
    rows: list[Row]
    total: Counts


# --- which facts each column counts ---------------------------------------------------


def _counted(period: Period) -> Q:
    """(3): received before N, and not ended before S."""
    return Q(received_at__isnull=False, received_at__lt=period.stop) & (
        Q(ended_at__isnull=True) | Q(ended_at__gte=period.start)
    )


def _column_conditions(period: Period) -> dict[str, Q]:
    """Each column's condition on a counted fact (``within``/``overdue`` excepted)."""
    start, stop = period.start, period.stop
    in_period = Q(received_at__gte=start)
    resolved = Q(ended_at__lt=stop)
    conditions = {
        "received": Q(),
        "online": in_period & Q(channel_group=ChannelGroup.ONLINE),
        "direct": in_period & Q(channel_group=ChannelGroup.DIRECT),
        "carried": Q(received_at__lt=start),
        "resolved": resolved,
        "early": resolved & Q(timeliness=Timeliness.EARLY),
        "on_time": resolved & Q(timeliness=Timeliness.ON_TIME),
        "late": resolved & Q(timeliness=Timeliness.LATE),
        "open": Q(ended_at__isnull=True) | Q(ended_at__gte=stop),
    }
    for outcome in WITHOUT_RESULT:
        conditions[outcome] = resolved & Q(outcome=outcome)
    return conditions


def _overdue_segments(period: Period) -> QuerySet[FactSegment]:
    """The segments covering E that make their dossier overdue: not held, with a due
    instant before E. A dossier has at most one segment covering any instant."""
    e = period.end_instant
    return FactSegment.objects.filter(
        Q(end__isnull=True) | Q(end__gt=e), start__lte=e, held=False, due_at__lt=e
    )


def _facts(period: Period, agencies: list[int] | None) -> QuerySet[DossierFact]:
    facts = DossierFact.objects.filter(_counted(period))
    if agencies is not None:
        facts = facts.filter(agency_id__in=agencies)
    return facts


# --- compute ------------------------------------------------------------------------

Key = tuple[Any, ...]
GROUP_KEYS = {"agency": ("agency_id",), "level": ("level", "field_id", "procedure_id")}


def _check_by(by: str) -> None:
    if by not in GROUPINGS:
        raise ValueError(_("Chỉ xem được theo cơ quan hoặc theo cấp, lĩnh vực, thủ tục."))


def compute(period: Period, *, by: str = "agency", agencies: list[int] | None = None) -> Report:
    """Biểu 06 for ``period``: rows by agency, or by level → field → procedure with
    subtotals; ``agencies`` limits it to those (None: the whole province). Two
    aggregate queries, plus the rows' names."""
    _check_by(by)
    keys = GROUP_KEYS[by]
    conditions = _column_conditions(period)
    aggregates = {name: Count("pk", filter=q) for name, q in conditions.items()}
    groups: dict[Key, Counts] = {}
    for row in _facts(period, agencies).values(*keys).annotate(**aggregates).order_by():
        key = tuple(row[k] for k in keys)
        groups[key] = Counts(
            **{name: row[name] for name in COLUMNS if name not in ("within", "overdue")},
            without_result={o: row[o] for o in WITHOUT_RESULT},
        )
    open_facts = _facts(period, agencies).filter(conditions["open"])
    overdue = (
        open_facts.filter(Exists(_overdue_segments(period).filter(dossier_id=OuterRef("pk"))))
        .values(*keys)
        .annotate(n=Count("pk"))
        .order_by()
    )
    for row in overdue:
        groups[tuple(row[k] for k in keys)].overdue = row["n"]
    for counts in groups.values():
        counts.within = counts.open - counts.overdue
    return _report(period, by, groups, agencies)


def _report(
    period: Period, by: str, groups: Mapping[Key, Counts], agencies: list[int] | None
) -> Report:
    rows = _agency_rows(groups, agencies) if by == "agency" else _level_rows(groups)
    total = sum(groups.values(), Counts())
    return Report(period=period, by=by, rows=rows, total=total)


def _agency_rows(groups: Mapping[Key, Counts], agencies: list[int] | None) -> list[Row]:
    """One row per agency with dossiers, or per agency asked for (with zeros), by name."""
    ids = {key[0] for key in groups} | set(agencies or [])
    named = Agency.objects.filter(pk__in=ids).order_by("name", "pk").values_list("pk", "name")
    return [
        Row(
            label=name,
            depth=0,
            counts=groups.get((pk,), Counts()),
            filters={"co-quan": str(pk)},
        )
        for pk, name in named
    ]


def _level_rows(groups: Mapping[Key, Counts]) -> list[Row]:
    """Levels (provincial first), their fields by name, their procedures by code; each
    subtotal is the sum of the rows under it."""
    field_names = dict(
        Field.objects.filter(pk__in={k[1] for k in groups if k[1] is not None}).values_list(
            "pk", "name"
        )
    )
    procedures = {
        pk: f"{code} — {name}"
        for pk, code, name in Procedure.objects.filter(pk__in={k[2] for k in groups}).values_list(
            "pk", "code", "name"
        )
    }
    no_field = _("Chưa xác định lĩnh vực")
    rows: list[Row] = []
    for level in ReportLevel:
        in_level = {k: c for k, c in groups.items() if k[0] == level.value}
        if not in_level:
            continue
        rows.append(
            Row(str(level.label), 0, sum(in_level.values(), Counts()), {"cap": level.value})
        )
        field_ids = sorted(
            {k[1] for k in in_level}, key=lambda f: (f is None, field_names.get(f, ""), f or 0)
        )
        for field_id in field_ids:
            in_field = {k: c for k, c in in_level.items() if k[1] == field_id}
            field_filters = {"cap": level.value, "linh-vuc": str(field_id or NO_FIELD)}
            label = field_names[field_id] if field_id is not None else no_field
            rows.append(Row(label, 1, sum(in_field.values(), Counts()), field_filters))
            for key in sorted(in_field, key=lambda k: procedures.get(k[2], "")):
                rows.append(
                    Row(
                        procedures.get(key[2], str(key[2])),
                        2,
                        in_field[key],
                        {**field_filters, "thu-tuc": str(key[2])},
                    )
                )
    return rows


# --- the dossiers behind a number ---------------------------------------------------


def dossiers_behind(
    period: Period,
    column: str,
    filters: dict[str, str],
    agencies: list[int] | None = None,
) -> QuerySet[Dossier]:
    """The dossiers a number of ``compute`` counts, oldest reception first: ``column``
    is one of ``COLUMNS`` or an outcome of ``WITHOUT_RESULT``; ``filters`` are a row's
    (keys of ``FILTERS``). Raises ValueError for an unknown column, filter or value."""
    conditions = _column_conditions(period)
    facts = _facts(period, agencies)
    for key, value in filters.items():
        if key not in FILTERS:
            raise ValueError(_("Không có bộ lọc “%(key)s”.") % {"key": key})
        if key == "cap":
            if value not in ReportLevel.values:
                raise ValueError(_("Không có cấp “%(value)s”.") % {"value": value})
            facts = facts.filter(level=value)
        elif key == "linh-vuc" and value == NO_FIELD:
            facts = facts.filter(field_id__isnull=True)
        else:
            if not value.isdigit():
                raise ValueError(
                    _("Giá trị “%(value)s” của bộ lọc “%(key)s” không hợp lệ.")
                    % {"value": value, "key": key}
                )
            facts = facts.filter(**{FILTERS[key]: int(value)})
    overdue = Exists(_overdue_segments(period).filter(dossier_id=OuterRef("pk")))
    if column in ("within", "overdue"):
        facts = facts.filter(conditions["open"])
        facts = facts.filter(overdue) if column == "overdue" else facts.exclude(overdue)
    elif column in conditions:
        facts = facts.filter(conditions[column])
    else:
        raise ValueError(_("Biểu 06 không có cột “%(column)s”.") % {"column": column})
    return Dossier.objects.filter(pk__in=facts.values("pk")).order_by("received_at", "pk")


# --- the same, recounted from the dossiers ----------------------------------------------


def _classify(period: Period, fact: DossierFact, segments: Iterable[FactSegment]) -> Counts:
    """The columns one derived dossier counts in (the rules of the module docstring,
    in Python)."""
    counts = Counts()
    start, stop, e = period.start, period.stop, period.end_instant
    received, ended = fact.received_at, fact.ended_at
    if received is None or received >= stop or (ended is not None and ended < start):
        return counts
    counts.received = 1
    if received < start:
        counts.carried = 1
    elif fact.channel_group == ChannelGroup.ONLINE:
        counts.online = 1
    else:
        counts.direct = 1
    if ended is not None and ended < stop:
        counts.resolved = 1
        setattr(counts, fact.timeliness, 1)
        if fact.outcome in counts.without_result:
            counts.without_result[fact.outcome] = 1
        return counts
    counts.open = 1
    covering = [s for s in segments if s.start <= e and (s.end is None or s.end > e)]
    late = any(not s.held and s.due_at is not None and s.due_at < e for s in covering)
    counts.overdue, counts.within = (1, 0) if late else (0, 1)
    return counts


def recount(period: Period, *, by: str = "agency", agencies: list[int] | None = None) -> Report:
    """``compute``'s report, counted from every dossier and its events through
    ``facts.derive`` in Python, without the stored facts (slow; for checks)."""
    _check_by(by)
    # A dossier is received after it is submitted: those submitted later cannot count.
    dossiers = Dossier.objects.filter(submitted_at__lt=period.stop)
    if agencies is not None:
        dossiers = dossiers.filter(competent_agency_id__in=agencies)
    calendar = get_calendar()
    groups: dict[Key, Counts] = {}
    for dossier in facts_queryset(dossiers.order_by("pk")):
        fact, segments = derive(dossier, calendar=calendar)
        counts = _classify(period, fact, segments)
        if not counts.received:
            continue
        if by == "agency":
            key: Key = (fact.agency_id,)
        else:
            key = (fact.level, fact.field_id, fact.procedure_id)
        groups[key] = groups.get(key, Counts()) + counts
    return _report(period, by, groups, agencies)


# --- checking a report ----------------------------------------------------------------


def _key(row: Row) -> tuple[tuple[str, str], ...]:
    return tuple(sorted(row.filters.items()))


def problems(report: Report) -> list[str]:
    """What does not add up in ``report`` (nothing, ever): a broken identity on a row or
    the total, a subtotal that is not the sum of its rows, rows that do not add up to
    the total."""
    found = [
        f"{row.label}: {identity}"
        for row in [*report.rows, Row(_("Tổng cộng"), -1, report.total, {})]
        for identity in row.counts.broken_identities()
    ]
    if sum((r.counts for r in report.rows if r.depth == 0), Counts()) != report.total:
        found.append(_("Các dòng không cộng đúng tổng cộng."))
    for index, row in enumerate(report.rows):
        children = Counts()
        has_children = False
        for below in report.rows[index + 1 :]:
            if below.depth <= row.depth:
                break
            if below.depth == row.depth + 1:
                children, has_children = children + below.counts, True
        if has_children and children != row.counts:
            found.append(_("%(row)s: không bằng tổng các dòng con.") % {"row": row.label})
    return found


def carry_problems(before: Report, after: Report) -> list[str]:
    """Rows (and the total) whose carried over in ``after`` is not their in progress at
    the end of ``before``, the period just before it."""
    if before.period.last_day + dt.timedelta(days=1) != after.period.first_day:
        raise ValueError("the periods must follow each other")
    still_open = {_key(r): r.counts.open for r in before.rows}
    carried = {_key(r): r.counts.carried for r in after.rows}
    found = [
        _("%(row)s: chuyển sang %(carried)s ≠ đang giải quyết cuối kỳ trước %(open)s")
        % {"row": dict(key), "carried": carried.get(key, 0), "open": still_open.get(key, 0)}
        for key in sorted(still_open.keys() | carried.keys())
        if carried.get(key, 0) != still_open.get(key, 0)
    ]
    if before.total.open != after.total.carried:
        found.append(
            _("Tổng: chuyển sang %(carried)s ≠ đang giải quyết cuối kỳ trước %(open)s")
            % {"carried": after.total.carried, "open": before.total.open}
        )
    return found
