"""From counts to 766 results: rate, points, and what the drill-down lists.

Rates are percentages rounded to 2 decimals (legal-rules §8.2, "Rounding: 2
decimals"); points come from the rounded rate, so the page's numbers agree with each
other. A zero denominator gives no rate ("không có hồ sơ"), never 0, and such a
component is left out of the total with its maximum, like the components MotCua has
no data for (§8.2: missing data is not treated as 0).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _

from motcua.reports.indicators.config import ComponentConfig, Config
from motcua.reports.indicators.counting import Scope, Tally
from motcua.reports.periods import Period

HUNDRED = Decimal(100)
CENT = Decimal("0.01")
HOURS_PER_DAY = Decimal(8)  # a working day (Decree 118/2025 time limits in working days)
TREND_COMPONENTS = ("2.1", "3.3", "4.2", "5.4")


def _round(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def percent(numerator: int | Decimal, denominator: int) -> Decimal | None:
    """100 × numerator ÷ denominator to the hundredth; None when nothing is counted."""
    if not denominator:
        return None
    return _round(HUNDRED * Decimal(numerator) / Decimal(denominator))


def score(rate: Decimal | None, component: ComponentConfig) -> Decimal | None:
    """Points for a rate in percent: ``P if R ≥ T else R × P / T`` (legal-rules §8.2,
    formula-reference.js) for a target, ``R × P`` for linear (UNVERIFIED, the usual
    assumption); None for monitoring components and when there is no rate."""
    if rate is None or not component.scored:
        return None
    most = Decimal(component.max_points)
    target = component.target_percent
    if target is None:
        return _round(rate * most / HUNDRED)
    if rate >= target:
        return _round(most)
    return _round(rate * most / target)


@dataclass(frozen=True)
class Part:
    """A share subtracted in a formula (5.4), with its own drill-down."""

    key: str
    label: str
    count: int


@dataclass(frozen=True)
class Result:
    """One component for one scope and period.

    ``rate`` is a percentage, except for 2.2 where it is the average handling time in
    working days (``unit`` "ngày"). ``filters`` are the drill-down's query parameters
    (period, component, agency); add ``phan=tu-so`` or ``mau-so`` (or a part's key).
    ``lists`` says what the drill-down lists: "dossiers" or "procedures".
    """

    component: ComponentConfig
    numerator: int | Decimal | None = None
    denominator: int | None = None
    rate: Decimal | None = None
    points: Decimal | None = None
    note: str = ""
    unit: str = "%"
    lists: str = "dossiers"
    parts: tuple[Part, ...] = ()
    filters: dict[str, str] = field(default_factory=dict)
    reason: str = ""  # why there is no result (the component is not available)

    @property
    def id(self) -> str:
        return self.component.id

    @property
    def available(self) -> bool:
        return not self.reason

    @property
    def counted(self) -> bool:
        """Adds its points and its maximum to the total."""
        return self.available and self.component.scored and self.rate is not None


@dataclass(frozen=True)
class Scorecard:
    results: list[Result]

    @property
    def points(self) -> Decimal:
        return sum((r.points or Decimal(0) for r in self.results if r.counted), Decimal(0))

    @property
    def max_points(self) -> int:
        return sum(r.component.max_points for r in self.results if r.counted)

    @property
    def unavailable(self) -> list[Result]:
        return [r for r in self.results if not r.available]

    def get(self, component_id: str) -> Result | None:
        return next((r for r in self.results if r.id == component_id), None)


def _ratio(
    component: ComponentConfig,
    numerator: int,
    denominator: int,
    note: str = "",
    lists: str = "dossiers",
) -> Result:
    rate = percent(numerator, denominator)
    return Result(
        component, numerator, denominator, rate, score(rate, component), note, lists=lists
    )


def _average_days(component: ComponentConfig, scope: Scope) -> Result:
    t = scope.tally
    days = _round(t.hours_sum / HOURS_PER_DAY / t.hours_n) if t.hours_n else None
    return Result(
        component,
        _round(t.hours_sum / HOURS_PER_DAY),
        t.hours_n,
        days,
        None,
        _(
            "Hồ sơ có kết quả, kết thúc trong kỳ: tổng số giờ làm việc từ khi tiếp nhận "
            "đến khi có kết quả ÷ 8 giờ ÷ số hồ sơ. Chỉ theo dõi, không tính điểm."
        ),
        unit="ngày",
    )


def _satisfaction(component: ComponentConfig, t: Tally) -> Result:
    """5.4 = 100 % − (late share + share rated not satisfied), over the dossiers
    resolved in the period; the two shares are separate, as in the formula, so a
    dossier both late and rated not satisfied is subtracted twice."""
    late = t.resolved - t.ok_resolved
    kept = max(t.resolved - late - t.not_satisfied, 0)
    rate = percent(kept, t.resolved)
    return Result(
        component,
        kept,
        t.resolved,
        rate,
        score(rate, component),
        _(
            "100% − (tỷ lệ hồ sơ trễ hạn + tỷ lệ hồ sơ bị đánh giá “không hài lòng”), "
            "trên hồ sơ đã giải quyết trong kỳ. Chưa tính phản ánh, kiến nghị."
        ),
        parts=(
            Part("tre-han", _("trễ hạn"), late),
            Part("khong-hai-long", _("không hài lòng"), t.not_satisfied),
        ),
    )


def _evaluators() -> dict[str, Callable[[ComponentConfig, Scope], Result]]:
    on_time = _(
        "Hồ sơ đã giải quyết trước hạn, đúng hạn và hồ sơ đang giải quyết trong hạn ÷ "
        "hồ sơ tiếp nhận trong kỳ và kỳ trước chuyển sang. Hồ sơ có quá một lần yêu cầu "
        "bổ sung tính là trễ hạn."
    )
    reuse = _("Hồ sơ tiếp nhận trong kỳ có thành phần tái sử dụng dữ liệu đã số hóa.")
    return {
        "2.1": lambda c, s: _ratio(
            c, s.tally.ok_resolved + s.tally.open_within, s.tally.base, on_time
        ),
        "2.2": _average_days,
        "3.1": lambda c, s: _ratio(
            c,
            len(s.procedures_online_service & s.procedures_competent),
            len(s.procedures_competent),
            _(
                "TTHC có dịch vụ công trực tuyến một phần hoặc toàn trình ÷ TTHC áp dụng "
                "tại tỉnh, theo danh mục hiện hành (không theo kỳ)."
            ),
            lists="procedures",
        ),
        "3.2": lambda c, s: _ratio(
            c,
            len(s.procedures_online_service & s.procedures_online_received),
            len(s.procedures_online_service),
            _("Dịch vụ công trực tuyến có ít nhất một hồ sơ trực tuyến tiếp nhận trong kỳ."),
            lists="procedures",
        ),
        "3.3": lambda c, s: _ratio(
            c,
            s.tally.online,
            s.tally.received,
            _(
                "Hồ sơ trực tuyến ÷ hồ sơ tiếp nhận trong kỳ. Chưa nhân với tỷ lệ đồng bộ "
                "lên Cổng DVCQG vì MotCua chưa đồng bộ hồ sơ."
            ),
        ),
        "4.1": lambda c, s: _ratio(
            c,
            s.tally.e_result,
            s.tally.with_result,
            _("Hồ sơ có kết quả điện tử ÷ hồ sơ có kết quả giải quyết trong kỳ."),
        ),
        "4.2": lambda c, s: _ratio(
            c, s.tally.digitised, s.tally.received, _("Hồ sơ tiếp nhận trong kỳ đã số hóa.")
        ),
        "4.3": lambda c, s: _ratio(c, s.tally.reuses, s.tally.received, reuse),
        "4.4": lambda c, s: _ratio(
            c,
            s.tally.reuses,
            s.tally.received,
            _(
                "Tạm tính bằng hồ sơ tái sử dụng dữ liệu (như 4.3) cho đến khi có kho dữ "
                "liệu của công dân, tổ chức."
            ),
        ),
        "4.5a": lambda c, s: _ratio(
            c,
            len(s.procedures_population & s.procedures_received),
            len(s.procedures_received),
            _(
                "TTHC có hồ sơ dùng dữ liệu CSDL quốc gia về dân cư ÷ TTHC có hồ sơ tiếp "
                "nhận trong kỳ."
            ),
            lists="procedures",
        ),
        "4.5b": lambda c, s: _ratio(
            c,
            s.tally.population,
            s.tally.received,
            _("Hồ sơ tiếp nhận trong kỳ có dùng dữ liệu CSDL quốc gia về dân cư."),
        ),
        "5.4": lambda c, s: _satisfaction(c, s.tally),
    }


def period_filters(period: Period, agency: int | None = None) -> dict[str, str]:
    filters = {
        "ky": "tuy-chon",
        "tu": f"{period.first_day:%d/%m/%Y}",
        "den": f"{period.last_day:%d/%m/%Y}",
    }
    if agency is not None:
        filters["co-quan"] = str(agency)
    return filters


def evaluate(
    config: Config,
    scope: Scope,
    period: Period,
    agency: int | None = None,
    only: tuple[str, ...] | None = None,
) -> Scorecard:
    """Every component of ``config`` (or those in ``only``) for one scope."""
    evaluators = _evaluators()
    base = period_filters(period, agency)
    results = []
    for component in config.components.values():
        if only is not None and component.id not in only:
            continue
        evaluator = evaluators.get(component.id)
        if not component.available or evaluator is None:
            reason = component.reason_unavailable or _("MotCua chưa tính thành phần này.")
            results.append(Result(component, reason=reason))
            continue
        result = evaluator(component, scope)
        results.append(replace(result, filters={**base, "chi-so": component.id}))
    return Scorecard(results)
