"""The home page: a big search box, the procedures filed most here, the status lookup
and the way into the citizen's account."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pytest_django import DjangoAssertNumQueries

from motcua.accounts.models import User
from motcua.catalog.models import Component, Procedure
from motcua.dossiers import actions
from motcua.dossiers.models import Dossier
from motcua.dossiers.tests.conftest import World, pdf
from motcua.portal.views.home import (
    COMMON_SEARCHES,
    MOST_USED_CACHE_KEY,
    cached_most_used_procedures,
    most_used_procedures,
)

# ``world`` (the dossier engine's small province) comes from the portal's conftest.
pytestmark = pytest.mark.django_db

AT = dt.datetime(2026, 9, 1, 9, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def empty_cache() -> Iterator[None]:
    cache.delete(MOST_USED_CACHE_KEY)
    yield
    cache.delete(MOST_USED_CACHE_KEY)


def receive(world: World, code: str, at: dt.datetime) -> Dossier:
    """A dossier for procedure ``code`` received at the counter at ``at``."""
    version = Procedure.objects.get(code=code).current_version
    assert version is not None
    rule = version.channels.get(channel="truc_tiep")
    component = Component.objects.filter(case__version=version).order_by("case__order", "order")[0]
    return world.receive(
        at,
        version=version,
        channel_rule=rule,
        documents=[actions.DocumentInput(name="Tờ khai", component=component, file=pdf())],
    )


def test_the_procedures_with_most_dossiers_in_the_last_year_come_first(world: World) -> None:
    for days in (1, 30, 200):
        receive(world, "2.000001", AT - dt.timedelta(days=days))
    receive(world, "1.001193", AT - dt.timedelta(days=10))
    # Older than a year, and after the instant asked about: not counted.
    for _ in range(3):
        receive(world, "1.001193", AT - dt.timedelta(days=400))
    receive(world, "1.001193", AT + dt.timedelta(days=1))

    ranking = most_used_procedures(AT)

    assert [(p.code, p.name, p.dossiers) for p in ranking] == [
        ("2.000001", "Cấp giấy phép xây dựng", 3),
        ("1.001193", "Thủ tục đăng ký khai sinh", 1),
    ]
    assert ranking[0].url == "/thu-tuc/2.000001/"


def test_a_tie_is_broken_by_code_and_the_list_is_capped(world: World) -> None:
    receive(world, "2.000001", AT - dt.timedelta(days=1))
    receive(world, "1.001193", AT - dt.timedelta(days=1))

    assert [p.code for p in most_used_procedures(AT)] == ["1.001193", "2.000001"]
    assert [p.code for p in most_used_procedures(AT, limit=1)] == ["1.001193"]


def test_the_ranking_is_one_query(
    world: World, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    receive(world, "2.000001", AT - dt.timedelta(days=1))

    with django_assert_num_queries(1):
        most_used_procedures(AT)


def test_the_home_page_lists_the_most_used_procedures_as_links(
    client: Client, world: World
) -> None:
    receive(world, "2.000001", timezone.now() - dt.timedelta(days=2))

    html = client.get("/").content.decode()

    assert "Thủ tục được nộp nhiều nhất" in html
    assert '<a href="/thu-tuc/2.000001/">Cấp giấy phép xây dựng</a>' in html
    assert "Thường được tìm" not in html


def test_without_dossiers_the_home_page_offers_the_common_searches(
    client: Client, world: World
) -> None:
    html = client.get("/").content.decode()

    assert "Thủ tục được nộp nhiều nhất" not in html
    assert "Thường được tìm" in html
    for query in COMMON_SEARCHES:
        assert query.capitalize() in html
    assert 'href="/thu-tuc/?q=%C4%91%C4%83ng%20k%C3%BD%20khai%20sinh"' in html


def test_the_ranking_is_cached_for_a_few_minutes(
    client: Client, world: World, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    assert cached_most_used_procedures() == []
    receive(world, "2.000001", timezone.now() - dt.timedelta(days=2))

    # Still the cached (empty) ranking, without a query: the page falls back.
    with django_assert_num_queries(0):
        assert cached_most_used_procedures() == []
    assert "Thường được tìm" in client.get("/").content.decode()

    cache.delete(MOST_USED_CACHE_KEY)
    assert [p.code for p in cached_most_used_procedures()] == ["2.000001"]


def test_the_home_page_costs_at_most_two_queries(
    client: Client, world: World, django_assert_max_num_queries: DjangoAssertNumQueries
) -> None:
    client.get("/")  # the province name is remembered by the context processor
    cache.delete(MOST_USED_CACHE_KEY)

    with django_assert_max_num_queries(2):
        client.get("/")


def test_the_home_page_has_a_search_box_and_a_status_lookup(client: Client, world: World) -> None:
    html = client.get("/").content.decode()

    assert (
        '<form class="search-form big-search" action="/thu-tuc/" method="get" role="search">'
        in (html)
    )
    assert 'type="search" name="q"' in html
    assert f'<form action="{reverse("portal:lookup")}" method="get">' in html
    assert '<label for="home-ma">Mã hồ sơ (in trên giấy tiếp nhận)</label>' in html
    assert 'id="home-ma" type="text" name="ma"' in html
    # The province's name (the context processor remembers it for the process).
    assert '<h1 id="tieu-de">Dịch vụ công — ' in html


def test_a_visitor_is_offered_sign_in_and_sign_up(client: Client, world: World) -> None:
    html = client.get("/").content.decode()

    assert f'<a class="button primary" href="{reverse("portal:sign_in")}">Đăng nhập</a>' in html
    assert (
        f'<a class="button secondary" href="{reverse("portal:sign_up")}">Đăng ký tài khoản</a>'
    ) in html


def test_a_signed_in_citizen_is_offered_their_dossiers(client: Client, world: World) -> None:
    client.force_login(User.objects.create_user("congdan.home", full_name="Nguyễn Thị Bình"))

    html = client.get("/").content.decode()

    assert (
        f'<a class="button primary" href="{reverse("portal:my_dossiers")}">Hồ sơ của tôi</a>'
    ) in html
    assert f'<a class="button primary" href="{reverse("portal:sign_in")}">' not in html
