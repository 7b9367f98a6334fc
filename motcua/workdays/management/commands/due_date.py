"""``manage.py due_date``: the due instant for a reception and a time limit.

    manage.py due_date --received 2026-02-13T10:00 --limit "5 ngày làm việc"
    manage.py due_date --received 2026-02-13T10:00+07:00 --value 5 --unit ngay_lam_viec

Uses ``get_calendar()``, so administrators' overrides apply. The last line of the
output is the due instant in ISO 8601 with its offset, for scripts. Unreadable or
missing arguments exit with status 2 and a one-line Vietnamese reason on stderr.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from motcua.workdays.calendar import LOCAL_TZ, CalendarError
from motcua.workdays.deadlines import due_instant
from motcua.workdays.limits import (
    LimitParseError,
    LimitUnit,
    TimeLimit,
    limit_from_catalog,
    parse_unit,
)
from motcua.workdays.limits import parse_limit as parse_limit_text
from motcua.workdays.services import get_calendar

USAGE_ERROR = 2


def _fail(message: str) -> CommandError:
    return CommandError(message, returncode=USAGE_ERROR)


def parse_received(text: str) -> dt.datetime:
    """ISO 8601 instant; without an offset it is local (Asia/Ho_Chi_Minh) time."""
    try:
        value = dt.datetime.fromisoformat(text.strip())
    except ValueError as exc:
        raise _fail(
            _("Không đọc được thời điểm tiếp nhận «%(text)s»; cần dạng 2026-02-13T10:00.")
            % {"text": text}
        ) from exc
    if value.tzinfo is None:
        return value.replace(tzinfo=LOCAL_TZ)
    return value


def parse_limit(options: dict[str, Any]) -> TimeLimit:
    """``--limit`` text, or ``--value`` with ``--unit`` (``--unit trong_ngay`` alone)."""
    text, value, unit = options["limit"], options["value"], options["unit"]
    if text is not None and (value is not None or unit is not None):
        raise _fail(_("Chỉ dùng --limit, hoặc --value cùng --unit, không dùng cả hai."))
    missing = _(
        'Thiếu thời hạn: cần --limit "5 ngày làm việc" hoặc --value 5 --unit ngay_lam_viec.'
    )
    try:
        if text is not None:
            return parse_limit_text(text)
        if unit is None:
            raise _fail(missing)
        if value is None:
            if parse_unit(unit) is not LimitUnit.SAME_DAY:
                raise _fail(missing)
            value = "1"
        limit = limit_from_catalog(value, unit)
    except LimitParseError as exc:
        raise _fail(str(exc)) from exc
    assert limit is not None  # limit_from_catalog returns None only for a None value
    return limit


class Command(BaseCommand):
    help = "Tính ngày hẹn trả cho một thời điểm tiếp nhận và một thời hạn giải quyết."

    def add_arguments(self, parser: CommandParser) -> None:
        # Nothing is required=True: argparse would answer in English with status 1
        # under call_command; handle() checks and answers in Vietnamese with status 2.
        parser.add_argument(
            "--received", help=_("thời điểm tiếp nhận, ISO 8601; không ghi múi giờ là giờ VN")
        )
        parser.add_argument("--limit", help=_('thời hạn dạng chữ, ví dụ "5 ngày làm việc"'))
        parser.add_argument("--value", help=_("số của thời hạn, ví dụ 5 hoặc 0,5"))
        parser.add_argument("--unit", help=_("đơn vị: %(units)s") % {"units": ", ".join(LimitUnit)})

    def handle(self, *args: Any, **options: Any) -> None:
        if options["received"] is None:
            raise _fail(_("Thiếu --received (thời điểm tiếp nhận)."))
        received = parse_received(options["received"])
        limit = parse_limit(options)
        try:
            deadline = due_instant(received, limit, get_calendar())
        except CalendarError as exc:
            raise _fail(str(exc)) from exc

        self.stdout.write(deadline.explain())
        if deadline.estimated:
            self.stdout.write(
                _("Lưu ý: có dùng lịch nghỉ ước tính của năm %(years)s.")
                % {"years": ", ".join(str(y) for y in deadline.estimated_years)}
            )
        if deadline.unit_unknown:
            self.stdout.write(_("Lưu ý: thời hạn không ghi đơn vị, đã tạm tính là ngày làm việc."))
        self.stdout.write(deadline.due.isoformat())
