import datetime as dt

import pytest

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
