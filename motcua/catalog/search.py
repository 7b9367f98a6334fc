"""Finding procedures by name or code, the same way on SQLite and PostgreSQL.

The catalogue holds thousands of procedures, not millions, so the ranking runs in
Python over the folded names (``Procedure.name_folded``) of the rows the filters
leave: one ``values_list`` query, no database-specific full-text search.

Contract of ``search_procedures``:

* Case and diacritics never matter ("dang ky" finds "Đăng ký"; "đ" is "d"), and the
  Vietnamese i/y spelling variants ("ký"/"kí", "lý"/"lí") are the same word.
* A query made of digits and dots is a code: the exact code first, then codes that
  start with it.
  A provincial code ("1.001193.000.00.00.H29") is read as its national part.
* Otherwise each query word matches a word of the name exactly. A query word that
  is no word of any candidate name is taken for a typo: it then matches words
  within one edit (insert, delete, replace or swap two neighbours) when it has four
  letters or more, and, if it is the last word, words it starts ("khai sin" → "sinh").
* A procedure is listed when more than half of the query words match, ranked by:
  the whole query as a phrase in the name, then more words matched, then more
  words matched exactly, then shorter names, then code.

Whether a procedure can be filed online *here* (``online_level``) is one rule, kept
in this module in two forms that must agree: a SQL expression for filtering and
listing (``online_level_expression``) and a Python function over rows already loaded
for the procedure page (``online_level``).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db.models import Case, CharField, Exists, OuterRef, Value, When

from motcua.catalog.choices import Channel, OnlineLevel
from motcua.catalog.models import (
    ChannelRule,
    Procedure,
    ProcedureQuerySet,
    ProvinceProcedureSetting,
)
from motcua.common.text import fold

MAX_QUERY_LENGTH = 200
MAX_WORDS = 12
FUZZY_MIN_LENGTH = 4
PREFIX_MIN_LENGTH = 3

_CODE = re.compile(r"^\d+(?:\.\d*)*$")
_PROVINCIAL_CODE = re.compile(r"^(\d\.\d{6})\.[0-9a-z.]+$")
_WORD = re.compile(r"[a-z0-9]+")
# A consonant cluster then "y": ký/kí, lý/lí, mỹ/mĩ are one word spelled two ways.
_I_Y = re.compile(r"^[bcdghklmnpqrstvx]+y$")

# ``SearchFilters.online`` values besides the OnlineLevel ones: either level.
ONLINE_ANY = "any"
_ONLINE_FILTERS = {
    ONLINE_ANY: [OnlineLevel.FULL_PROCESS, OnlineLevel.PARTIAL],
    OnlineLevel.FULL_PROCESS.value: [OnlineLevel.FULL_PROCESS],
    OnlineLevel.PARTIAL.value: [OnlineLevel.PARTIAL],
}


@dataclass(frozen=True)
class SearchFilters:
    """Narrowing applied before ranking; empty values do not filter."""

    field: str = ""  # Field.slug
    level: str = ""  # a Level value: bo, tinh, xa, khac
    agency: int | None = None  # org.Agency id, through ProvinceProcedureSetting
    # "full_process", "partial" or ONLINE_ANY (either): what ``online_level`` gives
    # the procedure here (the best level of any agency), not one agency's level.
    # Any other value matches nothing.
    online: str = ""

    def apply(self, procedures: ProcedureQuerySet) -> ProcedureQuerySet:
        if self.field:
            procedures = procedures.in_field(self.field)
        if self.level:
            procedures = procedures.at_level(self.level)
        if self.agency is not None:
            procedures = procedures.run_by(self.agency)
        if self.online:
            levels = _ONLINE_FILTERS.get(self.online, [])
            procedures = procedures.alias(online_here=online_level_expression()).filter(
                online_here__in=levels
            )
        return procedures


def search_procedures(query: str, filters: SearchFilters | None = None) -> list[int]:
    """Primary keys of the matching procedures, best first (see the module docstring).

    An empty query lists every procedure the filters allow, by name. Queries longer
    than ``MAX_QUERY_LENGTH`` characters or ``MAX_WORDS`` words are cut, not refused.
    """
    procedures = (filters or SearchFilters()).apply(Procedure.objects.all())
    folded = fold(query[:MAX_QUERY_LENGTH])
    if not folded:
        return list(procedures.order_by("name_folded", "code").values_list("pk", flat=True))
    compact = folded.replace(" ", "")
    provincial = _PROVINCIAL_CODE.match(compact)
    if provincial:
        compact = provincial.group(1)
    if _CODE.match(compact):
        return _by_code(procedures, compact)
    words = query_words(folded)
    if not words:
        return []
    rows = list(procedures.values_list("pk", "code", "name_folded"))
    return rank(words, rows)


def procedures_in_order(ids: Sequence[int], *, with_online_level: bool = False) -> list[Procedure]:
    """The procedures with ``ids``, in that order, with their field: one query.

    ``with_online_level``: each also carries ``online_here``, its ``online_level``
    value, computed in the same query.
    """
    procedures = Procedure.objects.select_related("field")
    if with_online_level:
        procedures = procedures.annotate(online_here=online_level_expression())
    found = procedures.in_bulk(ids)
    return [found[pk] for pk in ids if pk in found]


def online_level(setting_levels: Iterable[str], channels: Iterable[str]) -> str:
    """How far a procedure can be filed online in this province: an ``OnlineLevel``.

    ``setting_levels``: the ``online_level`` of its *active* province settings (an
    agency of the province runs it); ``channels``: the ``Channel`` of each channel
    row of its current version. It is online here when the national record offers
    the online channel and an agency runs it online; the best agency's level
    counts (Decree 42/2022: "toàn trình" above "một phần").
    """
    if Channel.ONLINE not in set(channels):
        return OnlineLevel.NONE
    levels = set(setting_levels)
    for level in (OnlineLevel.FULL_PROCESS, OnlineLevel.PARTIAL):
        if level in levels:
            return level
    return OnlineLevel.NONE


def online_level_expression() -> Case:
    """``online_level`` as a SQL expression over ``Procedure`` rows (annotate, filter)."""
    online_channel = Exists(
        ChannelRule.objects.filter(version=OuterRef("current_version"), channel=Channel.ONLINE)
    )

    def offered(level: OnlineLevel) -> Exists:
        return Exists(
            ProvinceProcedureSetting.objects.active().filter(
                procedure=OuterRef("pk"), online_level=level
            )
        )

    return Case(
        When(
            online_channel & offered(OnlineLevel.FULL_PROCESS),
            then=Value(OnlineLevel.FULL_PROCESS.value),
        ),
        When(online_channel & offered(OnlineLevel.PARTIAL), then=Value(OnlineLevel.PARTIAL.value)),
        default=Value(OnlineLevel.NONE.value),
        output_field=CharField(),
    )


def query_words(folded: str) -> list[str]:
    """The distinct words of a folded query, in order, normalised like names."""
    words: list[str] = []
    for word in _WORD.findall(folded):
        word = _normalise(word)
        if word not in words:
            words.append(word)
    return words[:MAX_WORDS]


def rank(words: Sequence[str], rows: Iterable[tuple[int, str, str]]) -> list[int]:
    """Rank ``(pk, code, name_folded)`` rows for the query ``words``; see the module."""
    analysed = [(pk, code, name, _analyse(name)) for pk, code, name in rows]
    vocabulary: set[str] = set()
    for _pk, _code, _name, (tokens, _joined) in analysed:
        vocabulary |= tokens
    near = {
        word: _near_words(word, vocabulary, last=i == len(words) - 1)
        for i, word in enumerate(words)
    }
    phrase = f" {' '.join(words)} "
    needed = len(words) // 2 + 1
    scored = []
    for pk, code, name, (tokens, joined) in analysed:
        exact = sum(1 for word in words if word in tokens)
        approximate = sum(
            1 for word in words if word not in tokens and not near[word].isdisjoint(tokens)
        )
        matched = exact + approximate
        if matched < needed:
            continue
        is_phrase = len(words) > 1 and phrase in joined
        scored.append(((not is_phrase, -matched, -exact, len(name), code), pk))
    scored.sort()
    return [pk for _key, pk in scored]


def _by_code(procedures: ProcedureQuerySet, code: str) -> list[int]:
    rows = procedures.filter(code__startswith=code).values_list("pk", "code")
    return [pk for pk, found in sorted(rows, key=lambda row: (row[1] != code, row[1]))]


def _normalise(word: str) -> str:
    return word[:-1] + "i" if _I_Y.match(word) else word


@functools.lru_cache(maxsize=20_000)
def _analyse(name_folded: str) -> tuple[frozenset[str], str]:
    """The name's normalised words, as a set and as " word word " for phrase tests."""
    words = [_normalise(word) for word in _WORD.findall(name_folded)]
    return frozenset(words), f" {' '.join(words)} "


def _near_words(word: str, vocabulary: set[str], *, last: bool) -> set[str]:
    """Words of the vocabulary that ``word`` may stand for besides itself."""
    near: set[str] = set()
    if word in vocabulary:
        return near
    if len(word) >= FUZZY_MIN_LENGTH:
        near |= {other for other in vocabulary if _one_edit_apart(word, other)}
    if last and len(word) >= PREFIX_MIN_LENGTH:
        near |= {other for other in vocabulary if other.startswith(word)}
    return near


def _one_edit_apart(a: str, b: str) -> bool:
    """Optimal-string-alignment distance of exactly one ("sihn" ↔ "sinh" is one)."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diff = [i for i, (x, y) in enumerate(zip(a, b, strict=True)) if x != y]
        if len(diff) == 1:
            return True
        return (
            len(diff) == 2
            and diff[1] == diff[0] + 1
            and a[diff[0]] == b[diff[1]]
            and a[diff[1]] == b[diff[0]]
        )
    short, long_ = (a, b) if len(a) < len(b) else (b, a)
    i = 0
    while i < len(short) and short[i] == long_[i]:
        i += 1
    return short[i:] == long_[i + 1 :]
