"""The worklists: the dossiers waiting for an official, the soonest due first.

Every list is read from the desk (DEVELOPERS.md, "every view starts at the desk"): a
dossier belongs to an agency's lists when it was received there, is decided there, or
has an open step there (an inter-agency hand-over). Nothing outside the official's
memberships is ever read; a supervisor may widen a list to all their agencies.

Speed at millions of dossiers (issue 4: under 100 ms at the 95th percentile):

- The scope is three branches. One query with ``a OR b OR c`` could walk no index in
  due order, so the first two — received here, decided here — each read their first
  ``PAGE_SIZE + 1`` keys from an index on (agency, …, due_at) and the union is merged
  here: the first page of the union is inside the union of the firsts. The third —
  an open step here, for a dossier neither received nor decided here — is small and
  read whole (see ``_elsewhere``).
- Keyset pagination on (sort instant, id): the "next page" link carries the last row's
  key, so no page counts or skips rows. Rows without an instant come last; they are
  read by a second query once the dated ones run out, so that the dated part keeps an
  index range condition (``due_at >= k``) instead of an OR no index can serve.
- Open dossiers and open steps are recent, so they sit at the end of any due_at order:
  a plan that walks an index from the oldest instant and filters finds them only after
  reading the whole history. The lists therefore need, per agency column, an index
  whose leading columns the query fixes and whose next column is the sort: (agency,
  status, due_at) for one status, (agency, due_at, id) restricted to the open statuses
  for "due soon" and "overdue", (agency, due_at, id) for "all", and for steps (agency,
  due_at, id) and (assignee, due_at, id) restricted to unfinished ones.
  ``bench/pages.py`` measures the pages; ``EXPLAIN`` shows which index a query took.
- Rows are fetched by primary key after the keys are known, with only the columns
  the table shows (a procedure version carries its whole national record).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q, QuerySet
from django.http import QueryDict
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from motcua.accounts.models import User
from motcua.backoffice.scope import Desk
from motcua.catalog.models import Procedure, ProcedureVersion
from motcua.dossiers.models import Dossier, IntakeChannel, StepAgency, Task, WorkflowStep
from motcua.dossiers.pollers import ONLINE_RECEPTION_HOURS, RUNNING
from motcua.dossiers.statuses import Status
from motcua.org.models import Role
from motcua.workdays.calendar import LOCAL_TZ, WorkCalendar, to_local

PAGE_SIZE = 50

# Query parameters (Vietnamese, like the lists' slugs).
SEARCH, PROCEDURE, FIELD, CHANNEL = "tim", "thu-tuc", "linh-vuc", "kenh"
DATE_FROM, DATE_TO, SCOPE, AFTER = "tu-ngay", "den-ngay", "pham-vi", "sau"
EVERYWHERE = "tat-ca"
FILTER_PARAMS = (SEARCH, PROCEDURE, FIELD, CHANNEL, DATE_FROM, DATE_TO, SCOPE)

# What the table shows of a dossier; anything else would be loaded row by row.
DOSSIER_COLUMNS = (
    "code",
    "applicant_name",
    "applicant_identifier",
    "channel",
    "status",
    "submitted_at",
    "received_at",
    "due_at",
    "procedure_version__name",
    "procedure_version__procedure__code",
    "receiving_agency__name",
    "receiving_agency__short_name",
)
DOSSIER_RELATED = ("procedure_version__procedure", "receiving_agency")
STEP_COLUMNS = (
    "dossier_id",
    "due_at",
    "step__name",
    "agency__name",
    "agency__short_name",
    "assignee__full_name",
    "assignee__username",
)


@dataclass(frozen=True)
class When:
    """The instant a list is drawn at, and the end of the next working day after it
    (the bound of "due within 1 working day")."""

    now: dt.datetime
    horizon: dt.datetime
    calendar: WorkCalendar

    @classmethod
    def at(cls, now: dt.datetime, calendar: WorkCalendar) -> When:
        return cls(now=now, horizon=next_working_day_end(calendar, now), calendar=calendar)


def next_working_day_end(calendar: WorkCalendar, now: dt.datetime) -> dt.datetime:
    """Closing time of the first working day after ``now``'s local date: on Friday
    afternoon that is Monday 17:00, before a holiday the day after it."""
    today = to_local(now).date()
    return calendar.at(calendar.next_working_day(today), calendar.closing_time)


Narrow = Callable[[QuerySet[Dossier], When], QuerySet[Dossier]]


def _to_receive(qs: QuerySet[Dossier], when: When) -> QuerySet[Dossier]:
    return qs.filter(status=Status.SUBMITTED)


def _due_soon(qs: QuerySet[Dossier], when: When) -> QuerySet[Dossier]:
    # A dossier awaiting a supplement is held by the applicant: its clock is stopped
    # (deadlines.md §7), so it is never "due soon", as it is never overdue.
    return qs.filter(status__in=RUNNING, due_at__gte=when.now, due_at__lt=when.horizon)


def _overdue(qs: QuerySet[Dossier], when: When) -> QuerySet[Dossier]:
    return qs.overdue(when.now)  # type: ignore[attr-defined]


def _awaiting_supplement(qs: QuerySet[Dossier], when: When) -> QuerySet[Dossier]:
    return qs.filter(status=Status.AWAITING_SUPPLEMENT)


def _ready_to_return(qs: QuerySet[Dossier], when: When) -> QuerySet[Dossier]:
    return qs.filter(status=Status.PROCESSED)


def _everything(qs: QuerySet[Dossier], when: When) -> QuerySet[Dossier]:
    return qs


@dataclass(frozen=True)
class Worklist:
    slug: str
    title: Promise
    summary: Promise
    narrow: Narrow | None  # None: the officer's own tasks, not a filter over dossiers
    # Online submissions wait at the one-stop unit that will receive them, and only
    # there: a department sees them once they are received.
    receiving_only: bool = False
    role: str = ""  # the role the desk needs at its agency to be offered the list
    sort: str = "due_at"  # the instant rows are sorted by (with the id as tie-break)
    date_field: str = "received_at"  # what the date range filters
    due_label: Promise = gettext_lazy("Hẹn trả")  # the heading of that instant's column
    undated: bool = True  # whether rows without that instant can be listed (they come last)

    def offered_to(self, desk: Desk) -> bool:
        return not self.role or desk.has(self.role)

    @property
    def of_tasks(self) -> bool:
        return self.narrow is None


LISTS: dict[str, Worklist] = {
    wl.slug: wl
    for wl in [
        Worklist(
            "cho-tiep-nhan",
            gettext_lazy("Chờ tiếp nhận"),
            gettext_lazy(
                "Hồ sơ nộp trực tuyến chờ tiếp nhận; phải tiếp nhận hoặc hướng dẫn bổ sung "
                "trong 8 giờ làm việc (khoản 2 Điều 17 Nghị định 118/2025)."
            ),
            _to_receive,
            receiving_only=True,
            role=Role.RECEPTION,
            sort="submitted_at",
            date_field="submitted_at",
            due_label=gettext_lazy("Hạn tiếp nhận"),
            undated=False,
        ),
        Worklist(
            "viec-cua-toi",
            gettext_lazy("Việc của tôi"),
            gettext_lazy("Các bước xử lý đang chờ bạn, hạn xử lý bước sớm nhất trước."),
            None,
            due_label=gettext_lazy("Hạn xử lý bước"),
        ),
        Worklist(
            "sap-den-han",
            gettext_lazy("Đến hạn trong 1 ngày làm việc"),
            gettext_lazy("Hồ sơ đang xử lý có hẹn trả trước khi hết ngày làm việc kế tiếp."),
            _due_soon,
            undated=False,
        ),
        Worklist(
            "qua-han",
            gettext_lazy("Quá hạn"),
            gettext_lazy("Hồ sơ đang xử lý đã quá hẹn trả (không kể hồ sơ chờ bổ sung)."),
            _overdue,
            undated=False,
        ),
        Worklist(
            "cho-bo-sung",
            gettext_lazy("Chờ bổ sung"),
            gettext_lazy("Hồ sơ đang chờ người nộp bổ sung, hoàn thiện."),
            _awaiting_supplement,
        ),
        Worklist(
            "cho-tra-ket-qua",
            gettext_lazy("Chờ trả kết quả"),
            gettext_lazy("Hồ sơ đã có kết quả, chờ trả cho người nộp."),
            _ready_to_return,
        ),
        Worklist(
            "tat-ca",
            gettext_lazy("Tất cả hồ sơ"),
            gettext_lazy("Mọi hồ sơ của cơ quan: tìm theo mã, số định danh hoặc tên người nộp."),
            _everything,
        ),
    ]
}


def offered(desk: Desk) -> list[Worklist]:
    return [wl for wl in LISTS.values() if wl.offered_to(desk)]


def navigation(desk: Desk) -> list[dict[str, str]]:
    """The left navigation: the lists offered at the desk's agency (no counts: a count
    per list on every page is what makes such screens slow)."""
    return [
        {
            "slug": wl.slug,
            "title": str(wl.title),
            "url": reverse("backoffice:worklist", args=[wl.slug]),
        }
        for wl in offered(desk)
    ]


def can_widen(desk: Desk) -> bool:
    """Supervisors, leaders and heads working in several agencies may list them all."""
    return desk.supervises and len(desk.agencies) > 1


def scope_ids(wl: Worklist, desk: Desk, everywhere: bool) -> list[int]:
    """The agencies a list covers: the desk's agency, or all of the official's when a
    supervisor widens it — for a role-bound list, those where they hold the role."""
    assert desk.agency is not None
    if not (everywhere and can_widen(desk)):
        return [desk.agency.pk]
    if wl.role:
        return [pk for pk in desk.agency_ids if wl.role in desk.roles.get(pk, set())]
    return desk.agency_ids


# --------------------------------------------------------------------------- filters

_DATE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")
# Dossier codes (``H24.STP-260302-0001``), personal identifiers and tax codes are one
# word holding a digit, a dot or a dash; a person's or organisation's name is not.
_CODE_LIKE = re.compile(r"^\S*[\d.\-]\S*$")
SEARCH_MAX = 100


@dataclass
class Filters:
    """The filter form as typed (``values``), its errors, and what it means."""

    values: dict[str, str] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    search: str = ""
    procedure_id: int | None = None
    field_id: int | None = None
    channel: str = ""
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    everywhere: bool = False

    def q(self, wl: Worklist, prefix: str = "") -> Q:
        """The conditions on dossiers (``prefix`` "dossier__" for a list of tasks)."""
        q = Q()
        if self.search:
            q &= search_q(self.search, prefix)
        if self.procedure_id is not None:
            versions = ProcedureVersion.objects.filter(procedure_id=self.procedure_id)
            q &= Q(**{f"{prefix}procedure_version_id__in": versions.values("pk")})
        if self.field_id is not None:
            versions = ProcedureVersion.objects.filter(field_id=self.field_id)
            q &= Q(**{f"{prefix}procedure_version_id__in": versions.values("pk")})
        if self.channel:
            q &= Q(**{f"{prefix}channel": self.channel})
        if self.date_from is not None:
            q &= Q(**{f"{prefix}{wl.date_field}__gte": start_of(self.date_from)})
        if self.date_to is not None:
            q &= Q(**{f"{prefix}{wl.date_field}__lt": start_of(self.date_to + dt.timedelta(1))})
        return q

    def floor(self, wl: Worklist) -> dt.datetime | None:
        """A lower bound of the sort instant implied by "received from": a due instant
        is never before the reception (it is counted from it, and extensions and
        supplements only move it later). Given to the index as a range, it spares the
        walk through every older dossier — those received lately are due last."""
        if self.date_from is None or wl.sort not in {"due_at", wl.date_field}:
            return None
        return start_of(self.date_from)

    def query(self, **extra: str) -> str:
        """The filters that were understood, as a query string, plus ``extra``."""
        kept = {k: v for k, v in self.values.items() if v and k not in self.errors}
        kept.update(extra)
        return urlencode(kept)

    @property
    def active(self) -> bool:
        return any(v for k, v in self.values.items() if k != SCOPE)


def start_of(day: dt.date) -> dt.datetime:
    """Midnight at the start of ``day`` in local time: "received on 05/03" means the
    local calendar day, not UTC's."""
    return dt.datetime.combine(day, dt.time.min, tzinfo=LOCAL_TZ)


def search_q(text: str, prefix: str = "") -> Q:
    """A code (exact or its beginning) or an identifier (exact) when the text looks like
    one, otherwise a part of the applicant's name. Each branch has its index (the code's
    unique index serves prefixes, ``applicant_identifier``); the name search scans, but
    only when asked for."""
    if _CODE_LIKE.match(text):
        q = Q(**{f"{prefix}code__startswith": text}) | Q(**{f"{prefix}applicant_identifier": text})
        if text.upper() != text:  # codes are upper case; accept them typed in lower case
            q |= Q(**{f"{prefix}code__startswith": text.upper()})
        return q
    return Q(**{f"{prefix}applicant_name__icontains": text})


def parse_date(text: str) -> dt.date | None:
    match = _DATE.fullmatch(text.strip())
    if not match:
        return None
    day, month, year = (int(g) for g in match.groups())
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def read_filters(params: QueryDict, desk: Desk, fields: Iterable[tuple[int, str, str]]) -> Filters:
    """Read the filter form; a value that cannot be used gets a message for its field
    and is left out, so the list still shows. ``fields`` are (pk, slug, name)."""
    f = Filters(values={k: params.get(k, "").strip() for k in FILTER_PARAMS})
    v, errors = f.values, f.errors

    text = " ".join(v[SEARCH].split())
    if len(text) > SEARCH_MAX:
        errors[SEARCH] = _("Nội dung tìm kiếm quá dài (tối đa %(n)s ký tự).") % {"n": SEARCH_MAX}
    else:
        f.search = text

    if v[PROCEDURE]:
        found = Procedure.objects.filter(code=v[PROCEDURE]).values_list("pk", flat=True).first()
        if found is None:
            errors[PROCEDURE] = _("Không có thủ tục mã «%(code)s».") % {"code": v[PROCEDURE]}
        f.procedure_id = found

    if v[FIELD]:
        by_slug = {slug: pk for pk, slug, _name in fields}
        if v[FIELD] not in by_slug:
            errors[FIELD] = _("Lĩnh vực không có trong danh mục.")
        f.field_id = by_slug.get(v[FIELD])

    if v[CHANNEL]:
        if v[CHANNEL] in IntakeChannel.values:
            f.channel = v[CHANNEL]
        else:
            errors[CHANNEL] = _("Kênh nộp không hợp lệ.")

    for key in (DATE_FROM, DATE_TO):
        if v[key]:
            day = parse_date(v[key])
            if day is None:
                errors[key] = _(
                    "Ngày «%(text)s» không hợp lệ: nhập theo dạng dd/mm/yyyy, ví dụ 05/03/2026."
                ) % {"text": v[key]}
            elif key == DATE_FROM:
                f.date_from = day
            else:
                f.date_to = day
    if f.date_from and f.date_to and f.date_to < f.date_from:
        errors[DATE_TO] = _("Ngày kết thúc trước ngày bắt đầu.")
        f.date_to = None

    f.everywhere = v[SCOPE] == EVERYWHERE and can_widen(desk)
    return f


# ------------------------------------------------------------------------ pagination


@dataclass(frozen=True)
class Cursor:
    """The last row shown: its sort instant (None sorts last) and its id."""

    key: dt.datetime | None
    pk: int

    _FORMAT = "%Y%m%dT%H%M%S%f"

    def __str__(self) -> str:
        stamp = self.key.astimezone(dt.UTC).strftime(self._FORMAT) if self.key else "-"
        return f"{stamp}~{self.pk}"

    @classmethod
    def parse(cls, text: str) -> Cursor | None:
        """None for anything malformed: a mangled link shows the first page."""
        stamp, sep, pk = text.partition("~")
        if not sep or not pk.isdigit():
            return None
        if stamp == "-":
            return cls(None, int(pk))
        try:
            key = dt.datetime.strptime(stamp, cls._FORMAT).replace(tzinfo=dt.UTC)
        except ValueError:
            return None
        return cls(key, int(pk))


def _order(key: dt.datetime | None, pk: int) -> tuple[bool, dt.datetime, int]:
    return (key is None, key or dt.datetime.min.replace(tzinfo=dt.UTC), pk)


def _after(
    qs: QuerySet[Any],
    sort: str,
    after: Cursor | None,
    limit: int,
    undated: bool,
    floor: dt.datetime | None = None,
) -> list[tuple[Any, int]]:
    """The first ``limit`` (instant, id) of ``qs`` after ``after``, instants ascending
    and missing instants last (read only if ``undated`` rows can exist); ``floor``: no
    dated row is before it. Index range reads, never an OFFSET."""
    dated = after is None or after.key is not None
    keys: list[tuple[Any, int]] = []
    if dated:
        part = qs.filter(**{f"{sort}__isnull": False})
        if floor is not None:
            part = part.filter(**{f"{sort}__gte": floor})
        if after is not None:
            part = part.filter(**{f"{sort}__gte": after.key}).filter(
                Q(**{f"{sort}__gt": after.key}) | Q(pk__gt=after.pk)
            )
        keys = list(part.order_by(sort, "pk").values_list(sort, "pk")[:limit])
    if undated and len(keys) < limit:
        part = qs.filter(**{f"{sort}__isnull": True})
        if after is not None and after.key is None:
            part = part.filter(pk__gt=after.pk)
        keys += list(part.order_by("pk").values_list(sort, "pk")[: limit - len(keys)])
    return keys


def _elsewhere(
    base: QuerySet[Dossier], agency_ids: list[int], sort: str, after: Cursor | None
) -> dict[int, Any]:
    """The third branch: dossiers with an open step at these agencies that neither
    received nor decide them (a step handed over, a named coordinating agency) — few.

    Asked without ORDER BY and LIMIT, on purpose: with them PostgreSQL walks the whole
    due_at index probing each dossier for a step (seconds at 200,000 dossiers), not
    knowing that open steps belong to recent dossiers. Without them it starts from the
    smaller side, the agency's open steps or the list's dossiers."""
    # Only two kinds of step run at such an agency: a step handed over, which the engine
    # always gives to the handling officer's role (actions/handling.py, hand_over), and
    # a step at a named coordinating agency. Asking for those alone keeps the centre's
    # open "return the result" steps — they pile up with uncollected results — out,
    # and it is asked so that an index finds them without reading those: the handling
    # role's open steps by ``task_open_agency_role``, the named steps by their ids
    # (steps naming these agencies, found by the step's agency key; usually none). As a
    # condition on each open step instead, PostgreSQL read all of the centre's (9,000
    # heap pages, 9 ms, at a million dossiers).
    named = list(
        WorkflowStep.objects.filter(
            agency_id__in=agency_ids, agency_source=StepAgency.NAMED
        ).values_list("pk", flat=True)
    )
    of_handlers = Q(role=Role.HANDLER)
    steps = Task.objects.filter(agency_id__in=agency_ids, finished_at__isnull=True).filter(
        of_handlers | Q(step_id__in=named) if named else of_handlers
    )
    rows = (
        base.filter(pk__in=steps.values("dossier_id"))
        .exclude(receiving_agency_id__in=agency_ids)
        .exclude(competent_agency_id__in=agency_ids)
        .filter(_beyond(sort, after))
        .order_by()
        .values_list("pk", sort)
    )
    return dict(rows)


def _beyond(sort: str, after: Cursor | None) -> Q:
    """Rows after the cursor in (instant, id) order, instants missing last."""
    if after is None:
        return Q()
    if after.key is None:
        return Q(**{f"{sort}__isnull": True, "pk__gt": after.pk})
    return (
        Q(**{f"{sort}__gt": after.key})
        | Q(**{sort: after.key, "pk__gt": after.pk})
        | Q(**{f"{sort}__isnull": True})
    )


@dataclass
class Row:
    dossier: Dossier
    steps: list[Task]  # the open steps (the officer's own one in "my tasks")
    due: dt.datetime | None  # the instant the row is sorted and coloured by
    urgency: str  # "late", "today", "ok", or "" (clock stopped, or handling ended)


@dataclass
class Page:
    rows: list[Row]
    next: Cursor | None


def urgency(due: dt.datetime | None, when: When) -> str:
    if due is None:
        return ""
    if due < when.now:
        return "late"
    if due < when.horizon:
        return "today"
    return "ok"


def dossier_urgency(dossier: Dossier, when: When) -> tuple[dt.datetime | None, str]:
    """The instant that matters now for ``dossier`` and how close it is."""
    if dossier.status == Status.SUBMITTED:
        # Decree 118/2025 Art. 17(2): received, or the applicant guided, within 8
        # working hours of the submission.
        due = when.calendar.add_working_hours(dossier.submitted_at, ONLINE_RECEPTION_HOURS)
        return due, urgency(due, when)
    if dossier.status in RUNNING or dossier.status == Status.PROCESSED:
        return dossier.due_at, urgency(dossier.due_at, when)
    return dossier.due_at, ""


def load_page(
    wl: Worklist,
    *,
    user: User,
    agency_ids: list[int],
    filters: Filters,
    after: Cursor | None,
    when: When,
) -> Page:
    if wl.of_tasks:
        return _task_page(wl, user, agency_ids, filters, after, when)
    return _dossier_page(wl, agency_ids, filters, after, when)


def _dossier_page(
    wl: Worklist, agency_ids: list[int], filters: Filters, after: Cursor | None, when: When
) -> Page:
    assert wl.narrow is not None
    base = wl.narrow(Dossier.objects.all(), when).filter(filters.q(wl))
    found: dict[int, Any] = {}
    branches = [base.filter(receiving_agency_id__in=agency_ids)]
    if not wl.receiving_only:
        branches.append(base.filter(competent_agency_id__in=agency_ids))
        found.update(_elsewhere(base, agency_ids, wl.sort, after))
    for branch in branches:
        for key, pk in _after(branch, wl.sort, after, PAGE_SIZE + 1, wl.undated, filters.floor(wl)):
            found[pk] = key
    ordered = sorted(found.items(), key=lambda item: _order(item[1], item[0]))
    shown = ordered[:PAGE_SIZE]
    ids = [pk for pk, _key in shown]
    dossiers = (
        Dossier.objects.filter(pk__in=ids).select_related(*DOSSIER_RELATED).only(*DOSSIER_COLUMNS)
    )
    by_pk = {d.pk: d for d in dossiers}
    steps: dict[int, list[Task]] = {}
    if ids:
        for task in (
            Task.objects.filter(dossier_id__in=ids, finished_at__isnull=True)
            .select_related("step", "agency", "assignee")
            .only(*STEP_COLUMNS)
            .order_by("started_at", "pk")
        ):
            steps.setdefault(task.dossier_id, []).append(task)
    rows = []
    for pk in ids:
        dossier = by_pk[pk]
        due, level = dossier_urgency(dossier, when)
        rows.append(Row(dossier, steps.get(pk, []), due, level))
    more = len(ordered) > PAGE_SIZE
    return Page(rows, Cursor(shown[-1][1], shown[-1][0]) if more else None)


def _task_page(
    wl: Worklist,
    user: User,
    agency_ids: list[int],
    filters: Filters,
    after: Cursor | None,
    when: When,
) -> Page:
    tasks = (
        Task.objects.for_officer(user)
        .filter(agency_id__in=agency_ids)
        .filter(filters.q(wl, "dossier__"))
        .select_related("dossier__procedure_version__procedure")
        .only(*STEP_COLUMNS, *(f"dossier__{c}" for c in DOSSIER_COLUMNS if "agency" not in c))
    )
    if after is not None and after.key is not None:
        # A step's due instant is never empty: the cursor always has one.
        tasks = tasks.filter(due_at__gte=after.key).filter(
            Q(due_at__gt=after.key) | Q(pk__gt=after.pk)
        )
    found = list(tasks.order_by("due_at", "pk")[: PAGE_SIZE + 1])
    rows = []
    for task in found[:PAGE_SIZE]:
        paused = task.dossier.status == Status.AWAITING_SUPPLEMENT
        rows.append(
            Row(task.dossier, [task], task.due_at, "" if paused else urgency(task.due_at, when))
        )
    more = len(found) > PAGE_SIZE
    last = found[PAGE_SIZE - 1] if more else None
    return Page(rows, Cursor(last.due_at, last.pk) if last else None)
