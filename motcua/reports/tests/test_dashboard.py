"""The 766 dashboard pages: who sees what, bad periods, and the list behind a rate."""

from __future__ import annotations

import datetime as dt
import html
import re

import pytest
from django.test import Client
from django.urls import reverse

from motcua.accounts.models import User
from motcua.dossiers.tests.conftest import World, local, world  # noqa: F401
from motcua.org.models import Membership, Role
from motcua.reports.tests.test_indicators import put
from motcua.reports.views import dashboard as view

MARCH = {"ky": "thang", "nam": "2026", "thang": "3"}


@pytest.fixture
def march(world: World) -> World:  # noqa: F811
    """March 2026: Sở Tư pháp receives five dossiers (four open, due 10/04; one online
    and resolved early; four digitised), Sở Xây dựng one (resolved late)."""
    day = local(2026, 3, 9, 8)
    for digitised in (True, True, True, False):
        put(world, received=day, is_digitised=digitised, due=local(2026, 4, 10, 17))
    put(
        world,
        received=day,
        ended=day + dt.timedelta(days=1),
        timeliness="early",
        channel_group="online",
        is_digitised=True,
    )
    put(
        world,
        agency=world.construction,
        received=day,
        ended=day + dt.timedelta(days=20),
        timeliness="late",
        late_766=True,
    )
    return world


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def supervisor(town: World) -> User:
    user = User.objects.create_user("giamsat", full_name="Giám sát tỉnh")
    Membership.objects.create(user=user, agency=town.centre, role=Role.SUPERVISOR)
    return user


def text(response: object) -> str:
    body = html.unescape(response.content.decode())  # type: ignore[attr-defined]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body))


def row_links(response: object, component: str) -> list[str]:
    body = response.content.decode()  # type: ignore[attr-defined]
    row = re.search(rf'<tr id="chi-so-{component}">(.*?)</tr>', body, re.S)
    assert row, component
    return [html.unescape(h) for h in re.findall(r'href="([^"]+)"', row.group(1))]


def test_signed_out_visitors_are_sent_to_the_officials_sign_in(march: World) -> None:
    response = Client().get(reverse("reports:dashboard"), MARCH)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("backoffice:login"))


def test_the_province_sees_every_component_and_the_ranked_agencies(march: World) -> None:
    response = signed_in(supervisor(march)).get(reverse("reports:dashboard"), MARCH)
    assert response.status_code == 200
    page = text(response)
    assert "Toàn tỉnh — Tháng 3/2026" in page
    # 4.2: four of the six dossiers received are digitised; target 80 %.
    assert re.search(r"4\.2 Tỷ lệ hồ sơ được số hóa .*? 4 6 66,67% ≥ 80% 3,33 / 4", page)
    # 2.1: one early and four open within deadline, of six; 20 points, linear.
    assert re.search(r"2\.1 .*? 5 6 83,33% — 16,67 / 20", page)
    assert re.search(r"5\.4 .*? 1 trễ hạn: 1 ?; không hài lòng: 0 2 50,00% ≥ 90% 3,33 / 6", page)
    # Without data: listed with the reason, never as zero.
    assert re.search(
        r"3\.6 Tỷ lệ hồ sơ thanh toán trực tuyến Chưa có dữ liệu — MotCua chưa có thanh toán", page
    )
    assert re.search(r"5\.2 .*? Chưa có dữ liệu — MotCua chưa tiếp nhận phản ánh", page)
    # No catalogue settings: 3.1 has no procedure to count.
    assert re.search(r"3\.1 .*? 0 0 không có thủ tục ≥ 80% không tính / 4", page)
    ranking = page.split("Xếp hạng cơ quan")[1]
    assert ranking.index("Sở Tư pháp") < ranking.index("Sở Xây dựng")
    assert "Diễn biến theo tháng, năm 2026" in page


def test_the_trend_is_svg_with_titles_and_the_same_numbers_in_a_table(march: World) -> None:
    response = signed_in(supervisor(march)).get(reverse("reports:dashboard"), MARCH)
    body = response.content.decode()
    assert body.count("<svg") == 4
    assert body.count('role="img"') == 4
    assert '<title id="bd-4-2-t">4.2. Tỷ lệ hồ sơ được số hóa</title>' in body
    assert "<title>Tháng 3/2026 (01/03/2026 – 31/03/2026): 66,67%</title>" in body
    table = text(response).split("Số liệu của biểu đồ")[1]
    in_march = "Tháng 3/2026 (01/03/2026 – 31/03/2026) 83,33% 5 / 6 16,67% 1 / 6 66,67% 4 / 6"
    assert in_march + " 50,00% 1 / 2" in table
    # April: the four carried over are overdue at its end; nothing received or resolved.
    april = "Tháng 4/2026 (01/04/2026 – 30/04/2026) 0,00% 0 / 4"
    assert april + " không có hồ sơ không có hồ sơ không có hồ sơ" in table
    assert "cdn" not in body.lower() and "<script" not in body.split("</head>")[1]


def test_an_officer_sees_only_their_agency(march: World) -> None:
    client = signed_in(march.handler)  # Sở Tư pháp
    response = client.get(reverse("reports:dashboard"), MARCH)
    page = text(response)
    assert "Các cơ quan của bạn" in page
    assert "Sở Xây dựng" not in page
    assert re.search(r"4\.2 .*? 4 5 80,00% ≥ 80% 4,00 / 4", page)
    refused = client.get(
        reverse("reports:dashboard"), {**MARCH, "co-quan": str(march.construction.pk)}
    )
    assert refused.status_code == 400
    assert "trong các cơ quan bạn được xem báo cáo" in text(refused)
    listed = client.get(
        reverse("reports:dashboard_dossiers"),
        {**MARCH, "chi-so": "4.2", "phan": "mau-so", "co-quan": str(march.construction.pk)},
    )
    assert listed.status_code == 400


def test_an_account_without_an_agency_is_refused(march: World) -> None:
    nobody = User.objects.create_user("congdan2")
    assert signed_in(nobody).get(reverse("reports:dashboard"), MARCH).status_code == 403


@pytest.mark.parametrize(
    ("params", "message"),
    [
        (
            {"ky": "tuy-chon", "tu": "31/03/2026", "den": "01/03/2026"},
            "Ngày kết thúc (01/03/2026) đứng trước ngày bắt đầu (31/03/2026).",
        ),
        (
            {"ky": "tuy-chon", "tu": "32/13/2026", "den": "01/03/2026"},
            "Ngày “32/13/2026” không hợp lệ: nhập theo dạng 15/09/2026.",
        ),
        ({"ky": "thang", "nam": "2026", "thang": "13"}, "Tháng phải từ 1 đến 12."),
        ({"ky": "nam", "nam": "abc"}, "“abc” không phải là một số."),
    ],
)
def test_a_bad_period_is_refused_with_a_message_and_the_form_kept(
    march: World, params: dict[str, str], message: str
) -> None:
    response = signed_in(supervisor(march)).get(reverse("reports:dashboard"), params)
    assert response.status_code == 400
    assert message in text(response)
    body = response.content.decode()
    for value in params.values():
        if value not in {"tuy-chon", "thang", "nam"}:
            assert f'value="{value}"' in body
    assert "Xếp hạng" not in body


def test_the_list_behind_a_rate_has_as_many_dossiers_as_the_numerator(
    march: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(view, "PAGE_SIZE", 2)
    client = signed_in(supervisor(march))
    page = client.get(reverse("reports:dashboard"), MARCH)
    numerator, denominator, rate = row_links(page, "42")[:3]
    assert rate == numerator
    listed = client.get(numerator)
    assert listed.status_code == 200
    assert "4.2. Tỷ lệ hồ sơ được số hóa — Tử số: 4 hồ sơ" in text(listed)
    codes = re.findall(r'href="/can-bo/ho-so/([^/"]+)/"', listed.content.decode())
    assert len(codes) == 2 and "Trang 1/2" in text(listed)
    second = client.get(numerator + "&trang=2")
    codes += re.findall(r'href="/can-bo/ho-so/([^/"]+)/"', second.content.decode())
    assert len(set(codes)) == 4
    whole = client.get(denominator)
    assert "Mẫu số: 6 hồ sơ" in text(whole)


def test_the_satisfaction_rate_opens_the_resolved_dossiers_and_each_share(march: World) -> None:
    client = signed_in(supervisor(march))
    links = row_links(client.get(reverse("reports:dashboard"), MARCH), "54")
    pages = [text(client.get(link)) for link in links]
    assert any("Hồ sơ trễ hạn: 1 hồ sơ" in p for p in pages)
    assert any("Hồ sơ bị đánh giá không hài lòng: 0 hồ sơ" in p for p in pages)
    assert any("Mẫu số: 2 hồ sơ" in p for p in pages)


def test_the_list_refuses_an_unknown_or_unavailable_component(march: World) -> None:
    client = signed_in(supervisor(march))
    url = reverse("reports:dashboard_dossiers")
    for params, message in (
        ({"chi-so": "9.9", "phan": "tu-so"}, "Không có chỉ số “9.9” trong Bộ chỉ số 766."),
        ({"chi-so": "3.6", "phan": "tu-so"}, "Chỉ số 3.6 chưa có dữ liệu"),
        ({"chi-so": "4.2", "phan": "x"}, "Không có danh sách này cho chỉ số 4.2."),
    ):
        response = client.get(url, {**MARCH, **params})
        assert response.status_code == 400
        assert message in text(response)


def test_the_default_period_is_the_current_year(march: World) -> None:
    response = signed_in(supervisor(march)).get(reverse("reports:dashboard"))
    assert response.status_code == 200
    assert f"Năm {dt.date.today().year}" in text(response)
