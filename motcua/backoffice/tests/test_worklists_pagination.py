"""Keyset pagination: following "next page" visits every row exactly once, in order,
through ties in the due instant and past the rows that have none."""

from __future__ import annotations

import datetime as dt
import html
import re

import pytest
from django.test import Client

from motcua.accounts.models import User
from motcua.backoffice import worklists
from motcua.backoffice.views import worklists as view
from motcua.backoffice.worklists import Cursor
from motcua.dossiers import actions
from motcua.dossiers.models import Dossier, Task
from motcua.dossiers.tests.conftest import World, local, submit_online

pytestmark = pytest.mark.django_db

NOW = local(2026, 3, 4, 10, 0)
# Three receptions at each instant: three dossiers share each due instant.
INSTANTS = [local(2026, 3, 2, 8, 0), local(2026, 3, 2, 14, 0), local(2026, 3, 3, 9, 0)]


@pytest.fixture
def many(world: World, monkeypatch: pytest.MonkeyPatch) -> list[Dossier]:
    monkeypatch.setattr(view, "now", lambda: NOW)
    made = [world.receive(at) for at in INSTANTS for _ in range(3)]
    made += [world.receive(INSTANTS[0]) for _ in range(2)]  # ties created out of order
    # Online submissions have no due instant yet: they come last, by id.
    made += [submit_online(world, local(2026, 3, 3, 15, 0)) for _ in range(3)]
    return made


def walk(client: Client, user: User, slug: str) -> list[list[str]]:
    """The codes on each page, following the "next page" link to the end."""
    client.force_login(user)
    url: str | None = f"/can-bo/danh-sach/{slug}/"
    pages = []
    while url:
        page = client.get(url).content.decode()
        pages.append(re.findall(r'<a class="code" href="/can-bo/ho-so/[^"]+/">([^<]+)</a>', page))
        found = re.search(r'id="trang-sau" rel="next" href="([^"]+)"', page)
        url = html.unescape(found.group(1)) if found else None
        assert len(pages) < 100, "the pages do not end"
    return pages


def expected_dossiers() -> list[str]:
    rows = sorted(
        Dossier.objects.values_list("due_at", "pk", "code"),
        key=lambda r: (r[0] is None, r[0] or dt.datetime.min.replace(tzinfo=dt.UTC), r[1]),
    )
    return [code for _due, _pk, code in rows]


@pytest.mark.parametrize("size", [1, 2, 3, 4, 5, 13, 14, 50])
def test_every_dossier_once_in_due_order_whatever_the_page_size(
    client: Client, world: World, many: list[Dossier], monkeypatch: pytest.MonkeyPatch, size: int
) -> None:
    monkeypatch.setattr(worklists, "PAGE_SIZE", size)
    pages = walk(client, world.reception, "tat-ca")
    assert [code for page in pages for code in page] == expected_dossiers()
    assert all(len(page) == size for page in pages[:-1])
    assert 1 <= len(pages[-1]) <= size
    assert len(pages) == -(-len(many) // size)  # no empty last page


@pytest.mark.parametrize("size", [1, 2, 4, 11])
def test_my_tasks_visit_every_step_once(
    client: Client, world: World, many: list[Dossier], monkeypatch: pytest.MonkeyPatch, size: int
) -> None:
    monkeypatch.setattr(worklists, "PAGE_SIZE", size)
    steps = Task.objects.for_officer(world.handler).filter(agency=world.justice)
    expected = [t.dossier.code for t in steps.order_by("due_at", "pk")]
    assert len(expected) == 11
    pages = walk(client, world.handler, "viec-cua-toi")
    assert [code for page in pages for code in page] == expected


def test_a_page_after_the_last_row_is_empty_and_offers_no_next(
    client: Client, world: World, many: list[Dossier]
) -> None:
    last = Dossier.objects.order_by("-pk").first()
    assert last is not None and last.due_at is None
    client.force_login(world.reception)
    page = client.get("/can-bo/danh-sach/tat-ca/", {"sau": str(Cursor(None, last.pk))})
    assert "Không có hồ sơ nào trong danh sách này." in page.content.decode()
    assert 'id="trang-sau"' not in page.content.decode()
    assert 'id="trang-dau"' in page.content.decode()


@pytest.mark.parametrize("text", ["", "rac", "~", "20260399T000000000000~5", "-~x", "1~2~3"])
def test_a_mangled_cursor_shows_the_first_page(
    client: Client, world: World, many: list[Dossier], text: str
) -> None:
    client.force_login(world.reception)
    page = client.get("/can-bo/danh-sach/tat-ca/", {"sau": text})
    assert page.status_code == 200
    first = re.findall(r'href="/can-bo/ho-so/([^"]+)/"', page.content.decode())
    assert first[:1] == expected_dossiers()[:1]


def test_a_cursor_survives_its_round_trip() -> None:
    at = dt.datetime(2026, 3, 9, 1, 0, 0, 123456, tzinfo=dt.UTC)
    assert Cursor.parse(str(Cursor(at, 42))) == Cursor(at, 42)
    assert Cursor.parse(str(Cursor(None, 7))) == Cursor(None, 7)
    assert Cursor.parse(str(Cursor(local(2026, 3, 9, 8, 0), 1))) == Cursor(
        at.replace(microsecond=0), 1
    )


@pytest.mark.parametrize("size", [1, 2, 3, 7])
def test_steps_handed_over_page_through_once_each(
    client: Client, world: World, many: list[Dossier], monkeypatch: pytest.MonkeyPatch, size: int
) -> None:
    """The third branch (an open step at an agency that neither received nor decides
    the dossier) follows the same cursor as the other two."""
    monkeypatch.setattr(worklists, "PAGE_SIZE", size)
    handed = [d for d in many if d.due_at is not None][::2]
    for dossier in handed:
        actions.hand_over(
            dossier, actor=world.handler, to_agency=world.construction, reason="Lấy ý kiến", at=NOW
        )
    wanted = [code for code in expected_dossiers() if code in {d.code for d in handed}]
    assert len(wanted) == 6
    pages = walk(client, world.construction_handler, "tat-ca")
    assert [code for page in pages for code in page] == wanted
