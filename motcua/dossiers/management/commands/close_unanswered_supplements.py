import datetime as dt

from django.utils.translation import gettext as _

from motcua.dossiers import pollers
from motcua.dossiers.management.commands._poller import PollerCommand


class Command(PollerCommand):
    help = _(
        "Đóng hồ sơ đã yêu cầu bổ sung mà quá 15 ngày không nhận được bổ sung (Điều 19 "
        "khoản 5 Nghị định 118/2025)."
    )
    done_label = _("hồ sơ được đóng")

    def poll(self, now: dt.datetime) -> pollers.PollSummary:
        return pollers.close_unanswered_supplements(now)
