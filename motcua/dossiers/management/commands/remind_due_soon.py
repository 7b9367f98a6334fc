import datetime as dt

from django.utils.translation import gettext as _

from motcua.dossiers import pollers
from motcua.dossiers.management.commands._poller import PollerCommand


class Command(PollerCommand):
    help = _(
        "Nhắc các bước xử lý còn không quá 1 ngày làm việc đến hạn (người được giao và "
        "bộ phận một cửa), mỗi bước một lần."
    )
    done_label = _("bước được nhắc")

    def poll(self, now: dt.datetime) -> pollers.PollSummary:
        return pollers.remind_due_soon(now)
