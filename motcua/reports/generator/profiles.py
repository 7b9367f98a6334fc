"""The real figures a generated province reproduces.

Each profile gives, per report level (``tinh`` provincial, ``xa`` commune — the
two-level structure in force since 1 July 2025), how many dossiers are received in
the period online and in person or by post, how many were carried over from before
it (received before its start, still open then), and how many are still open at its
end; then the shares that shape each dossier's story. ``counts(scale)`` multiplies
the counts (``--scale``), so a test can generate a province in miniature.

Sources: ``shared/seeds/001`` (Bắc Giang, report on the first six months of 2021,
section II.1.5.1 b) and ``shared/seeds/003`` (Bắc Giang, the 766 indicators of
February 2024). Where a report is silent, the share is marked "assumed".
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from motcua.workdays.deadlines import add_months


class UnknownProfile(ValueError):
    pass


@dataclass(frozen=True)
class LevelCounts:
    """Biểu 06 figures of one level: received in the period online (4) and in person or
    by post (5), carried over (6), still open at the period's end (11)."""

    online: int
    direct: int
    carried: int
    open_at_end: int
    # Share of the level's resolved dossiers that end late (column 10 ÷ column 7).
    late: float

    @property
    def received(self) -> int:
        return self.online + self.direct + self.carried

    def scaled(self, scale: Decimal) -> LevelCounts:
        def times(n: int) -> int:
            return int((Decimal(n) * scale).to_integral_value())

        return LevelCounts(
            online=times(self.online),
            direct=times(self.direct),
            carried=times(self.carried),
            open_at_end=times(self.open_at_end),
            late=self.late,
        )


@dataclass(frozen=True)
class Profile:
    name: str
    description: str  # marked with gettext_noop: translate when shown
    months: int  # the period: this many months from 1 January of the year
    levels: dict[str, LevelCounts]
    early: float  # share of resolved dossiers that end early (column 8 ÷ column 7)
    # How resolved dossiers end without a result (shares of the resolved; the rest
    # end with a result). A closed dossier ends at its unanswered supplement request.
    refused: float = 0.01
    withdrawn: float = 0.01
    stopped: float = 0.003
    closed: float = 0.005
    # Online submissions refused at intake: never received, not counted in Biểu 06;
    # extra dossiers on top of the received ones (share of the online ones).
    not_received: float = 0.01
    completion: float = 0.04  # online submissions the officer asks to complete first
    supplement: float = 0.06  # supplement requested (and answered) after appraisal
    extension: float = 0.02  # apology and new appointment (Art. 19(6))
    paid: float = 0.5  # of dossiers of procedures with fees: a payment is recorded
    paid_online: float = 0.3  # of the dossiers of procedures with fees: paid online
    digitised: float = 0.9  # documents scanned or uploaded
    reuses_data: float = 0.2
    e_result: float | None = None  # None: whatever the procedures' result codes give
    people_per_dossier: float = 0.25  # applicants are drawn from a pool this large
    notes: tuple[str, ...] = field(default_factory=tuple)

    def period(self, year: int) -> tuple[dt.date, dt.date]:
        """First and last day of the profile's period in ``year``."""
        first = dt.date(year, 1, 1)
        return first, add_months(first, self.months) - dt.timedelta(days=1)

    def counts(self, scale: Decimal) -> dict[str, LevelCounts]:
        return {level: counts.scaled(scale) for level, counts in self.levels.items()}


# Seed 001: "toàn tỉnh đã tiếp nhận 349.744 hồ sơ; trực tuyến 26.170; trực tiếp và bưu
# chính 314.169; 9.405 hồ sơ của kỳ trước chuyển qua. Đã giải quyết 346.497 (195.986
# trước hạn, 57%); đang giải quyết 3.247". By level: departments received 88.539
# (online 17.886, direct 64.637, carried 6.016; resolved 86.363, open 2.176);
# districts 29.357 (28.116 early or on time, 668 late, 573 open); communes 231.848
# (230.615 early or on time, 743 late, 498 open). The districts' online/direct/carried
# split is not given: it is the province's remainder.
#
# Since 1 July 2025 there are no districts (Law 72/2025/QH15): their procedures went
# to the communes, so the districts' figures are added to the commune level.
_BG21_DISTRICTS_AND_COMMUNES_RESOLVED = 28_116 + 668 + 230_615 + 743
BAC_GIANG_2021H1 = Profile(
    name="bac-giang-2021h1",
    description=gettext_noop("Bắc Giang, 6 tháng đầu năm 2021 (báo cáo 001): 349.744 hồ sơ"),
    months=6,
    levels={
        "tinh": LevelCounts(
            online=17_886, direct=64_637, carried=6_016, open_at_end=2_176, late=0.02
        ),
        "xa": LevelCounts(
            online=26_170 - 17_886,
            direct=314_169 - 64_637,
            carried=9_405 - 6_016,
            open_at_end=573 + 498,
            late=(668 + 743) / _BG21_DISTRICTS_AND_COMMUNES_RESOLVED,
        ),
    },
    early=195_986 / 346_497,
    notes=(
        gettext_noop(
            "Cấp huyện (29.357 hồ sơ) được tính vào cấp xã vì từ 01/07/2025 không còn cấp huyện."
        ),
        gettext_noop("Tỷ lệ trễ hạn cấp tỉnh (2%) là giả định: báo cáo không nêu."),
    ),
)

# Seed 003 (February 2024, the 766 indicators): online 42,56 %; handled on time or
# within the deadline 83,89 %, late 16,11 %; e-results 41,78 %; digitised 41,56 %;
# paid online 17,1 %. The report gives rates, not a volume: a year of the province is
# taken as 1,000,000 received dossiers (the 2021 half-year's volume, doubled and
# grown), split between the levels as in 2021; carried over 1.5 %, open at the end
# 1.2 % and early 45 % are assumed.
_BG24_TOTAL = 1_000_000
_BG24_ONLINE = 0.4256
_BG24_LEVELS = {"tinh": 88_539 / 349_744, "xa": 1 - 88_539 / 349_744}


def _bg24_level(share: float) -> LevelCounts:
    received = round(_BG24_TOTAL * share)
    carried = round(received * 0.015)
    new = received - carried
    online = round(new * _BG24_ONLINE)
    return LevelCounts(
        online=online,
        direct=new - online,
        carried=carried,
        open_at_end=round(received * 0.012),
        late=0.1611,
    )


BAC_GIANG_2024 = Profile(
    name="bac-giang-2024",
    description=gettext_noop(
        "Bắc Giang, các chỉ số 766 năm 2024 (báo cáo 003), 1.000.000 hồ sơ một năm"
    ),
    months=12,
    levels={level: _bg24_level(share) for level, share in _BG24_LEVELS.items()},
    early=0.45,
    digitised=0.4156,
    e_result=0.4178,
    paid=1.0,
    paid_online=0.171,
    notes=(
        gettext_noop(
            "Số hồ sơ một năm (1.000.000), tỷ lệ chuyển kỳ trước (1,5%), còn mở cuối kỳ (1,2%) "
            "và trước hạn (45%) là giả định: báo cáo chỉ nêu tỷ lệ."
        ),
    ),
)

PROFILES: dict[str, Profile] = {p.name: p for p in (BAC_GIANG_2021H1, BAC_GIANG_2024)}


def get_profile(name: str) -> Profile:
    try:
        return PROFILES[name]
    except KeyError:
        raise UnknownProfile(
            _("Không có hồ sơ mẫu «%(name)s»; có: %(known)s.")
            % {"name": name, "known": ", ".join(sorted(PROFILES))}
        ) from None
