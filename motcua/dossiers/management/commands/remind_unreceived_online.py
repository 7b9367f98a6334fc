import datetime as dt

from django.utils.translation import gettext as _

from motcua.dossiers import pollers
from motcua.dossiers.management.commands._poller import PollerCommand


class Command(PollerCommand):
    help = _(
        "Nhắc bộ phận một cửa về hồ sơ nộp trực tuyến chưa được tiếp nhận hoặc hướng dẫn "
        "sau 8 giờ làm việc (Điều 17 khoản 2 Nghị định 118/2025), mỗi hồ sơ một lần."
    )
    done_label = _("hồ sơ được nhắc")

    def poll(self, now: dt.datetime) -> pollers.PollSummary:
        return pollers.remind_unreceived_online(now)
