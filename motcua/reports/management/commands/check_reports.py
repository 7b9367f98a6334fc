"""``manage.py check_reports [--batch N] [--until DATE]``

Proves the statistics right (issue 6: roll-ups "never disagree with a recount"):

1. every dossier's stored ``DossierFact`` and ``FactSegment`` rows are recomputed
   from its events with ``facts.derive`` and compared, field by field;
2. Biểu 06 is computed for each of the last 12 calendar months up to ``--until``
   (default: today), by agency and by level → field → procedure: every identity
   holds on every row, the rows add up, and each month carries over exactly what the
   month before left in progress.

Prints each difference; exits with status 1 if there is any (``rebuild_reports``
repairs the rows). Batches of ``--batch`` dossiers: a few queries each.
"""

from __future__ import annotations

import calendar as months
import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.dossiers.models import Dossier
from motcua.reports.bieu06 import GROUPINGS, carry_problems, compute, problems
from motcua.reports.facts import FACT_FIELDS, SEGMENT_FIELDS, derive, facts_queryset
from motcua.reports.management.commands.rebuild_reports import Progress, parse_day
from motcua.reports.models import DossierFact, FactSegment
from motcua.reports.periods import Period
from motcua.workdays.calendar import LOCAL_TZ, WorkCalendar
from motcua.workdays.services import get_calendar

# Compared field by field (name → attribute); ``updated_at`` says when, not what.
COMPARED = {
    f.name: f.attname
    for f in DossierFact._meta.concrete_fields
    if f.name in FACT_FIELDS and f.name != "updated_at"
}


def last_months(until: dt.date, count: int = 12) -> list[Period]:
    """The ``count`` calendar months ending with ``until``'s, oldest first."""
    periods = []
    year, month = until.year, until.month
    for _step in range(count):
        last = dt.date(year, month, months.monthrange(year, month)[1])
        periods.append(Period(dt.date(year, month, 1), last, f"{month:02d}/{year}"))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return periods[::-1]


def differences(pks: Sequence[int], calendar: WorkCalendar) -> list[str]:
    """Each way the stored rows of dossiers ``pks`` differ from a recomputation."""
    stored = {
        row["dossier_id"]: row
        for row in DossierFact.objects.filter(dossier_id__in=pks).values("dossier_id", *COMPARED)
    }
    spans: dict[int, list[tuple[Any, ...]]] = {}
    for row in (
        FactSegment.objects.filter(dossier_id__in=pks)
        .order_by("dossier_id", "start", "pk")
        .values_list("dossier_id", *SEGMENT_FIELDS)
    ):
        spans.setdefault(row[0], []).append(tuple(row[1:]))
    found = []
    for dossier in facts_queryset(Dossier.objects.filter(pk__in=pks).order_by("pk")):
        fact, segments = derive(dossier, calendar=calendar)
        mine = stored.get(dossier.pk)
        if mine is None:
            found.append(_("%(code)s: chưa có dữ liệu thống kê.") % {"code": dossier.code})
            continue
        for name in COMPARED:
            expected = getattr(fact, COMPARED[name])
            if mine[name] != expected:
                found.append(
                    _("%(code)s: %(field)s đã lưu %(stored)r, tính lại %(derived)r.")
                    % {
                        "code": dossier.code,
                        "field": name,
                        "stored": mine[name],
                        "derived": expected,
                    }
                )
        derived = [tuple(getattr(s, n) for n in SEGMENT_FIELDS) for s in segments]
        if spans.get(dossier.pk, []) != derived:
            found.append(
                _("%(code)s: các giai đoạn đã lưu %(stored)s, tính lại %(derived)s.")
                % {"code": dossier.code, "stored": spans.get(dossier.pk, []), "derived": derived}
            )
    return found


class Command(BaseCommand):
    help = _(
        "Kiểm tra dữ liệu thống kê: tính lại từ lịch sử xử lý và so sánh; kiểm tra Biểu 06 "
        "12 tháng gần nhất luôn cân đối."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--batch", type=int, default=1000, help=_("số hồ sơ mỗi lượt (mặc định 1000)")
        )
        parser.add_argument(
            "--until", help=_("tháng cuối cùng được kiểm tra chứa ngày này (mặc định: hôm nay)")
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["batch"] < 1:
            raise CommandError(_("Số hồ sơ mỗi lượt phải lớn hơn 0."), returncode=2)
        until = (
            parse_day(options["until"])
            if options["until"]
            else timezone.now().astimezone(LOCAL_TZ).date()
        )
        calendar = get_calendar()
        pks = list(Dossier.objects.order_by("pk").values_list("pk", flat=True))
        progress = Progress(self)
        found: list[str] = []
        for index in range(0, len(pks), options["batch"]):
            for line in differences(pks[index : index + options["batch"]], calendar):
                found.append(line)
                self.stdout.write(line)
            progress(min(index + options["batch"], len(pks)), len(pks))
        for by in GROUPINGS:
            before = None
            for period in last_months(until):
                report = compute(period, by=by)
                lines = problems(report)
                if before is not None:
                    lines += carry_problems(before, report)
                for line in lines:
                    found.append(line)
                    self.stdout.write(f"Biểu 06 {period.label} ({by}): {line}")
                before = report
        self.stdout.write(
            _("Đã kiểm tra %(n)s hồ sơ và Biểu 06 của 12 tháng: %(found)s sai lệch.")
            % {"n": len(pks), "found": len(found)}
        )
        if found:
            raise CommandError(_("Dữ liệu thống kê có sai lệch (xem trên)."), returncode=1)
