"""Filtering and searching the worklists, and what bad input in the filters does: a
Vietnamese message beside the field, and the list still shown."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from motcua.backoffice import worklists
from motcua.backoffice.views import worklists as view
from motcua.catalog.models import Procedure
from motcua.dossiers import actions
from motcua.dossiers.models import ApplicantKind
from motcua.dossiers.tests.conftest import World, local, pdf, submit_online

pytestmark = pytest.mark.django_db


def codes(html: str) -> list[str]:
    return re.findall(r'<a class="code" href="/can-bo/ho-so/[^"]+/">([^<]+)</a>', html)


def error_of(html: str, name: str) -> str:
    found = re.search(rf'<p class="field-error" id="loc-{name}-loi" role="alert">([^<]+)</p>', html)
    return found.group(1) if found else ""


class Three:
    """A birth registration at the counter on 02/03, a construction permit at the
    counter on 04/03, and an online birth registration received on 05/03."""

    def __init__(self, world: World) -> None:
        permit = Procedure.objects.get(code="2.000001").current_version
        assert permit is not None
        self.birth = world.receive(local(2026, 3, 2, 9, 0))
        self.permit = world.receive(
            local(2026, 3, 4, 9, 0),
            version=permit,
            channel_rule=permit.channels.get(channel="truc_tiep"),
            applicant=actions.Applicant(
                name="Công ty TNHH Xây dựng Hòa Bình",
                identifier="0101234567",
                kind=ApplicantKind.ORGANISATION,
            ),
            documents=[actions.DocumentInput(name="Đơn đề nghị cấp giấy phép", file=pdf())],
        )
        online = submit_online(world, local(2026, 3, 5, 8, 0))
        self.online = actions.accept_submission(
            online, actor=world.reception, at=local(2026, 3, 5, 9)
        )

    def codes(self, *names: str) -> list[str]:
        return [getattr(self, n).code for n in names]


@pytest.fixture
def three(client: Client, world: World, monkeypatch: pytest.MonkeyPatch) -> Three:
    monkeypatch.setattr(view, "now", lambda: local(2026, 3, 5, 10, 0))
    client.force_login(world.reception)
    return Three(world)


def get(client: Client, **params: str) -> str:
    response = client.get("/can-bo/danh-sach/tat-ca/", params)
    assert response.status_code == 200
    return response.content.decode()


def test_filter_by_procedure_field_and_channel(client: Client, three: Three) -> None:
    assert codes(get(client, **{"thu-tuc": "2.000001"})) == three.codes("permit")
    assert codes(get(client, **{"thu-tuc": "1.001193"})) == three.codes("birth", "online")
    assert codes(get(client, **{"linh-vuc": "xay-dung"})) == three.codes("permit")
    assert codes(get(client, kenh="online")) == three.codes("online")
    assert codes(get(client, kenh="counter", **{"linh-vuc": "ho-tich"})) == three.codes("birth")


def test_filter_by_local_reception_dates(client: Client, three: Three) -> None:
    # Sorted by due instant: the permit (10 calendar days) is due after the online one.
    assert codes(get(client, **{"tu-ngay": "04/03/2026"})) == three.codes("online", "permit")
    assert codes(get(client, **{"den-ngay": "4/3/2026"})) == three.codes("birth", "permit")
    both = {"tu-ngay": "04/03/2026", "den-ngay": "04/03/2026"}
    assert codes(get(client, **both)) == three.codes("permit")


def test_search_by_code_prefix_identifier_or_name(client: Client, three: Three) -> None:
    assert codes(get(client, tim=three.birth.code)) == three.codes("birth")
    assert codes(get(client, tim=three.birth.code.lower())) == three.codes("birth")
    day_prefix = three.permit.code.rsplit("-", 1)[0]  # H24.STP-260304
    assert codes(get(client, tim=day_prefix)) == three.codes("permit")
    assert codes(get(client, tim="0101234567")) == three.codes("permit")
    assert codes(get(client, tim="010123456")) == []  # identifiers match whole
    assert codes(get(client, tim="hòa bình")) == three.codes("permit")
    assert codes(get(client, tim="  Văn   An ")) == three.codes("birth", "online")


ALL = ("birth", "online", "permit")


@pytest.mark.parametrize(
    ("params", "field", "message", "shown"),
    [
        ({"tu-ngay": "31/02/2026"}, "tu-ngay", "Ngày «31/02/2026» không hợp lệ", ALL),
        ({"den-ngay": "2026-03-04"}, "den-ngay", "nhập theo dạng dd/mm/yyyy", ALL),
        # The start date is good and kept; the end date before it is left out.
        (
            {"tu-ngay": "05/03/2026", "den-ngay": "04/03/2026"},
            "den-ngay",
            "Ngày kết thúc trước ngày bắt đầu.",
            ("online",),
        ),
        ({"thu-tuc": "9.999999"}, "thu-tuc", "Không có thủ tục mã «9.999999».", ALL),
        ({"linh-vuc": "khong-co"}, "linh-vuc", "Lĩnh vực không có trong danh mục.", ALL),
        ({"kenh": "fax"}, "kenh", "Kênh nộp không hợp lệ.", ALL),
        ({"tim": "x" * 101}, "tim", "Nội dung tìm kiếm quá dài", ALL),
    ],
)
def test_bad_input_gets_a_message_beside_its_field_and_the_list_still_shows(
    client: Client,
    three: Three,
    params: dict[str, str],
    field: str,
    message: str,
    shown: tuple[str, ...],
) -> None:
    page = get(client, **params)
    assert message in error_of(page, field)
    assert f'aria-describedby="loc-{field}-loi"' in page
    if field not in {"linh-vuc", "kenh"}:  # a text input keeps what was typed
        assert f'name="{field}" value="{params[field]}"' in page
    assert codes(page) == three.codes(*shown)


def test_a_bad_filter_does_not_cancel_the_good_ones(client: Client, three: Three) -> None:
    page = get(client, kenh="online", **{"tu-ngay": "hôm qua"})
    assert error_of(page, "tu-ngay") and codes(page) == three.codes("online")


def test_the_next_page_keeps_the_filters_that_were_understood(
    client: Client, three: Three, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(worklists, "PAGE_SIZE", 1)
    page = get(client, **{"thu-tuc": "1.001193", "kenh": "fax"})
    assert codes(page) == three.codes("birth")
    link = re.search(r'id="trang-sau" rel="next" href="([^"]+)"', page)
    assert link is not None
    url = link.group(1).replace("&amp;", "&")
    assert "thu-tuc=1.001193" in url and "kenh" not in url
    assert codes(client.get(url).content.decode()) == three.codes("online")


def test_the_default_page_has_no_name_search(client: Client, three: Three) -> None:
    """A substring search cannot use an index: it runs only when asked for."""
    with CaptureQueriesContext(connection) as captured:
        assert len(codes(get(client))) == 3
    assert not any("LIKE" in q["sql"].upper() for q in captured.captured_queries)
    with CaptureQueriesContext(connection) as captured:
        get(client, tim="hòa bình")
    assert any("LIKE" in q["sql"].upper() for q in captured.captured_queries)
