"""``manage.py rebuild_reports [--since DATE] [--batch N]``

Recomputes the statistics rows (``DossierFact``, ``FactSegment``) of every dossier
from its events — or, with ``--since``, of the dossiers with an event on or after that
day and of any dossier that has no row yet. The actions keep the rows current as
they go; this fills them for data written before the statistics existed, and repairs
whatever ``check_reports`` finds. Batches of ``--batch`` dossiers, each in its own
transaction, with a progress line on stderr.
"""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext as _

from motcua.dossiers.models import Dossier, DossierEvent
from motcua.reports.facts import rebuild
from motcua.reports.models import DossierFact
from motcua.workdays.calendar import LOCAL_TZ
from motcua.workdays.services import get_calendar


def parse_day(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise CommandError(
            _("Không đọc được ngày «%(text)s»; cần dạng 2026-01-31.") % {"text": text},
            returncode=2,
        ) from exc


class Progress:
    """A text bar on stderr, rewritten in place on a terminal; every tenth elsewhere."""

    def __init__(self, command: BaseCommand) -> None:
        self.stderr = command.stderr
        self.tenth = -1

    def __call__(self, done: int, total: int) -> None:
        width = 30
        filled = width * done // max(total, 1)
        line = f"[{'#' * filled}{'.' * (width - filled)}] {done}/{total}"
        if self.stderr.isatty():
            self.stderr.write(f"\r{line}", ending="" if done < total else "\n")
        elif done == total or done * 10 // max(total, 1) != self.tenth:
            self.tenth = done * 10 // max(total, 1)
            self.stderr.write(line)


class Command(BaseCommand):
    help = _("Tính lại dữ liệu thống kê (Biểu 06, chỉ số 766) của hồ sơ từ lịch sử xử lý.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--since",
            help=_("chỉ hồ sơ có thao tác từ ngày này (dạng 2026-01-31) và hồ sơ chưa có dữ liệu"),
        )
        parser.add_argument(
            "--batch", type=int, default=1000, help=_("số hồ sơ mỗi lượt (mặc định 1000)")
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["batch"] < 1:
            raise CommandError(_("Số hồ sơ mỗi lượt phải lớn hơn 0."), returncode=2)
        dossiers = Dossier.objects.all()
        if options["since"]:
            since = dt.datetime.combine(parse_day(options["since"]), dt.time(), tzinfo=LOCAL_TZ)
            recent = DossierEvent.objects.filter(dossier=OuterRef("pk"), at__gte=since)
            has_fact = DossierFact.objects.filter(dossier=OuterRef("pk"))
            dossiers = dossiers.filter(Exists(recent) | ~Exists(has_fact))
        pks = list(dossiers.order_by("pk").values_list("pk", flat=True))
        calendar = get_calendar()
        progress = Progress(self)
        started, done = time.monotonic(), 0
        progress(0, len(pks))
        for index in range(0, len(pks), options["batch"]):
            done += rebuild(pks[index : index + options["batch"]], calendar=calendar)
            progress(done, len(pks))
        elapsed = time.monotonic() - started
        self.stdout.write(
            _("Đã tính lại dữ liệu thống kê của %(n)s hồ sơ trong %(s).1f giây.")
            % {"n": done, "s": elapsed}
        )
