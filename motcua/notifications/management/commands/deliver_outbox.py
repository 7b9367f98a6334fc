"""Deliver the outbox's due messages: one pass, or ``--loop`` until stopped.

    manage.py deliver_outbox [--loop] [--interval 10]

Several copies may run at once (each message is claimed before it is sent)."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _

from motcua.notifications.outbox import deliver_pending


class Command(BaseCommand):
    help = _("Gửi các thư, tin nhắn đến hạn trong hàng đợi gửi đi (một lượt, hoặc --loop).")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--loop", action="store_true", help=_("chạy liên tục cho đến khi bị dừng")
        )
        parser.add_argument(
            "--interval",
            type=float,
            default=10.0,
            help=_("số giây nghỉ giữa hai lượt khi chạy --loop (mặc định 10)"),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            while True:
                summary = deliver_pending()
                if summary.sent or summary.not_sent or not options["loop"]:
                    self.stdout.write(
                        _("deliver_outbox: đã gửi %(sent)s, chưa gửi được %(not_sent)s.")
                        % {"sent": summary.sent, "not_sent": summary.not_sent}
                    )
                if not options["loop"]:
                    return
                time.sleep(max(options["interval"], 0.1))
        except KeyboardInterrupt:
            return
