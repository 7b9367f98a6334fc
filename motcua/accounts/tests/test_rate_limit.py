import datetime as dt
import itertools

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from motcua.accounts.models import RateLimit
from motcua.accounts.ratelimit import hit

pytestmark = pytest.mark.django_db

T0 = dt.datetime(2026, 12, 1, 8, 0, tzinfo=dt.UTC)
MINUTE = dt.timedelta(minutes=1)


def test_requests_past_the_limit_are_refused_until_the_window_ends():
    allowed = [hit("lookup:1.2.3.4", limit=3, window=MINUTE, at=T0) for _ in range(5)]
    assert allowed == [True, True, True, False, False]
    assert RateLimit.objects.get(key="lookup:1.2.3.4").count == 3
    assert hit("lookup:1.2.3.4", limit=3, window=MINUTE, at=T0 + MINUTE)
    assert RateLimit.objects.get(key="lookup:1.2.3.4").count == 1


def test_keys_are_counted_apart():
    assert hit("a", limit=1, window=MINUTE, at=T0)
    assert not hit("a", limit=1, window=MINUTE, at=T0)
    assert hit("b", limit=1, window=MINUTE, at=T0)


def test_a_limit_below_one_refuses_and_writes_nothing():
    assert not hit("zero", limit=0, window=MINUTE, at=T0)
    assert not RateLimit.objects.filter(key="zero").exists()


_examples = itertools.count()


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    limit=st.integers(min_value=1, max_value=4),
    window_s=st.integers(min_value=1, max_value=120),
    # In microseconds: whole seconds (a window's exact end) and fractions. SQLite stores
    # instants as text, and one at a whole second has no fraction written.
    steps=st.lists(
        st.integers(min_value=0, max_value=90).map(lambda s: s * 1_000_000)
        | st.integers(min_value=0, max_value=90_000_000),
        min_size=1,
        max_size=25,
    ),
)
def test_hits_follow_the_fixed_window_rule(limit: int, window_s: int, steps: list[int]) -> None:
    """Every answer and the stored row are what the rule says, whatever the requests'
    spacing: a request is counted in the current window while under the limit, the
    first one after the window ends starts a new one, a refused one is not counted."""
    key = f"property:{next(_examples)}"
    window = dt.timedelta(seconds=window_s)
    at = T0
    start: dt.datetime | None = None
    count = 0
    for step in steps:
        at += dt.timedelta(microseconds=step)
        if start is None or start <= at - window:
            start, count, expected = at, 1, True
        elif count < limit:
            count, expected = count + 1, True
        else:
            expected = False
        assert hit(key, limit=limit, window=window, at=at) is expected
        row = RateLimit.objects.get(key=key)
        assert (row.window_start, row.count) == (start, count)
