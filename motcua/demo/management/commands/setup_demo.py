import time

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from motcua.demo.province import (
    DEMO_PASSWORD,
    STAFF,
    DemoRefused,
    load_demo_province,
    map_procedures,
)
from motcua.org.loader import MissingDataFile, load_units
from motcua.org.models import Role


class Command(BaseCommand):
    help = (
        "Nạp dữ liệu tham chiếu (đơn vị hành chính, danh mục thủ tục) và tỉnh mẫu Bắc Ninh. "
        "Chạy lại nhiều lần không tạo trùng."
    )

    def handle(self, *args: object, **options: object) -> None:
        started = time.monotonic()
        if settings.IS_PRODUCTION:
            raise CommandError(
                "Không nạp tỉnh mẫu khi MOTCUA_ENV=production: dùng load_units và import_catalog."
            )
        try:
            units = load_units()
        except MissingDataFile as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(units.lines()[0])
        call_command("import_catalog", stdout=self.stdout, stderr=self.stderr)
        try:
            summary, agencies = load_demo_province()
        except DemoRefused as exc:
            raise CommandError(str(exc)) from exc
        mapped = map_procedures(agencies)
        self.stdout.write(
            f"Tỉnh mẫu: thêm {summary.agencies_created} cơ quan, {summary.users_created} "
            f"tài khoản, {mapped} thủ tục áp dụng tại cơ quan."
        )
        self.stdout.write(f"Sẵn sàng sau {time.monotonic() - started:.1f} giây.")
        self.stdout.write("")
        self.stdout.write(f"Tài khoản mẫu (mật khẩu chung: {DEMO_PASSWORD}):")
        for staff in STAFF:
            self.stdout.write(f"  {staff.username:<14} {Role(staff.role).label} — {staff.title}")
        self.stdout.write(
            "Cán bộ: /can-bo/ (ví dụ motcua, chuyenvien). Quản trị: /quan-tri/ (tài khoản "
            "quantri). Tra cứu thủ tục: /thu-tuc/"
        )
