"""Biểu 06 totals of one generator run over its profile's period, to set against the
profile's real figures. Counted from the run's ``DossierFact`` and ``FactSegment``
rows with the shared counting rules (period [S, N), E its last instant):

- received in the period: S ≤ received_at < N, online or direct by channel group;
- carried over: received_at < S and (ended_at null or ≥ S);
- resolved: S ≤ ended_at < N, by timeliness; open: received_at < N and not ended
  before N, within the deadline or overdue by the segment covering E.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from motcua.reports.generator.models import GeneratedDossier, GeneratorRun
from motcua.reports.generator.profiles import Profile
from motcua.reports.models import DossierFact, FactSegment
from motcua.workdays.calendar import LOCAL_TZ


@dataclass
class Totals:
    received: int
    online: int
    direct: int
    carried: int
    resolved: int
    early: int
    on_time: int
    late: int
    open: int
    within: int
    overdue: int
    expected: dict[str, int]

    def lines(self) -> list[str]:
        def row(label: str, got: int, key: str) -> str:
            want = self.expected.get(key)
            return f"{label}: {got}" + (f" ({_('mẫu')}: {want})" if want is not None else "")

        share = self.early / self.resolved if self.resolved else 0.0
        return [
            row(_("Tiếp nhận (3)"), self.received, "received"),
            row(_("  trực tuyến (4)"), self.online, "online"),
            row(_("  trực tiếp, bưu chính (5)"), self.direct, "direct"),
            row(_("  kỳ trước chuyển qua (6)"), self.carried, "carried"),
            row(_("Đã giải quyết (7)"), self.resolved, "resolved"),
            f"{_('  trước hạn (8)')}: {self.early} ({share:.1%}), "
            f"{_('đúng hạn (9)')}: {self.on_time}, {_('quá hạn (10)')}: {self.late}",
            row(_("Đang giải quyết (11)"), self.open, "open")
            + f"; {_('trong hạn (12)')}: {self.within}, {_('quá hạn (13)')}: {self.overdue}",
        ]


def _facts(run: GeneratorRun) -> QuerySet[DossierFact]:
    return DossierFact.objects.filter(
        dossier_id__in=GeneratedDossier.objects.filter(run=run).values("dossier_id")
    )


def tally(run: GeneratorRun, profile: Profile) -> Totals:
    first, last = profile.period(run.year)
    start = dt.datetime.combine(first, dt.time(), tzinfo=LOCAL_TZ)
    stop = dt.datetime.combine(last + dt.timedelta(days=1), dt.time(), tzinfo=LOCAL_TZ)
    end = dt.datetime.combine(last, dt.time(23, 59, 59), tzinfo=LOCAL_TZ)
    facts = _facts(run)
    new = facts.filter(received_at__gte=start, received_at__lt=stop)
    online = new.filter(channel_group="online").count()
    direct = new.filter(channel_group="direct").count()
    carried = facts.filter(received_at__lt=start).filter(
        Q(ended_at__isnull=True) | Q(ended_at__gte=start)
    )
    resolved = facts.filter(received_at__isnull=False, ended_at__gte=start, ended_at__lt=stop)
    by = dict((t, resolved.filter(timeliness=t).count()) for t in ("early", "on_time", "late"))
    still = facts.filter(received_at__lt=stop).filter(
        Q(ended_at__isnull=True) | Q(ended_at__gte=stop)
    )
    covering = FactSegment.objects.filter(
        dossier_id__in=still.values("dossier_id"), start__lte=end
    ).filter(Q(end__isnull=True) | Q(end__gt=end))
    overdue = covering.filter(held=False, due_at__lt=end).count()
    n_open = still.count()
    scale = run.scale
    counts = profile.counts(scale)
    expected = {
        "online": sum(c.online for c in counts.values()),
        "direct": sum(c.direct for c in counts.values()),
        "carried": sum(c.carried for c in counts.values()),
        "open": sum(c.open_at_end for c in counts.values()),
    }
    expected["received"] = expected["online"] + expected["direct"] + expected["carried"]
    expected["resolved"] = expected["received"] - expected["open"]
    return Totals(
        received=online + direct + carried.count(),
        online=online,
        direct=direct,
        carried=carried.count(),
        resolved=resolved.count(),
        early=by["early"],
        on_time=by["on_time"],
        late=by["late"],
        open=n_open,
        within=n_open - overdue,
        overdue=overdue,
        expected=expected,
    )
