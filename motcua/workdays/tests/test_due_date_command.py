"""``manage.py due_date``: output, overrides, and exit status 2 for bad input."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from motcua.workdays.models import CalendarOverride, OverrideKind

pytestmark = pytest.mark.django_db

MANAGE = Path(__file__).resolve().parents[3] / "manage.py"


def run(*args: str) -> list[str]:
    out = StringIO()
    call_command("due_date", *args, stdout=out)
    return out.getvalue().splitlines()


def test_last_line_is_the_due_instant_with_offset() -> None:
    lines = run("--received", "2026-02-13T10:00", "--limit", "5 ngày làm việc")

    assert lines[-1] == "2026-02-27T10:00:00+07:00"
    assert "Tết Nguyên đán" in lines[0]
    assert len(lines) == 2


def test_value_and_unit_instead_of_text() -> None:
    lines = run("--received", "2026-08-21T10:00", "--value", "10", "--unit", "ngay")

    assert lines[-1] == "2026-09-03T17:00:00+07:00"


def test_same_day_unit_needs_no_value() -> None:
    lines = run("--received", "2026-04-29T15:20", "--unit", "trong_ngay")

    assert lines[-1] == "2026-05-04T17:00:00+07:00"


def test_offset_aware_reception_is_converted() -> None:
    # 03:00 UTC = 10:00 in Hà Nội.
    lines = run("--received", "2026-02-13T03:00:00Z", "--limit", "5 ngày làm việc")

    assert lines[-1] == "2026-02-27T10:00:00+07:00"


def test_estimated_year_and_unknown_unit_are_stated_before_the_last_line() -> None:
    lines = run("--received", "2026-12-30T10:00", "--limit", "5")

    assert lines[-1] == "2027-01-07T10:00:00+07:00"
    assert any("ước tính của năm 2027" in line for line in lines[:-1])
    assert any("không ghi đơn vị" in line for line in lines[:-1])


def test_overrides_recorded_in_the_database_apply() -> None:
    CalendarOverride.objects.create(
        date=dt.date(2026, 2, 26), kind=OverrideKind.DAY_OFF, name="Nghỉ đột xuất"
    )

    lines = run("--received", "2026-02-13T10:00", "--limit", "5 ngày làm việc")

    assert lines[-1] == "2026-03-02T10:00:00+07:00"


@pytest.mark.parametrize(
    ("args", "reason"),
    [
        (["--received", "2026-02-13T10:00", "--limit", "năm ngày"], "Không hiểu thời hạn"),
        (["--received", "2026-02-13T10:00", "--limit", "5 tuần"], "Không hiểu đơn vị"),
        (["--received", "13/02/2026 10h", "--limit", "5 ngày"], "thời điểm tiếp nhận"),
        (["--limit", "5 ngày làm việc"], "Thiếu --received"),
        (["--received", "2026-02-13T10:00"], "Thiếu thời hạn"),
        (["--received", "2026-02-13T10:00", "--value", "5"], "Thiếu thời hạn"),
        (["--received", "2026-02-13T10:00", "--unit", "ngay"], "Thiếu thời hạn"),
        (
            ["--received", "2026-02-13T10:00", "--limit", "5 ngày", "--unit", "ngay"],
            "không dùng cả hai",
        ),
        (["--received", "2026-02-13T10:00", "--limit", "1,5 ngày"], "số nguyên"),
        (["--received", "2101-02-13T10:00", "--limit", "5 ngày"], "chưa có năm 2101"),
        (["--received", "2026-03-03T09:00", "--value", "nan", "--unit", "ngay"], "không âm"),
        (["--received", "2026-03-03T09:00", "--value", "-1", "--unit", "ngay"], "không âm"),
        (["--received", "2026-03-03T09:00", "--limit", "100000 tháng"], "quá lớn"),
        (["--received", "2026-03-03T09:00", "--limit", "99999999 ngày"], "quá lớn"),
        (["--received", "2026-03-03T09:00", "--limit", "9000 tháng"], "chưa có năm"),
    ],
)
def test_bad_arguments_exit_with_status_2(args: list[str], reason: str) -> None:
    with pytest.raises(CommandError) as excinfo:
        run(*args)

    assert excinfo.value.returncode == 2
    assert reason in str(excinfo.value)
    assert "\n" not in str(excinfo.value)


def test_real_process_exits_2_with_one_vietnamese_line_on_stderr() -> None:
    result = subprocess.run(
        [sys.executable, str(MANAGE), "due_date", "--received", "hôm qua", "--limit", "5"],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONIOENCODING": "utf-8"},
        check=False,
        timeout=60,
    )

    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.strip().splitlines() == [
        "CommandError: Không đọc được thời điểm tiếp nhận «hôm qua»; cần dạng 2026-02-13T10:00."
    ]
