"""``manage.py simulate_dossiers --count N --seed S [--agency …] [--since DATE] [--until DATE]``

Drives N dossiers through the real actions (``motcua.dossiers.simulator``): receptions
from ``--since`` (default: six months ago) to ``--until`` (default: now), at the
agencies named by ``--agency`` (id, exact name or electronic identifier; a one-stop
unit stands for the agencies it receives for) or at every agency that runs
procedures. Refused in production. Progress on stderr, a summary on stdout.
"""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.dossiers.models import Timeliness
from motcua.dossiers.simulator import Simulation, SimulationError
from motcua.dossiers.statuses import Status
from motcua.workdays.calendar import LOCAL_TZ
from motcua.workdays.deadlines import add_months


def parse_day(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise CommandError(
            _("Không đọc được ngày «%(text)s»; cần dạng 2026-01-31.") % {"text": text},
            returncode=2,
        ) from exc


class Command(BaseCommand):
    help = _(
        "Mô phỏng hồ sơ qua các thao tác thật, tái lập được theo --seed "
        "(không dùng cho production)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--count", type=int, default=1000, help=_("số hồ sơ (mặc định 1000)"))
        parser.add_argument("--seed", type=int, default=1, help=_("hạt giống ngẫu nhiên"))
        parser.add_argument(
            "--agency",
            action="extend",
            nargs="+",
            default=[],
            help=_("cơ quan (mã số, tên hoặc mã định danh); mặc định: mọi cơ quan"),
        )
        parser.add_argument("--since", help=_("ngày tiếp nhận đầu tiên (mặc định: 6 tháng trước)"))
        parser.add_argument(
            "--until", help=_("ngày cuối, không vượt quá hôm nay (mặc định: bây giờ)")
        )

    def handle(self, *args: Any, **options: Any) -> None:
        now = timezone.now()
        today = now.astimezone(LOCAL_TZ).date()
        since = parse_day(options["since"]) if options["since"] else add_months(today, -6)
        horizon = now
        if options["until"]:
            end = dt.datetime.combine(parse_day(options["until"]), dt.time.max, tzinfo=LOCAL_TZ)
            horizon = min(now, end)
        if since > horizon.astimezone(LOCAL_TZ).date() or options["count"] < 0:
            raise CommandError(_("Khoảng thời gian hoặc số hồ sơ không hợp lệ."), returncode=2)
        started = time.monotonic()
        try:
            simulation = Simulation(
                seed=options["seed"],
                since=since,
                horizon=horizon,
                agencies=options["agency"] or None,
            )
            summary = simulation.run(options["count"], progress=self._progress)
        except SimulationError as exc:
            raise CommandError(str(exc)) from exc
        elapsed = time.monotonic() - started
        self.stderr.write("")
        self.stdout.write(
            _("Đã mô phỏng %(n)s hồ sơ trong %(s).1f giây (%(rate).0f hồ sơ/giây).")
            % {"n": summary.dossiers, "s": elapsed, "rate": summary.dossiers / max(elapsed, 1e-9)}
        )
        for status, n in sorted(summary.statuses.items(), key=lambda item: -item[1]):
            self.stdout.write(f"  {Status(status).label}: {n}")
        self.stdout.write(
            "  "
            + ", ".join(
                f"{Timeliness(key).label if key != '-' else _('chưa kết thúc')}: {n}"
                for key, n in sorted(summary.timeliness.items())
            )
        )
        for error in summary.errors:
            self.stderr.write(error)
        if summary.errors:
            raise CommandError(
                _("%(n)s hồ sơ dừng giữa chừng vì thao tác bị từ chối (xem trên).")
                % {"n": len(summary.errors)}
            )

    def _progress(self, done: int, total: int) -> None:
        """A text bar, rewritten in place on a terminal; every tenth elsewhere."""
        width = 30
        filled = width * done // max(total, 1)
        line = f"[{'#' * filled}{'.' * (width - filled)}] {done}/{total}"
        if self.stderr.isatty():
            self.stderr.write(f"\r{line}", ending="")
        elif done == total or done * 10 // max(total, 1) != getattr(self, "_tenth", -1):
            self._tenth = done * 10 // max(total, 1)
            self.stderr.write(line)
