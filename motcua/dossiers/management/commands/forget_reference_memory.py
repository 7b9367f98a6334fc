"""``manage.py forget_reference_memory``: every web process forgets the reference data
it keeps in memory (``dossiers.refcache``) before its next reception.

For changes the models' signals do not see: a data migration, hand-written SQL, a
queryset ``update`` in a script. The admin pages and MotCua's own commands need it not.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction

from motcua.dossiers import refcache
from motcua.dossiers.models import ReferenceStamp


class Command(BaseCommand):
    help = (
        "Mọi tiến trình quên dữ liệu tham chiếu đang nhớ (quy trình, mã định danh, lịch, "
        "thành phần hồ sơ) trước lần tiếp nhận kế tiếp."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        with transaction.atomic():
            refcache.bump()
        value = ReferenceStamp.objects.values_list("value", flat=True).first()
        self.stdout.write(f"Đã báo cho mọi tiến trình đọc lại dữ liệu tham chiếu (mốc {value}).")
