"""Reporting periods: whole local days, from a first day to a last day inclusive.

Counting uses the half-open range [start, stop) of instants; a dossier open at the
period's end E (23:59:59 of its last day, deadlines.md §7) is within deadline when
its due instant is ≥ E. One period's ``stop`` is the next one's ``start``, so what is
open at the end of one is exactly what is carried into the next.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from motcua.workdays.calendar import LOCAL_TZ


@dataclass(frozen=True)
class Period:
    first_day: dt.date
    last_day: dt.date
    label: str = ""

    @property
    def start(self) -> dt.datetime:
        return dt.datetime.combine(self.first_day, dt.time(), tzinfo=LOCAL_TZ)

    @property
    def stop(self) -> dt.datetime:
        """The first instant after the period (exclusive bound)."""
        return dt.datetime.combine(self.last_day + dt.timedelta(days=1), dt.time(), tzinfo=LOCAL_TZ)

    @property
    def end_instant(self) -> dt.datetime:
        """E of deadlines.md §7: 23:59:59 of the last day."""
        return self.stop - dt.timedelta(seconds=1)
