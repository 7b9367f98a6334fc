"""The status lookup without an account (/tra-cuu/?ma=<code>), and the masking it
relies on. Dossiers come from the real actions; assertions are on what the page says.

The applicant of ``world.submission`` is Nguyễn Văn An, identifier 001090001234,
phone 0912345678; received Mon 02/03/2026 08:00, due Mon 09/03/2026 08:00.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from motcua.dossiers import actions
from motcua.dossiers.models import Dossier, DossierEvent
from motcua.dossiers.statuses import Status
from motcua.dossiers.tests.conftest import MONDAY, World, reach, submit_online
from motcua.portal.masking import mask_address, mask_identifier, mask_name, mask_phone
from motcua.portal.views.lookup import WRONG_FACTOR_PER_HOUR

URL = reverse("portal:lookup")
FULL_NAME = "Nguyễn Văn An"
MASKED = "N*** V*** A***"
OFFICIALS = ("Lê Thị Tiếp", "Trần Văn Thẩm", "Phạm Thị Xét", "Hoàng Văn Ký")


def look_up(client: Client, code: str, **extra: Any) -> Any:
    return client.get(URL, {"ma": code}, **extra)


def with_factor(client: Client, code: str, factor: str, **extra: Any) -> Any:
    return client.post(URL, {"ma": code, "xac_minh": factor}, **extra)


def text(response: Any) -> str:
    return str(response.content.decode())


def name_the_officials(world: World) -> None:
    for user, full_name in zip(
        (world.reception, world.handler, world.head, world.leader), OFFICIALS, strict=True
    ):
        user.full_name = full_name
        user.save(update_fields=["full_name"])


@pytest.fixture
def awaiting(world: World) -> Dossier:
    """Received, then asked for a supplement by a named official."""
    name_the_officials(world)
    return reach(world, Status.AWAITING_SUPPLEMENT)


# --- without the second factor -----------------------------------------------------


def test_the_receipt_address_shows_where_the_dossier_is_with_the_name_masked(
    client: Client, world: World
) -> None:
    dossier = world.receive(MONDAY)

    response = look_up(client, dossier.code)

    assert response.status_code == 200
    page = text(response)
    assert dossier.code in page
    assert "Đã tiếp nhận, đang chờ xử lý" in page
    assert world.version.name in page
    assert "08:00 09/03/2026" in page  # the appointment
    assert "08:00 02/03/2026" in page  # received
    assert "Thẩm định, xử lý hồ sơ — Sở Tư pháp" in page
    assert "Trung tâm PVHCC tỉnh đã tiếp nhận hồ sơ" in page
    assert MASKED in page
    assert FULL_NAME not in page
    assert "001090001234" not in page and "0912345678" not in page
    assert '<meta name="robots" content="noindex, nofollow">' in page
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]


def test_the_code_is_found_however_it_was_typed(client: Client, world: World) -> None:
    dossier = world.receive(MONDAY)
    typed = "  " + dossier.code.lower().replace("-", " – ") + " "

    response = look_up(client, typed)

    assert response.status_code == 200
    assert dossier.code in text(response)
    assert "Đã tiếp nhận, đang chờ xử lý" in text(response)


def test_what_is_missing_and_why_are_not_shown_without_the_second_factor(
    client: Client, awaiting: Dossier
) -> None:
    page = text(look_up(client, awaiting.code))
    assert "Đang chờ người nộp bổ sung giấy tờ" in page
    assert "Cơ quan yêu cầu bổ sung hồ sơ" in page
    assert "Giấy chứng sinh" not in page
    assert "Thiếu giấy tờ" not in page
    assert FULL_NAME not in page


def test_an_online_submission_shows_as_waiting_for_reception(client: Client, world: World) -> None:
    dossier = submit_online(world)

    page = text(look_up(client, dossier.code))

    assert "Đã nộp, đang chờ tiếp nhận" in page
    assert "Sẽ có khi hồ sơ được tiếp nhận" in page
    assert "Đã nộp hồ sơ trực tuyến" in page
    assert MASKED in page and FULL_NAME not in page


def test_the_page_is_light(client: Client, world: World) -> None:
    page = text(look_up(client, world.receive(MONDAY).code))
    assert "<img" not in page
    assert "<script" not in page
    assert page.count('rel="stylesheet"') == 1 and "motcua/site.css" in page


# --- with the second factor --------------------------------------------------------


@pytest.mark.parametrize(
    "factor", ["0912345678", "+84 912 345 678", "0912.345.678", "001090001234", " 001 090 001 234 "]
)
def test_the_applicants_phone_or_identifier_opens_the_full_detail(
    client: Client, awaiting: Dossier, factor: str
) -> None:
    response = with_factor(client, awaiting.code, factor)

    assert response.status_code == 200
    page = text(response)
    assert FULL_NAME in page
    assert MASKED not in page
    assert "Giấy tờ cần bổ sung:" in page
    assert "Giấy chứng sinh" in page  # what is missing
    assert "Lý do: Thiếu giấy tờ" in page
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]


def test_a_wrong_identifier_shows_no_detail(client: Client, awaiting: Dossier) -> None:
    response = with_factor(client, awaiting.code, "001090009999")

    assert response.status_code == 200
    page = text(response)
    assert "Số điện thoại hoặc số định danh không khớp với hồ sơ" in page
    assert 'value="001090009999"' in page  # kept as typed
    assert FULL_NAME not in page and MASKED in page
    assert "Giấy chứng sinh" not in page


def test_an_empty_second_factor_is_asked_for(client: Client, awaiting: Dossier) -> None:
    page = text(with_factor(client, awaiting.code, "   "))
    assert "Vui lòng nhập số điện thoại hoặc số định danh." in page
    assert FULL_NAME not in page


def test_the_second_factor_is_never_taken_from_the_address(
    client: Client, awaiting: Dossier
) -> None:
    page = text(client.get(URL, {"ma": awaiting.code, "xac_minh": "0912345678"}))
    assert FULL_NAME not in page and MASKED in page


def test_guessing_the_identifier_is_stopped_after_a_few_tries(
    client: Client, awaiting: Dossier
) -> None:
    for attempt in range(WRONG_FACTOR_PER_HOUR):
        response = with_factor(client, awaiting.code, f"00109000000{attempt}")
        assert response.status_code == 200

    # The right identifier does not help once the tries are used up.
    response = with_factor(client, awaiting.code, "001090001234")

    assert response.status_code == 429
    page = text(response)
    assert "nhập sai quá nhiều lần" in page
    assert FULL_NAME not in page
    # Another client guessing the same dossier is stopped too.
    other = with_factor(client, awaiting.code, "0912345678", REMOTE_ADDR="10.0.0.9")
    assert other.status_code == 429


def test_no_official_is_named_on_either_view(client: Client, world: World) -> None:
    name_the_officials(world)
    dossier = reach(world, Status.RETURNED)
    for response in (
        look_up(client, dossier.code),
        with_factor(client, dossier.code, "0912345678"),
    ):
        page = text(response)
        assert "Đã trả kết quả" in page
        for official in OFFICIALS:
            assert official not in page
        assert "Phó Giám đốc Sở" not in page and "Công chức một cửa" not in page


# --- bad input and abuse -----------------------------------------------------------


def test_an_unknown_code_says_so_and_nothing_else(client: Client, world: World) -> None:
    world.receive(MONDAY)

    response = look_up(client, "h24.stp-260302-9999")

    assert response.status_code == 404
    page = text(response)
    assert "Không tìm thấy hồ sơ có mã “H24.STP-260302-9999”" in page
    assert "Tình trạng" not in page
    assert "Sở Tư pháp" not in page
    assert MASKED not in page


def test_an_empty_code_is_asked_for(client: Client, db: None) -> None:
    assert "Vui lòng nhập mã hồ sơ" in text(look_up(client, "  "))
    plain = client.get(URL)
    assert plain.status_code == 200
    assert "Vui lòng nhập mã hồ sơ" not in text(plain)
    assert 'name="ma"' in text(plain)


def test_an_overlong_code_gets_a_message(client: Client, db: None) -> None:
    response = look_up(client, "X" * 150)
    assert response.status_code == 404
    assert "Mã hồ sơ quá dài" in text(response)


def test_too_many_lookups_a_minute_get_429(client: Client, world: World, settings: Any) -> None:
    settings.MOTCUA_LOOKUP_PER_MINUTE = 3
    dossier = world.receive(MONDAY)
    for _ in range(3):
        assert look_up(client, dossier.code).status_code == 200

    response = look_up(client, dossier.code)

    assert response.status_code == 429
    assert "Bạn đã tra cứu quá nhiều lần trong một phút" in text(response)
    assert "Tình trạng" not in text(response)
    # Guessing codes counts the same as looking up a real one.
    assert look_up(client, "H24.STP-260302-0077").status_code == 429
    # Another client is not affected.
    assert look_up(client, dossier.code, REMOTE_ADDR="10.0.0.7").status_code == 200


def test_too_many_lookups_a_day_get_429(client: Client, world: World, settings: Any) -> None:
    settings.MOTCUA_LOOKUP_PER_DAY = 2
    dossier = world.receive(MONDAY)
    assert look_up(client, "H24.STP-260302-0077").status_code == 404
    assert look_up(client, dossier.code).status_code == 200
    response = look_up(client, dossier.code)
    assert response.status_code == 429
    assert "Bạn đã tra cứu quá nhiều lần trong ngày hôm nay" in text(response)


def test_a_lookup_writes_nothing_to_the_dossier(client: Client, awaiting: Dossier) -> None:
    before = (DossierEvent.objects.count(), Dossier.objects.values().get(pk=awaiting.pk))
    look_up(client, awaiting.code)
    with_factor(client, awaiting.code, "0912345678")
    with_factor(client, awaiting.code, "000000000000")
    assert (DossierEvent.objects.count(), Dossier.objects.values().get(pk=awaiting.pk)) == before


def test_a_closed_and_a_withdrawn_dossier(client: Client, world: World) -> None:
    closed = reach(world, Status.CLOSED)
    page = text(look_up(client, closed.code))
    assert "Đã đóng do không nhận được giấy tờ bổ sung đúng hạn" in page
    assert "Kết thúc xử lý" in page
    withdrawn = reach(world, Status.WITHDRAWN, at=MONDAY + dt.timedelta(days=1))
    page = text(with_factor(client, withdrawn.code, "001090001234"))
    assert "Đã rút hồ sơ theo đề nghị của người nộp" in page
    assert "Lý do: Người nộp xin rút" in page


def test_a_refusal_at_intake_tells_the_applicant_why(client: Client, world: World) -> None:
    dossier = submit_online(world)
    actions.refuse_at_intake(
        dossier, actor=world.reception, reason="Không thuộc thẩm quyền", at=MONDAY
    )
    assert "Không thuộc thẩm quyền" not in text(look_up(client, dossier.code))
    page = text(with_factor(client, dossier.code, "0912345678"))
    assert "Hồ sơ không được tiếp nhận" in page
    assert "Lý do: Không thuộc thẩm quyền" in page


# --- masking -----------------------------------------------------------------------

VIETNAMESE_LETTERS = (
    "aàáảãạăằắẳẵặâầấẩẫậbcdđeèéẻẽẹêềếểễệghiìíỉĩịklmnoòóỏõọôồốổỗộơờớởỡợpqrstuùúủũụưừứửữựvxyỳýỷỹỵ"
)
LETTERS = VIETNAMESE_LETTERS + VIETNAMESE_LETTERS.upper()
words = st.text(alphabet=LETTERS, min_size=2, max_size=12)
names = st.lists(words, min_size=1, max_size=6)


def test_a_name_keeps_each_words_first_letter() -> None:
    assert mask_name("Nguyễn Văn An") == "N*** V*** A***"
    assert mask_name("Đặng Thị Ễnh") == "Đ*** T*** Ễ***"
    assert mask_name("  ") == ""


@given(names)
def test_a_masked_name_never_shows_the_name(parts: list[str]) -> None:
    name = " ".join(parts)
    masked = mask_name(name)
    assert masked != name
    for word in parts:
        assert word not in masked.split()
    assert masked.split() == [word[0] + "***" for word in parts]


@given(names, st.lists(words, min_size=6, max_size=6))
def test_a_masked_name_does_not_tell_how_long_the_words_are(
    parts: list[str], tails: list[str]
) -> None:
    longer = " ".join(word + tail for word, tail in zip(parts, tails, strict=False))
    assert mask_name(" ".join(parts)) == mask_name(longer)


@given(names)
def test_decomposed_unicode_masks_like_composed(parts: list[str]) -> None:
    name = " ".join(parts)
    decomposed = unicodedata.normalize("NFD", name)
    assert mask_name(decomposed) == mask_name(name)
    assert "\u0300" not in mask_name(decomposed)  # no stray combining accent


@given(st.text(alphabet="0123456789", min_size=4, max_size=15))
def test_an_identifier_keeps_its_last_three_digits_at_most(identifier: str) -> None:
    masked = mask_identifier(identifier)
    assert masked != identifier
    assert masked.startswith("***")
    assert len(masked) <= 6
    if len(identifier) > 6:
        assert masked == "***" + identifier[-3:]
    else:
        assert masked == "***"


def test_identifier_and_phone_examples() -> None:
    assert mask_identifier("001090001234") == "***234"
    assert mask_identifier("0101234567-001") == "***001"
    assert mask_phone("+84 912 345 678") == "***678"
    assert mask_phone("0912.345.678") == "***678"
    assert mask_phone("") == ""


@given(st.from_regex(r"(\+84|0)[0-9]{9}", fullmatch=True), st.sampled_from(["", " ", "."]))
def test_a_phone_keeps_its_last_three_digits(phone: str, separator: str) -> None:
    typed = separator.join([phone[:4], phone[4:7], phone[7:]])
    masked = mask_phone(typed)
    assert masked == "***" + phone[-3:]
    assert phone[:-3].lstrip("+") not in masked


def test_an_address_keeps_only_the_commune_and_province() -> None:
    assert (
        mask_address("Số 12 ngõ 5 phố Huế, Phường Kinh Bắc, Tỉnh Bắc Ninh")
        == "Phường Kinh Bắc, Tỉnh Bắc Ninh"
    )
    assert mask_address("Thôn Đông, xã Tiên Du,  tỉnh Bắc Ninh") == "xã Tiên Du, tỉnh Bắc Ninh"
    assert mask_address("Phường 5, Quận 3, Thành phố Hồ Chí Minh") == (
        "Phường 5, Quận 3, Thành phố Hồ Chí Minh"
    )
    assert mask_address("Số 12 ngõ 5 phố Huế") == ""
    assert mask_address("Xã Tiên Du thôn Đông số 4") == ""
    assert mask_address("") == ""


@given(st.lists(st.text(alphabet=LETTERS + " 012345689", min_size=1), min_size=1, max_size=5))
def test_an_address_never_shows_its_first_part_unless_it_names_a_unit(parts: list[str]) -> None:
    address = ", ".join(["Số 7 " + parts[0], *parts[1:]])
    masked = mask_address(address)
    assert "Số 7" not in masked
    assert masked == "" or address.endswith(masked)


# --- what a lookup costs --------------------------------------------------------------


@pytest.mark.parametrize(
    "status", [Status.SUBMITTED, Status.RECEIVED, Status.AWAITING_SUPPLEMENT, Status.RETURNED]
)
def test_a_lookup_reads_a_fixed_set_of_rows_and_no_catalogue_entry(
    client: Client, world: World, status: str
) -> None:
    """Counted on the page's whole rendering: a field the page shows in these states
    but ``_FIELDS`` leaves out would be loaded by a query of its own. Two rate-limit
    counts (inside a savepoint here, as the test runs in a transaction), the dossier,
    its steps, its events; the full view of a dossier awaiting a supplement reads the request too.
    The procedure version's catalogue text and source are never read."""
    dossier = reach(world, status)
    look_up(client, dossier.code)  # what a process reads once (the province's name)
    with CaptureQueriesContext(connection) as masked:
        assert look_up(client, dossier.code).status_code == 200
    with CaptureQueriesContext(connection) as full:
        response = with_factor(client, dossier.code, "0912345678")
    assert response.status_code == 200 and FULL_NAME in text(response)

    extra = 1 if status == Status.AWAITING_SUPPLEMENT else 0
    assert len(masked) == 7, [q["sql"] for q in masked]
    # POST: the two checks of wrong factors before the factor is compared.
    assert len(full) == 7 + 2 + extra, [q["sql"] for q in full]
    for query in [*masked, *full]:
        assert '"raw"' not in query["sql"] and '"steps"' not in query["sql"]
