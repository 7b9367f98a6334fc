"""Who files what, where and when.

``draw(...)`` is the global plan: for every dossier its level, channel, whether it was
carried over, is still open at the period's end, ends early, on time or late, and
how it ends (result, refusal, withdrawal, stop, closure), in exact quotas from the
profile's counts, shuffled by the seed; and its reception instant (office hours of a
working day of the official calendar). Entries are sorted by submission instant:
that is the order the executors write them in, so dossier codes follow time. Each
entry's story is played by ``story.Story``.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction

from motcua.catalog.choices import Channel
from motcua.dossiers.codes import format_code
from motcua.dossiers.simulator import Offer
from motcua.reports.generator.profiles import Profile
from motcua.reports.generator.world import Desk, World

ON_TIME, EARLY, LATE, OPEN = "on_time", "early", "late", "open"
RESULT, REFUSED, WITHDRAWN, STOPPED, CLOSED = "result", "refused", "withdrawn", "stopped", "closed"
NOT_RECEIVED = "not_received"


@dataclass(frozen=True)
class Entry:
    """One planned dossier (the global plan's line)."""

    index: int
    level: str
    online: bool
    carried: bool
    target: str  # early | on_time | late | open (| not_received)
    outcome: str
    received: dt.datetime  # planned reception (for online: acceptance) instant
    submitted: dt.datetime
    completion: bool  # online: the officer asks to complete it first


def _quota(labels: dict[str, int], rng: random.Random) -> list[str]:
    out = [label for label, n in labels.items() for _ in range(max(0, n))]
    rng.shuffle(out)
    return out


def _working_days(world: World, first: dt.date, last: dt.date) -> list[dt.date]:
    days = [first + dt.timedelta(days=n) for n in range((last - first).days + 1)]
    return [d for d in days if world.calendar.is_working_day(d)]


def draw(profile: Profile, year: int, scale: Decimal, seed: int, world: World) -> list[Entry]:
    """The global plan, sorted by submission instant (see the module docstring)."""
    rng = random.Random(f"{seed}:plan")
    cal = world.calendar
    first, last = profile.period(year)
    every = _working_days(world, first, last)
    before = _working_days(world, first - dt.timedelta(days=30), first - dt.timedelta(days=1))
    tail = every[-3:]
    early_enough = [d for d in every if d <= last - dt.timedelta(days=25)] or every
    opening = cal.office_periods[0][0]
    minutes = int(cal.hours_per_day * 60) - 5

    def instant(days: list[dt.date]) -> dt.datetime:
        day = rng.choice(days)
        return cal.add_working_hours(cal.at(day, opening), Fraction(rng.randrange(minutes), 60))

    entries: list[Entry] = []
    index = 0
    for level, counts in sorted(profile.counts(scale).items()):
        if level not in world.desks:
            continue
        new = counts.online + counts.direct
        online_share = counts.online / new if new else 0.0
        resolved = new - counts.open_at_end + counts.carried
        late = round(resolved * counts.late)
        early = round(resolved * profile.early)
        targets = _quota({EARLY: early, LATE: late, ON_TIME: resolved - early - late}, rng)
        n_closed = round(resolved * profile.closed)
        ends = _quota(
            {
                REFUSED: round(resolved * profile.refused),
                WITHDRAWN: round(resolved * profile.withdrawn),
                STOPPED: round(resolved * profile.stopped),
                CLOSED: n_closed,
                RESULT: resolved
                - round(resolved * profile.refused)
                - round(resolved * profile.withdrawn)
                - round(resolved * profile.stopped)
                - n_closed,
            },
            rng,
        )
        open_flags = _quota({"open": counts.open_at_end, "": new - counts.open_at_end}, rng)
        kinds = (
            ["carried"] * counts.carried + ["online"] * counts.online + ["direct"] * counts.direct
        )
        k = 0  # index into the resolved quotas
        for n, kind in enumerate(kinds):
            carried = kind == "carried"
            online = rng.random() < online_share if carried else kind == "online"
            is_open = not carried and open_flags[n - counts.carried] == "open"
            if is_open:
                target, outcome, days = OPEN, RESULT, tail
            else:
                target, outcome = targets[k], ends[k]
                k += 1
                days = before if carried else early_enough if target == LATE else every
            entries.append(
                _entry(index, level, online, carried, target, outcome, instant(days), profile, rng)
            )
            index += 1
        for _ in range(round(counts.online * profile.not_received)):
            entries.append(
                _entry(
                    index,
                    level,
                    True,
                    False,
                    NOT_RECEIVED,
                    NOT_RECEIVED,
                    instant(every),
                    profile,
                    rng,
                )
            )
            index += 1
    entries.sort(key=lambda e: (e.submitted, e.index))
    return entries


def _entry(
    index: int,
    level: str,
    online: bool,
    carried: bool,
    target: str,
    outcome: str,
    received: dt.datetime,
    profile: Profile,
    rng: random.Random,
) -> Entry:
    submitted, completion = received, False
    if online:
        completion = target != NOT_RECEIVED and rng.random() < profile.completion
        # Citizens file at any hour, before the officer receives it.
        hours = rng.uniform(48, 96) if completion else rng.uniform(0.2, 16)
        submitted = received - dt.timedelta(minutes=round(hours * 60))
    return Entry(index, level, online, carried, target, outcome, received, submitted, completion)


# --- picking procedures ------------------------------------------------------------------


@dataclass
class Menu:
    """The (desk, offer) pairs of a level that fit a wish, with cumulative weights: every
    desk of the level gets an equal share, split between its offers by their weights."""

    pairs: list[tuple[Desk, Offer]]
    cumulative: list[float]

    def pick(self, rng: random.Random) -> tuple[Desk, Offer]:
        return rng.choices(self.pairs, cum_weights=self.cumulative)[0]


def menus(world: World) -> dict[tuple[str, bool, bool | None], Menu]:
    """By (level, online, e-result wanted or None)."""
    out: dict[tuple[str, bool, bool | None], Menu] = {}
    for level, desks in world.desks.items():
        for online in (True, False):
            for e_result in (True, False, None):
                pairs: list[tuple[Desk, Offer]] = []
                cumulative: list[float] = []
                total = 0.0
                for desk in desks:
                    fits = [
                        (o, w)
                        for o, w in zip(desk.offers, desk.weights, strict=True)
                        if _channel_fits(o, online)
                        and (e_result is None or bool(o.result_code) == e_result)
                    ]
                    desk_total = sum(w for _, w in fits)
                    for offer, weight in fits:
                        total += weight / desk_total
                        pairs.append((desk, offer))
                        cumulative.append(total)
                if pairs:
                    out[(level, online, e_result)] = Menu(pairs, cumulative)
    return out


def _channel_fits(offer: Offer, online: bool) -> bool:
    if online:
        return offer.rule(Channel.ONLINE) is not None
    return offer.rule(Channel.IN_PERSON) is not None or offer.rule(Channel.POST) is not None


# --- codes -------------------------------------------------------------------------------


@dataclass
class Codes:
    """Dossier codes as ``codes.allocate_code`` would give them, from the counters
    read when the run (re)started; ``touched`` are written back with each batch."""

    last: dict[tuple[str, dt.date], int] = field(default_factory=dict)
    touched: set[tuple[str, dt.date]] = field(default_factory=set)
    load: Callable[[str, dt.date], int] | None = None

    def allocate(self, identifier: str, day: dt.date) -> str:
        key = (identifier, day)
        if key not in self.last:
            self.last[key] = self.load(identifier, day) if self.load else 0
        self.last[key] += 1
        self.touched.add(key)
        return format_code(identifier, day, self.last[key])
