"""What the four poller commands share: ``--now`` and the one-line summary.

    manage.py remind_due_soon [--now 2026-03-02T08:00]

``--now`` (ISO 8601; without an offset it is Vietnam time) lets tests and replays
poll as of a given instant; by default it is the current time.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.dossiers.pollers import PollSummary
from motcua.workdays.calendar import LOCAL_TZ


def parse_now(text: str | None) -> dt.datetime:
    if text is None:
        return timezone.now()
    try:
        value = dt.datetime.fromisoformat(text.strip())
    except ValueError as exc:
        raise CommandError(
            _("Không đọc được thời điểm «%(text)s»; cần dạng 2026-03-02T08:00.") % {"text": text},
            returncode=2,
        ) from exc
    return value if value.tzinfo is not None else value.replace(tzinfo=LOCAL_TZ)


class PollerCommand(BaseCommand):
    """Subclasses name the poller and how to word its summary."""

    done_label: str

    def poll(self, now: dt.datetime) -> PollSummary:
        raise NotImplementedError

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--now",
            help=_("thời điểm quét, ISO 8601; không ghi múi giờ là giờ VN (mặc định: bây giờ)"),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        summary = self.poll(parse_now(options["now"]))
        self.stdout.write(
            _(
                "%(name)s: %(done)s %(label)s, bỏ qua %(skipped)s "
                "(lượt chạy khác đã xử lý hoặc không còn cần)."
            )
            % {
                "name": self.__module__.rsplit(".", 1)[-1],
                "done": summary.done,
                "label": self.done_label,
                "skipped": summary.skipped,
            }
        )
