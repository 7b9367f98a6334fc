import time

from django.core.management.base import BaseCommand, CommandError

from motcua.org.loader import MissingDataFile, load_units


class Command(BaseCommand):
    help = "Nạp danh mục đơn vị hành chính (34 tỉnh, 3.321 xã) và bảng chuyển đổi xã cũ → mới."

    def handle(self, *args: object, **options: object) -> None:
        started = time.monotonic()
        try:
            summary = load_units()
        except MissingDataFile as exc:
            raise CommandError(str(exc)) from exc
        for line in summary.lines():
            self.stdout.write(line)
        self.stdout.write(f"Xong trong {time.monotonic() - started:.1f} giây.")
