"""``manage.py check_dossiers``: every invariant of ``motcua.dossiers.invariants`` on
every dossier. Prints each violation as ``code: problem``; exits with status 1 if
there is any."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from motcua.dossiers.invariants import check_dossier
from motcua.dossiers.models import Dossier
from motcua.workdays.services import get_calendar


class Command(BaseCommand):
    help = _("Kiểm tra các bất biến của mọi hồ sơ (lịch sử, trạng thái, bước, thời hạn).")

    def handle(self, *args: Any, **options: Any) -> None:
        calendar = get_calendar()
        checked = broken = 0
        dossiers = Dossier.objects.select_related("channel_rule").order_by("pk")
        for dossier in dossiers.iterator(chunk_size=500):
            checked += 1
            problems = check_dossier(dossier, calendar)
            broken += bool(problems)
            for problem in problems:
                self.stdout.write(f"{dossier.code}: {problem}")
        self.stdout.write(
            _("Đã kiểm tra %(n)s hồ sơ: %(broken)s hồ sơ vi phạm.")
            % {"n": checked, "broken": broken}
        )
        if broken:
            raise CommandError(_("Có hồ sơ vi phạm bất biến."), returncode=1)
