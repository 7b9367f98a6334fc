"""``manage.py import_catalog [--file PATH]``: load the national procedure catalogue."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.catalog.importer import (
    DEFAULT_CATALOG_PATH,
    CatalogFileError,
    CatalogFileMissing,
    ImportSummary,
    import_catalog,
)


class Command(BaseCommand):
    help = _(
        "Nhập danh mục thủ tục hành chính quốc gia (JSONL, nén gzip hoặc không). "
        "Chạy lại nhiều lần được: bản ghi không đổi được bỏ qua, bản ghi thay đổi "
        "tạo phiên bản mới."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--file",
            type=Path,
            default=DEFAULT_CATALOG_PATH,
            help=_("Tệp danh mục (mặc định: %(default)s)."),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        show_progress = options["verbosity"] > 0
        try:
            summary = import_catalog(
                path,
                at=timezone.now(),
                progress=self._progress if show_progress else None,
            )
        except CatalogFileMissing as exc:
            raise CommandError(
                _("Không tìm thấy tệp danh mục: %(path)s") % {"path": exc.path}
            ) from exc
        except CatalogFileError as exc:
            raise CommandError(str(exc)) from exc
        if show_progress:
            self.stderr.write("")
        self._report(summary)

    def _progress(self, done: int, total: int) -> None:
        """A percentage line on stderr: rewritten in place on a terminal, every 10% else."""
        percent = 100 if total == 0 else done * 100 // total
        if percent == getattr(self, "_last_percent", None):
            return
        interactive = self.stderr.isatty()
        if not interactive and percent % 10 and done != total:
            return
        self._last_percent = percent
        line = _("Đang ghi danh mục: %(percent)3d%% (%(done)d/%(total)d)") % {
            "percent": percent,
            "done": done,
            "total": total,
        }
        if interactive:
            self.stderr.write("\r" + line, ending="")
            self.stderr.flush()
        else:
            self.stderr.write(line)

    def _report(self, summary: ImportSummary) -> None:
        for rejection in summary.rejections:
            self.stderr.write(
                _("Dòng %(line)d bị loại: %(reason)s")
                % {"line": rejection.line, "reason": rejection.reason}
            )
        lines = [
            _("Nguồn: %(source)s") % {"source": summary.source},
            _("Thủ tục mới: %(n)d") % {"n": summary.created},
            _("Thủ tục có phiên bản mới: %(n)d") % {"n": summary.updated},
            _("Không thay đổi: %(n)d") % {"n": summary.unchanged},
            _("Dòng bị loại: %(n)d") % {"n": summary.rejected},
            _("Dòng thời hạn chưa rõ đơn vị (cần quản trị viên xác nhận): %(n)d")
            % {"n": summary.unknown_unit_channels},
            _("Dòng không có thời hạn: %(n)d") % {"n": summary.no_time_channels},
        ]
        if summary.absent:
            lines.append(
                _("Thủ tục đang có nhưng không còn trong tệp: %(n)d") % {"n": summary.absent}
            )
        style = self.style.WARNING if summary.rejected else self.style.SUCCESS
        self.stdout.write(style("\n".join(lines)))
