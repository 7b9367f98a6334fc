"""``manage.py generate_province --profile NAME --year Y [--scale X] --seed S [--resume|--remove]``

Fills the database with a province's dossiers calibrated on real reports
(``motcua.reports.generator``): written in bulk by default, or through the real actions
with ``--via-actions`` (slow). An interrupted run continues with ``--resume``; a run is
deleted with ``--remove``. A finished run with the same parameters is reused. Refused
in production. Progress on stderr, a summary on stdout.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from motcua.reports.generator.profiles import PROFILES, UnknownProfile, get_profile
from motcua.reports.generator.runs import GenerationError, find_run, generate, remove
from motcua.reports.generator.tally import tally
from motcua.reports.generator.world import WorldError


def _scale(text: str) -> Decimal:
    try:
        value = Decimal(text)
    except InvalidOperation as exc:
        raise CommandError(
            _("Không đọc được tỷ lệ «%(text)s»; cần một số như 0.001.") % {"text": text},
            returncode=2,
        ) from exc
    if not value.is_finite() or value <= 0 or value > 100:
        raise CommandError(_("Tỷ lệ (--scale) phải lớn hơn 0 và không quá 100."), returncode=2)
    return value.quantize(Decimal("0.000001"))


class Command(BaseCommand):
    help = _(
        "Sinh hồ sơ của một tỉnh theo số liệu thật (hồ sơ mẫu), tái lập được theo --seed "
        "(không dùng cho production)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--profile", required=True, help=_("hồ sơ mẫu: %s") % ", ".join(sorted(PROFILES))
        )
        parser.add_argument(
            "--year", type=int, default=dt.date.today().year, help=_("năm của kỳ báo cáo")
        )
        parser.add_argument("--scale", default="1", help=_("nhân số hồ sơ (ví dụ 0.001)"))
        parser.add_argument("--seed", type=int, default=1, help=_("hạt giống ngẫu nhiên"))
        parser.add_argument(
            "--resume", action="store_true", help=_("tiếp tục một lượt bị gián đoạn")
        )
        parser.add_argument(
            "--remove", action="store_true", help=_("xóa hồ sơ của lượt có các tham số này")
        )
        parser.add_argument(
            "--via-actions",
            action="store_true",
            help=_("ghi qua các thao tác thật (chậm, để đối chiếu)"),
        )
        parser.add_argument("--batch", type=int, default=2000, help=_("số hồ sơ mỗi giao dịch"))
        parser.add_argument(
            "--workers",
            type=int,
            default=0,
            help=_("số tiến trình dựng hồ sơ song song (mặc định: số nhân CPU)"),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            profile = get_profile(options["profile"])
        except UnknownProfile as exc:
            raise CommandError(str(exc), returncode=2) from exc
        scale = _scale(options["scale"])
        year = options["year"]
        if not 2000 <= year <= 2100:
            raise CommandError(_("Năm phải trong khoảng 2000–2100."), returncode=2)
        if options["batch"] < 1:
            raise CommandError(_("Số hồ sơ mỗi giao dịch phải lớn hơn 0."), returncode=2)
        if options["remove"] and options["resume"]:
            raise CommandError(_("Chọn --remove hoặc --resume, không cả hai."), returncode=2)
        try:
            if options["remove"]:
                self._remove(profile.name, year, scale, options["seed"])
                return
            outcome = generate(
                profile.name,
                year=year,
                scale=scale,
                seed=options["seed"],
                resume=options["resume"],
                via_actions=options["via_actions"],
                batch=options["batch"],
                workers=max(0, options["workers"]),
                progress=self._progress,
            )
        except (GenerationError, WorldError) as exc:
            raise CommandError(str(exc)) from exc
        run = outcome.run
        if outcome.reused:
            self.stdout.write(
                _("Lượt này đã có sẵn (%(n)s hồ sơ), không sinh lại.") % {"n": run.done}
            )
        else:
            self.stderr.write("")
            rate = outcome.written / max(outcome.seconds, 1e-9)
            self.stdout.write(
                _("Đã sinh %(n)s hồ sơ trong %(s).1f giây (%(rate).0f hồ sơ/giây).")
                % {"n": outcome.written, "s": outcome.seconds, "rate": rate}
            )
            loop = max(outcome.seconds - outcome.preparing, 1e-9)
            self.stdout.write(
                _(
                    "  chuẩn bị %(prep).1f giây; ghi %(n)s hồ sơ trong %(loop).1f giây "
                    "(%(rate).0f hồ sơ/giây, trong đó ghi vào cơ sở dữ liệu %(db).1f giây)."
                )
                % {
                    "prep": outcome.preparing,
                    "n": outcome.written,
                    "loop": loop,
                    "rate": outcome.written / loop,
                    "db": outcome.writing,
                }
            )
        for line in tally(run, profile).lines():
            self.stdout.write("  " + line)
        for note in profile.notes:
            self.stdout.write("  " + _(note))
        for skipped in outcome.skipped[:20]:
            self.stderr.write(skipped)

    def _remove(self, profile: str, year: int, scale: Decimal, seed: int) -> None:
        run = find_run(profile, year, scale, seed)
        if run is None:
            raise CommandError(_("Không có lượt sinh dữ liệu nào với các tham số này."))
        removed = remove(run)
        self.stdout.write(_("Đã xóa %(n)s hồ sơ của lượt sinh dữ liệu.") % {"n": removed})

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
