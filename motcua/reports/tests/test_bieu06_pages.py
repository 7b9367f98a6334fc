"""The Biểu 06 pages as an official sees them: the form, the table, the links behind
every number, the list of dossiers each link opens, who sees which agency, and the
messages for bad input.

The dataset is a hand-made October 2026 whose every number is worked out below: the
dossiers are received through the real action, then their statistics rows are set
to the stories of the table (``Story``), so each column has known dossiers in it.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from motcua.accounts.models import User
from motcua.catalog.models import Procedure
from motcua.dossiers.models import Dossier
from motcua.dossiers.tests import conftest as engine_tests
from motcua.dossiers.tests.conftest import World, citizen, local
from motcua.org.models import Agency, Membership, Role
from motcua.reports.models import DossierFact, FactSegment

world = engine_tests.world  # the engine's small province (a fixture)
OCTOBER: dict[str, str | int] = {"ky": "thang", "nam": "2026", "thang": "10"}
COLUMN_ORDER = (
    "received",
    "online",
    "direct",
    "carried",
    "resolved",
    "early",
    "on_time",
    "late",
    "open",
    "within",
    "overdue",
)


@dataclass
class Story:
    """One dossier's statistics row: who decides it, how it came in and when, how it
    ended, and the due instant of its open segment (``held``: supplement awaited)."""

    name: str
    agency: str
    channel: str  # online | direct
    received: dt.datetime | None
    ended: dt.datetime | None = None
    outcome: str = ""
    timeliness: str = ""
    due: dt.datetime | None = None
    held: bool = False
    building: bool = False  # the construction permit (field "Xây dựng"), else civil status
    no_field: bool = False


D = local
# October 2026, calendar month: S = 01/10 00:00, N = 01/11 00:00, E = 31/10 23:59:59.
STORIES = [
    Story("J1", "justice", "online", D(2026, 10, 5, 9), D(2026, 10, 10, 9), "result", "early"),
    Story(
        "J2",
        "justice",
        "direct",
        D(2026, 10, 6, 9),
        D(2026, 10, 20, 9),
        "result",
        "on_time",
        building=True,
    ),
    Story("J3", "justice", "direct", D(2026, 10, 7, 9), D(2026, 10, 25, 9), "refused", "late"),
    # Carried over, open, overdue since 25/09.
    Story("J4", "justice", "direct", D(2026, 9, 20, 9), due=D(2026, 9, 25, 9)),
    # Received late in October, due in November: within deadline.
    Story("J5", "justice", "online", D(2026, 10, 28, 9), due=D(2026, 11, 15, 9)),
    # Carried over and awaiting a supplement: held by the applicant, within deadline.
    Story("J6", "justice", "direct", D(2026, 9, 15, 9), due=D(2026, 9, 20, 9), held=True),
    # Ended before October: not in the table.
    Story("J7", "justice", "direct", D(2026, 9, 10, 9), D(2026, 9, 30, 9), "result", "early"),
    # Received after October: not in the table.
    Story("J8", "justice", "online", D(2026, 11, 2, 9), due=D(2026, 11, 20, 9)),
    Story(
        "A1",
        "commune_a",
        "direct",
        D(2026, 10, 3, 9),
        D(2026, 10, 4, 9),
        "withdrawn",
        "on_time",
        building=True,
    ),
    Story("A2", "commune_a", "direct", D(2026, 9, 25, 9), D(2026, 10, 5, 9), "result", "late"),
    Story("A3", "commune_a", "online", D(2026, 10, 30, 9), due=D(2026, 10, 31, 12)),
    # Due at E exactly: within deadline (deadlines.md §7: due ≥ E).
    Story(
        "A4",
        "commune_a",
        "direct",
        D(2026, 10, 31, 23),
        due=dt.datetime(2026, 10, 31, 23, 59, 59, tzinfo=D(2026, 1, 1).tzinfo),
    ),
    Story(
        "B1",
        "commune_b",
        "direct",
        D(2026, 10, 12, 9),
        D(2026, 10, 13, 9),
        "stopped",
        "early",
        no_field=True,
    ),
    # Never received (refused at intake): not counted.
    Story("B2", "commune_b", "online", None),
]
# The table those stories make, column by column (3)…(13).
EXPECTED = {
    "justice": [6, 2, 2, 2, 3, 1, 1, 1, 3, 2, 1],
    "commune_a": [4, 1, 2, 1, 2, 0, 1, 1, 2, 1, 1],
    "commune_b": [1, 0, 1, 0, 1, 1, 0, 0, 0, 0, 0],
}
TOTAL = [11, 3, 5, 3, 6, 2, 2, 2, 5, 3, 2]


@dataclass
class October:
    world: World
    dossiers: dict[str, Dossier]
    province: User  # a supervisor of the provincial centre: sees every agency

    def agency(self, key: str) -> Agency:
        return getattr(self.world, key)  # type: ignore[no-any-return]

    def client(self, user: User) -> Client:
        c = Client()
        c.force_login(user)
        return c


def _write_fact(world: World, dossier: Dossier, story: Story) -> None:
    agency: Agency = getattr(world, story.agency)
    procedure = Procedure.objects.get(code="2.000001" if story.building else "1.001193")
    DossierFact.objects.update_or_create(
        dossier=dossier,
        defaults={
            "agency": agency,
            "receiving_agency": agency,
            "level": "tinh" if story.agency == "justice" else "xa",
            "field": None if story.no_field else procedure.field,
            "procedure": procedure,
            "channel_group": story.channel,
            "received_at": story.received,
            "ended_at": story.ended,
            "outcome": story.outcome,
            "timeliness": story.timeliness,
            "due_at": story.due,
            "updated_at": timezone.now(),
        },
    )
    FactSegment.objects.filter(dossier=dossier).delete()
    if story.received is not None:
        FactSegment.objects.create(
            dossier=dossier,
            agency=agency,
            start=story.received,
            end=story.ended,
            due_at=story.due if story.ended is None else story.ended + dt.timedelta(days=1),
            held=story.held,
        )


@pytest.fixture
def october(world: World) -> October:
    dossiers = {}
    for story in STORIES:
        at = story.received or D(2026, 10, 15, 9)
        dossier = world.receive(at)
        _write_fact(world, dossier, story)
        dossiers[story.name] = dossier
    province = User.objects.create_user("giamsat", full_name="Giám sát tỉnh")
    Membership.objects.create(user=province, agency=world.centre, role=Role.SUPERVISOR)
    return October(world=world, dossiers=dossiers, province=province)


# --- reading the page ---------------------------------------------------------------


class Tables(HTMLParser):
    """Every table of a page by id: rows of (text, href or "") cells."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.tables: dict[str, list[list[tuple[str, str]]]] = {}
        self._table: str | None = None
        self._row: list[tuple[str, str]] | None = None
        self._cell: list[str] | None = None
        self._href = ""
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "table":
            self._table = a.get("id") or f"table{len(self.tables)}"
            self.tables[self._table] = []
        elif tag == "tr" and self._table is not None:
            self._row = []
        elif tag in ("td", "th") and self._row is not None:
            self._cell, self._href = [], ""
        elif tag == "a" and self._cell is not None:
            self._href = a.get("href") or ""

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._row is not None and self._cell is not None:
            self._row.append((" ".join("".join(self._cell).split()), self._href))
            self._cell = None
        elif tag == "tr" and self._table is not None and self._row is not None:
            self.tables[self._table].append(self._row)
            self._row = None
        elif tag == "table":
            self._table = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def body_rows(html: str, table: str = "bieu06") -> list[list[tuple[str, str]]]:
    """The data rows (after the three header rows) of a report table."""
    rows = Tables(html).tables[table]
    skip = 3 if table == "bieu06" else 1
    return rows[skip:]


def numbers(row: list[tuple[str, str]]) -> list[int]:
    return [int(text) for text, _href in row[2:]]


def listed_codes(client: Client, href: str) -> list[str]:
    """Every dossier code of a drill-down list, following its pages."""
    codes: list[str] = []
    url: str | None = href
    while url:
        response = client.get(url if url.startswith("/") else f"{href.split('?')[0]}{url}")
        assert response.status_code == 200, response.content.decode()[:500]
        html = response.content.decode()
        rows = Tables(html).tables["ho-so"][1:]
        codes += [row[1][0] for row in rows if len(row) > 1]
        found = re.search(r'href="([^"]+)" rel="next"', html)
        url = found.group(1).replace("&amp;", "&") if found else None
    return codes


# --- access -------------------------------------------------------------------------


def test_the_report_is_for_signed_in_officials_only(october: October) -> None:
    response = Client().get(reverse("reports:bieu06"), OCTOBER)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("backoffice:login"))
    response = october.client(citizen()).get(reverse("reports:bieu06"), OCTOBER)
    assert response.status_code == 403
    assert "không thuộc cơ quan nào" in response.content.decode()
    response = october.client(citizen()).get(reverse("reports:bieu06_dossiers"), OCTOBER)
    assert response.status_code == 403


def test_the_back_office_navigation_links_to_the_reports(october: October) -> None:
    response = october.client(october.world.handler).get(reverse("backoffice:tracking_book"))
    html = response.content.decode()
    assert f'href="{reverse("reports:bieu06")}"' in html
    assert "Thống kê (Biểu 06)" in html
    assert f'href="{reverse("reports:dashboard")}"' in html
    assert "Chỉ số 766" in html
    page = october.client(october.world.handler).get(reverse("reports:bieu06")).content.decode()
    assert 'aria-current="page" class="current">Thống kê (Biểu 06)' in page


def test_first_visit_shows_the_form_set_to_the_current_month(
    october: October, settings: Any
) -> None:
    settings.MOTCUA_REPORT_CUTOFF_DAY = 0
    response = october.client(october.province).get(reverse("reports:bieu06"))
    html = response.content.decode()
    assert response.status_code == 200
    today = timezone.localdate()
    assert f'name="nam" value="{today.year}"' in html
    assert f'<option value="{today.month}" selected>' in html
    assert 'id="bieu06"' not in html


# --- the table ----------------------------------------------------------------------


def test_the_table_by_agency_has_the_numbers_of_the_stories(october: October) -> None:
    response = october.client(october.province).get(
        reverse("reports:bieu06"), {**OCTOBER, "theo": "co-quan"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Tháng 10/2026 (01/10/2026 – 31/10/2026)" in html
    rows = body_rows(html)
    by_name = {row[1][0]: numbers(row) for row in rows}
    for key, expected in EXPECTED.items():
        assert by_name[october.agency(key).name] == expected, key
    assert rows[-1][1][0] == "Tổng cộng"
    assert numbers(rows[-1]) == TOTAL
    assert [row[0][0] for row in rows[:-1]] == ["1", "2", "3"]
    assert "không có hồ sơ nào" not in html.lower()
    # The ends without a result: refused (J3), withdrawn (A1), stopped (B1), closed.
    ends = body_rows(html, "ket-thuc")
    assert ends[-1][1][0] == "Tổng cộng"
    assert numbers(ends[-1]) == [1, 1, 1, 0]


def test_every_number_links_to_its_filters_and_the_list_has_that_many_dossiers(
    october: October,
) -> None:
    client = october.client(october.province)
    for grouping in ("co-quan", "cap"):
        html = client.get(reverse("reports:bieu06"), {**OCTOBER, "theo": grouping}).content.decode()
        checked = 0
        for table in ("bieu06", "ket-thuc"):
            for row in body_rows(html, table):
                for text, href in row[2:]:
                    assert href, f"{row[1][0]}: {text} is not a link"
                    query = {k: v[0] for k, v in parse_qs(urlsplit(href).query).items()}
                    assert {k: query[k] for k in OCTOBER} == OCTOBER
                    assert query["theo"] == grouping
                    assert query["so"] == text
                    if row[1][0] != "Tổng cộng" and grouping == "co-quan":
                        assert "co-quan" in query
                    if row[1][0] == "Tổng cộng":
                        assert not {"co-quan", "cap", "linh-vuc", "thu-tuc"} & set(query)
                    codes = listed_codes(client, href)
                    assert len(codes) == int(text), (grouping, row[1][0], query["cot"])
                    assert len(set(codes)) == len(codes)
                    checked += 1
        assert checked > 40


def test_the_lists_hold_the_right_dossiers(october: October) -> None:
    client = october.client(october.province)
    justice = str(october.world.justice.pk)
    expected = {
        "online": {"J1", "J5"},
        "direct": {"J2", "J3"},
        "carried": {"J4", "J6"},
        "early": {"J1"},
        "on_time": {"J2"},
        "late": {"J3"},
        "within": {"J5", "J6"},
        "overdue": {"J4"},
        "refused": {"J3"},
    }
    names = {d.code: name for name, d in october.dossiers.items()}
    for column, stories in expected.items():
        href = (
            reverse("reports:bieu06_dossiers")
            + "?"
            + "&".join(
                f"{k}={v}" for k, v in {**OCTOBER, "co-quan": justice, "cot": column}.items()
            )
        )
        assert {names[c] for c in listed_codes(client, href)} == stories, column


def test_a_list_links_each_dossier_and_shows_the_number_in_its_heading(
    october: October,
) -> None:
    client = october.client(october.province)
    response = client.get(
        reverse("reports:bieu06_dossiers"),
        {**OCTOBER, "co-quan": october.world.justice.pk, "cot": "overdue", "so": "1"},
    )
    html = response.content.decode()
    assert "(13) Hồ sơ đang giải quyết quá hạn: 1 hồ sơ" in html
    j4 = october.dossiers["J4"]
    assert f'href="{reverse("backoffice:dossier", args=[j4.code])}"' in html
    assert "Sở Tư pháp" in html
    assert "09:00 20/09/2026" in html  # received
    assert "09:00 25/09/2026" in html  # due
    assert "Chưa kết thúc" in html


def test_the_list_pages_by_keyset_without_counting(
    october: October, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("motcua.reports.views.bieu06.PAGE_SIZE", 2)
    client = october.client(october.province)
    href = reverse("reports:bieu06_dossiers") + "?ky=thang&nam=2026&thang=10&cot=received&so=11"
    with CaptureQueriesContext(connection) as queries:
        first = client.get(href)
    assert not [q["sql"] for q in queries.captured_queries if "COUNT(" in q["sql"].upper()]
    html = first.content.decode()
    assert "(3) Tổng số hồ sơ nhận giải quyết: 11 hồ sơ" in html
    assert "Hồ sơ 1–2" in html
    codes = listed_codes(client, href)
    assert len(codes) == 11 == len(set(codes))
    received = {d.code: d.received_at or dt.datetime.min for d in october.dossiers.values()}
    assert [received[c] for c in codes] == sorted(received[c] for c in codes)


def test_by_level_rows_go_level_field_procedure_and_add_up(october: October) -> None:
    html = (
        october.client(october.province)
        .get(reverse("reports:bieu06"), {**OCTOBER, "theo": "cap"})
        .content.decode()
    )
    rows = body_rows(html)
    stt = [row[0][0] for row in rows]
    labels = [row[1][0] for row in rows]
    assert labels[0] == "Cấp tỉnh" and stt[0] == "I"
    assert "Cấp xã" in labels and stt[labels.index("Cấp xã")] == "II"
    assert "Chưa xác định lĩnh vực" in labels  # B1, linked with linh-vuc=0
    assert "1.1" in stt
    levels = [numbers(row) for row in rows if row[0][0] in ("I", "II")]
    assert [sum(col) for col in zip(*levels, strict=True)] == numbers(rows[-1]) == TOTAL
    assert "Lĩnh vực, công việc giải quyết theo cấp" in html


def test_an_empty_period_shows_zeros_and_says_so(october: October) -> None:
    response = october.client(october.province).get(
        reverse("reports:bieu06"), {"ky": "thang", "nam": "2025", "thang": "1"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Không có hồ sơ nào được tiếp nhận, giải quyết hay đang giải quyết trong kỳ" in html
    rows = body_rows(html)
    assert rows[-1][1][0] == "Tổng cộng"
    assert numbers(rows[-1]) == [0] * 11


# --- scope --------------------------------------------------------------------------


def test_an_officer_of_commune_a_sees_only_commune_a(october: October) -> None:
    world = october.world
    client = october.client(world.commune_a_officer)
    response = client.get(reverse("reports:bieu06"), OCTOBER)
    html = response.content.decode()
    rows = body_rows(html)
    assert [row[1][0] for row in rows] == [world.commune_a.name, "Tổng cộng"]
    assert numbers(rows[-1]) == EXPECTED["commune_a"]
    assert world.justice.name not in html
    assert world.commune_b.name not in html
    # The total's list holds only A's dossiers.
    total_href = rows[-1][2][1]
    codes = listed_codes(client, total_href)
    assert {c for c in codes} == {october.dossiers[n].code for n in ("A1", "A2", "A3", "A4")}
    # Another agency asked for by id: a message on the form, 404 on the list.
    response = client.get(reverse("reports:bieu06"), {**OCTOBER, "co-quan": world.justice.pk})
    assert response.status_code == 400
    assert (
        f"Không có cơ quan mã {world.justice.pk} trong các cơ quan bạn được xem báo cáo."
        in response.content.decode()
    )
    assert 'id="bieu06"' not in response.content.decode()
    for column in ("received", "online", "overdue"):
        response = client.get(
            reverse("reports:bieu06_dossiers"),
            {**OCTOBER, "co-quan": world.justice.pk, "cot": column},
        )
        assert response.status_code == 404
    for export in ("reports:bieu06_xlsx", "reports:bieu06_pdf"):
        response = client.get(reverse(export), {**OCTOBER, "co-quan": world.justice.pk})
        assert response.status_code == 400


def test_a_province_supervisor_filters_one_agency(october: October) -> None:
    world = october.world
    response = october.client(october.province).get(
        reverse("reports:bieu06"), {**OCTOBER, "co-quan": world.commune_b.pk}
    )
    html = response.content.decode()
    rows = body_rows(html)
    assert [row[1][0] for row in rows] == [world.commune_b.name, "Tổng cộng"]
    assert numbers(rows[-1]) == EXPECTED["commune_b"]
    assert f'<option value="{world.commune_b.pk}" selected>' in html
    assert all(f"co-quan={world.commune_b.pk}" in href for _t, href in rows[-1][2:])


# --- bad input ----------------------------------------------------------------------

BAD_REPORTS = [
    ({"ky": "thang", "nam": "2026", "thang": "13"}, "Tháng phải từ 1 đến 12.", 'value="2026"'),
    ({"ky": "nam", "nam": "2019"}, "Năm báo cáo phải từ 2020 đến", 'value="2019"'),
    (
        {"ky": "tuy-chon", "tu": "15/10/2026", "den": "14/09/2026"},
        "Ngày kết thúc (14/09/2026) đứng trước ngày bắt đầu (15/10/2026).",
        'value="14/09/2026"',
    ),
    (
        {"ky": "tuy-chon", "tu": "31/02/2026", "den": "14/09/2026"},
        "Ngày “31/02/2026” không hợp lệ: nhập theo dạng 15/09/2026.",
        'value="31/02/2026"',
    ),
    ({"ky": "", "nam": "", "thang": ""}, "Chọn loại kỳ báo cáo", 'name="nam" value=""'),
    ({**OCTOBER, "theo": "tuan"}, "Chọn cách lập biểu", 'value="10" selected'),
    ({**OCTOBER, "co-quan": "abc"}, "Mã cơ quan “abc” không hợp lệ.", 'value="10" selected'),
    (
        {**OCTOBER, "co-quan": "999999"},
        "Không có cơ quan mã 999999 trong các cơ quan bạn được xem báo cáo.",
        'value="10" selected',
    ),
]


@pytest.mark.parametrize(("params", "message", "kept"), BAD_REPORTS)
def test_bad_report_input_shows_the_form_with_a_message(
    october: October, params: dict[str, str], message: str, kept: str
) -> None:
    response = october.client(october.province).get(reverse("reports:bieu06"), params)
    assert response.status_code == 400
    html = response.content.decode()
    assert 'role="alert"' in html
    assert message in html
    assert kept in html
    assert 'id="bieu06"' not in html


def test_bad_list_input_gets_a_message_never_a_crash(october: October) -> None:
    client = october.client(october.province)
    url = reverse("reports:bieu06_dossiers")
    cases: list[tuple[dict[str, str | int], str]] = [
        ({**OCTOBER}, "Chọn một cột của biểu, từ (3) đến (13)."),
        ({**OCTOBER, "cot": "total"}, "Chọn một cột của biểu, từ (3) đến (13)."),
        ({**OCTOBER, "cot": "received", "linh-vuc": "999999"}, "Không có lĩnh vực mã 999999."),
        ({**OCTOBER, "cot": "received", "linh-vuc": "x1"}, "Không có lĩnh vực mã x1."),
        ({**OCTOBER, "cot": "received", "thu-tuc": "999999"}, "Không có thủ tục mã 999999."),
        ({**OCTOBER, "cot": "received", "cap": "huyen"}, "Cấp “huyen” không có trong biểu."),
        ({**OCTOBER, "cot": "received", "co-quan": "-1"}, "Mã cơ quan “-1” không hợp lệ."),
        ({**OCTOBER, "cot": "received", "sau": "abc"}, "Trang “abc” không hợp lệ."),
        ({"ky": "thang", "nam": "2026", "thang": "13", "cot": "received"}, "Tháng phải từ 1"),
    ]
    for params, message in cases:
        response = client.get(url, params)
        assert response.status_code == 400, params
        assert message in response.content.decode(), params
    # An agency that does not exist: the same 404 as another agency's.
    response = client.get(url, {**OCTOBER, "cot": "received", "co-quan": "999999"})
    assert response.status_code == 404
