import datetime as dt

from django.utils.translation import gettext as _

from motcua.dossiers import pollers
from motcua.dossiers.management.commands._poller import PollerCommand


class Command(PollerCommand):
    help = _(
        "Nhắc gửi phiếu xin lỗi và gia hạn cho hồ sơ sắp quá hạn hoặc đã quá hạn chưa gia "
        "hạn (Điều 19 khoản 6 Nghị định 118/2025), mỗi hồ sơ một lần."
    )
    done_label = _("hồ sơ được nhắc")

    def poll(self, now: dt.datetime) -> pollers.PollSummary:
        return pollers.remind_apology(now)
