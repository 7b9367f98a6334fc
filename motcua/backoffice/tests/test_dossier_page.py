"""The dossier page: what it shows, the actions it offers, and what happens when an
action fails or a colleague acted first."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from motcua.accounts.models import User
from motcua.dossiers import actions
from motcua.dossiers.models import Dossier
from motcua.dossiers.statuses import Status
from motcua.dossiers.tests.conftest import MONDAY, PDF, World, reach
from motcua.org.models import Membership, Role

pytestmark = pytest.mark.django_db


def offered(page: str) -> list[str]:
    return re.findall(r'id="thao-tac-([a-z-]+)"', page)


def as_user(client: Client, user: User) -> Client:
    client.logout()
    client.force_login(user)
    return client


def act(client: Client, dossier: Dossier, slug: str, data: dict[str, object]) -> Any:
    dossier.refresh_from_db()
    payload = {"lock_version": dossier.lock_version, **data}
    return client.post(f"/can-bo/ho-so/{dossier.code}/thao-tac/{slug}/", payload)


def page_of(client: Client, dossier: Dossier) -> str:
    response = client.get(f"/can-bo/ho-so/{dossier.code}/")
    assert response.status_code == 200
    return response.content.decode()


def test_a_dossier_goes_from_reception_to_return_through_the_page(
    client: Client, office: World
) -> None:
    dossier = office.receive(MONDAY)
    page = page_of(as_user(client, office.handler), dossier)
    assert "Nguyễn Văn An" in page and dossier.code in page
    assert "chuyen-buoc" in offered(page)
    assert "phe-duyet" not in offered(page)  # a handler never approves
    assert act(client, dossier, "chuyen-buoc", {"opinion": "Hồ sơ hợp lệ"}).status_code == 302

    as_user(client, office.head)
    response = act(
        client,
        dossier,
        "yeu-cau-bo-sung",
        {"reason": "Thiếu giấy tờ", "missing": "Bản sao giấy chứng sinh"},
    )
    assert response.status_code == 302
    assert response["Location"].endswith("?in=02")
    dossier.refresh_from_db()
    assert dossier.status == Status.AWAITING_SUPPLEMENT

    as_user(client, office.reception)
    assert "nhan-bo-sung" in offered(page_of(client, dossier))
    no_file = act(client, dossier, "nhan-bo-sung", {"note": ""})
    assert "Cần đính kèm tệp văn bản." in no_file.content.decode()
    response = act(
        client,
        dossier,
        "nhan-bo-sung",
        {"note": "Đã nộp đủ", "tep": SimpleUploadedFile("bo-sung.pdf", PDF)},
    )
    assert response.status_code == 302
    dossier.refresh_from_db()
    assert dossier.status == Status.IN_PROGRESS

    # Whoever holds the open step now forwards until the leader's approval step.
    for user in (office.handler, office.head):
        page = page_of(as_user(client, user), dossier)
        if "chuyen-buoc" in offered(page):
            assert act(client, dossier, "chuyen-buoc", {"opinion": ""}).status_code == 302
    page = page_of(as_user(client, office.leader), dossier)
    assert "phe-duyet" in offered(page)
    response = act(
        client,
        dossier,
        "phe-duyet",
        {
            "result_type_code": "KQ.G15.000031",
            "summary": "Giấy khai sinh",
            "tep": SimpleUploadedFile("ket-qua.pdf", PDF),
        },
    )
    assert response.status_code == 302, re.findall(
        r'role="alert"[^>]*>([^<]*)<', response.content.decode()
    )
    as_user(client, office.reception)
    assert (
        act(client, dossier, "tra-ket-qua", {"delivery": "counter", "note": ""}).status_code == 302
    )
    page = page_of(client, dossier)
    assert "Đã trả kết quả" in page
    timeline = page.split('id="timeline"')[1]
    for label in (
        "Tiếp nhận hồ sơ",
        "Yêu cầu bổ sung hồ sơ",
        "Nhận hồ sơ bổ sung",
        "Phê duyệt kết quả",
        "Trả kết quả",
    ):
        assert label in timeline
    assert "Phó Giám đốc Sở" in timeline  # who, with their title


def test_a_colleague_acting_first_gets_a_conflict_not_a_lost_update(
    client: Client, office: World
) -> None:
    dossier = office.receive(MONDAY)
    shown = dossier.lock_version
    actions.forward(dossier, actor=office.handler)
    as_user(client, office.head)
    response = client.post(
        f"/can-bo/ho-so/{dossier.code}/thao-tac/yeu-cau-bo-sung/",
        {"lock_version": shown, "reason": "Thiếu", "missing": "Giấy chứng sinh"},
    )
    assert response.status_code == 409
    assert "vừa được người khác cập nhật" in response.content.decode()
    dossier.refresh_from_db()
    assert dossier.status == Status.IN_PROGRESS


def test_an_action_no_longer_allowed_says_so(client: Client, office: World) -> None:
    dossier = reach(office, "returned")
    as_user(client, office.reception)
    response = client.post(
        f"/can-bo/ho-so/{dossier.code}/thao-tac/tra-ket-qua/",
        {"lock_version": dossier.lock_version - 1, "delivery": "counter"},
    )
    assert response.status_code == 409
    assert "không còn thực hiện được" in response.content.decode()


def test_bad_input_in_an_action_form_keeps_what_was_typed(client: Client, office: World) -> None:
    dossier = office.receive(MONDAY)
    as_user(client, office.handler)
    response = act(
        client, dossier, "gia-han", {"new_due": "ngày mai", "reason": "Cần xác minh thêm"}
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "Nhập ngày giờ dạng 25/12/2026 16:30." in page
    assert "Cần xác minh thêm" in page
    assert 'id="thao-tac-gia-han" open' in page


def test_an_officer_of_another_agency_sees_nothing(client: Client, office: World) -> None:
    dossier = office.receive(MONDAY)
    document = dossier.documents.first()
    assert document is not None
    as_user(client, office.construction_handler)
    assert client.get(f"/can-bo/ho-so/{dossier.code}/").status_code == 404
    assert client.get(f"/can-bo/ho-so/{dossier.code}/giay-to/{document.pk}/").status_code == 404
    response = act(client, dossier, "chuyen-buoc", {"opinion": ""})
    assert response.status_code == 404
    dossier.refresh_from_db()
    assert dossier.status == Status.RECEIVED


def test_documents_open_in_the_browser_for_the_dossier_s_officials(
    client: Client, office: World
) -> None:
    dossier = office.receive(MONDAY)
    document = dossier.documents.first()
    assert document is not None
    as_user(client, office.handler)
    response = client.get(f"/can-bo/ho-so/{dossier.code}/giay-to/{document.pk}/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == "inline"
    assert b"".join(response.streaming_content).startswith(b"%PDF")  # type: ignore[attr-defined]


def test_a_hand_over_reaches_the_other_agency(client: Client, office: World) -> None:
    dossier = office.receive(MONDAY)
    as_user(client, office.handler)
    response = act(
        client,
        dossier,
        "chuyen-co-quan",
        {"to_agency": office.construction.pk, "reason": "Cần ý kiến về xây dựng"},
    )
    assert response.status_code == 302
    page = page_of(as_user(client, office.construction_handler), dossier)
    assert "Sở Xây dựng" in page
    assert "chuyen-buoc" in offered(page)


def test_an_online_submission_is_received_from_the_page(client: Client, office: World) -> None:
    dossier = reach(office, "submitted")
    as_user(client, office.reception)
    assert offered(page_of(client, dossier))[:3] == [
        "tiep-nhan",
        "huong-dan-bo-sung",
        "tu-choi-tiep-nhan",
    ]
    assert act(client, dossier, "tiep-nhan", {}).status_code == 302
    dossier.refresh_from_db()
    assert dossier.status == Status.RECEIVED


def test_a_clerk_is_offered_nothing(client: Client, office: World) -> None:
    dossier = office.receive(MONDAY)
    clerk = User.objects.create_user("vanthu")
    Membership.objects.create(user=clerk, agency=office.justice, role=Role.CLERK)
    page = page_of(as_user(client, clerk), dossier)
    assert offered(page) == []
    assert "Không có thao tác nào dành cho bạn" in page
