"""What is behind each 766 rate: the dossiers (or procedures) of its numerator,
denominator or a subtracted share, with exactly the filters that counted them."""

from __future__ import annotations

from collections.abc import Sequence

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext as _

from motcua.catalog.choices import OnlineLevel
from motcua.catalog.models import Procedure, ProvinceProcedureSetting
from motcua.reports.indicators.counting import (
    NOT_SATISFIED,
    in_scope,
    q_base,
    q_ok,
    q_open_within,
    q_received,
    q_resolved,
)
from motcua.reports.models import ChannelGroup, DossierFact, Outcome
from motcua.reports.periods import Period

NUMERATOR, DENOMINATOR = "tu-so", "mau-so"
PROCEDURE_COMPONENTS = ("3.1", "3.2", "4.5a")
# Lists of dossiers resolved in the period run in the order they ended (an index on
# ended_at serves them); the others in the order they were received.
BY_END = ("2.2", "4.1", "5.4")


class DrillError(ValueError):
    """No such list; ``message`` is for the official."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _fact_filters(period: Period) -> dict[str, dict[str, Q]]:
    received = q_received(period)
    resolved = q_resolved(period)
    result = resolved & Q(outcome=Outcome.RESULT)
    timed = result & Q(handling_hours__isnull=False)
    return {
        "2.1": {
            DENOMINATOR: q_base(period),
            NUMERATOR: (resolved & q_ok()) | q_open_within(period),
        },
        "2.2": {DENOMINATOR: timed, NUMERATOR: timed},
        "3.3": {DENOMINATOR: received, NUMERATOR: received & Q(channel_group=ChannelGroup.ONLINE)},
        "4.1": {DENOMINATOR: result, NUMERATOR: result & Q(has_e_result=True)},
        "4.2": {DENOMINATOR: received, NUMERATOR: received & Q(is_digitised=True)},
        "4.3": {DENOMINATOR: received, NUMERATOR: received & Q(reuses_data=True)},
        "4.4": {DENOMINATOR: received, NUMERATOR: received & Q(reuses_data=True)},
        "4.5b": {DENOMINATOR: received, NUMERATOR: received & Q(uses_population_data=True)},
        # 5.4's numerator is "resolved − late − not satisfied" (two separate shares),
        # not a set of dossiers: the page opens the resolved ones and each share.
        "5.4": {
            DENOMINATOR: resolved,
            "tre-han": resolved & ~q_ok(),
            "khong-hai-long": resolved & Q(rating=NOT_SATISFIED),
        },
    }


def facts_behind(
    period: Period, component: str, part: str, agencies: Sequence[int] | None
) -> QuerySet[DossierFact]:
    """The fact rows counted in ``part`` of ``component``: by reception, or by end for
    the components counted on resolved dossiers."""
    filters = _fact_filters(period).get(component)
    if filters is None:
        raise DrillError(_("Chỉ số “%(c)s” không có danh sách hồ sơ.") % {"c": component})
    condition = filters.get(part)
    if condition is None:
        raise DrillError(_("Không có danh sách này cho chỉ số %(c)s.") % {"c": component})
    return (
        DossierFact.objects.filter(condition, in_scope(agencies))
        .select_related("dossier", "agency", "procedure")
        .order_by("ended_at" if component in BY_END else "received_at", "dossier_id")
    )


def procedures_behind(
    period: Period, component: str, part: str, agencies: Sequence[int] | None
) -> QuerySet[Procedure]:
    """The procedures counted in ``part`` of 3.1, 3.2 or 4.5a, by code."""
    settings = ProvinceProcedureSetting.objects.active().filter(
        in_scope(agencies), procedure=OuterRef("pk")
    )
    online_settings = settings.exclude(online_level=OnlineLevel.NONE)
    facts = DossierFact.objects.filter(
        q_received(period), in_scope(agencies), procedure=OuterRef("pk")
    )
    conditions: dict[str, dict[str, Q]] = {
        "3.1": {DENOMINATOR: Q(Exists(settings)), NUMERATOR: Q(Exists(online_settings))},
        "3.2": {
            DENOMINATOR: Q(Exists(online_settings)),
            NUMERATOR: Q(Exists(online_settings))
            & Q(Exists(facts.filter(channel_group=ChannelGroup.ONLINE))),
        },
        "4.5a": {
            DENOMINATOR: Q(Exists(facts)),
            NUMERATOR: Q(Exists(facts.filter(uses_population_data=True))),
        },
    }
    if component not in conditions:
        raise DrillError(_("Chỉ số “%(c)s” không có danh sách thủ tục.") % {"c": component})
    condition = conditions[component].get(part)
    if condition is None:
        raise DrillError(_("Không có danh sách này cho chỉ số %(c)s.") % {"c": component})
    return Procedure.objects.filter(condition).select_related("field").order_by("code")
