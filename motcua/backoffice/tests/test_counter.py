"""The counter: receive, guide to complete (slip 02), refuse (slip 03); bad input keeps
what was typed and saves nothing."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from motcua.catalog.models import Component
from motcua.dossiers.models import Document, Dossier, DossierEvent
from motcua.dossiers.statuses import Status
from motcua.dossiers.tests.conftest import PDF, World

pytestmark = pytest.mark.django_db


def scan(name: str = "to-khai.pdf", content: bytes = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def form_data(world: World, **overrides: object) -> dict[str, object]:
    components = Component.objects.filter(case__version=world.version)
    data: dict[str, object] = {
        "thu_tuc": world.version.procedure.code,
        "nn-kind": "person",
        "nn-identifier": "001090001234",
        "nn-name": "Nguyễn Thị Hằng",
        "nn-phone": "0912345678",
        "nn-email": "",
        "nn-address": "Số 5 Lý Thái Tổ, phường Kinh Bắc",
        "nn-principal_name": "",
        "nn-principal_identifier": "",
        "competent_agency": world.justice.pk,
        "channel": "counter",
        "delivery": "counter",
        "fee_vnd": "",
        "note_reason": "",
        "missing": "",
        "decision": "receive",
    }
    for component in components:
        data[f"tp-{component.pk}"] = "1"
    data[f"tep-{world.declaration.pk}"] = [scan(), scan("to-khai-trang-2.pdf")]
    data.update(overrides)
    return data


@pytest.fixture
def counter(client: Client, office: World) -> Client:
    client.force_login(office.reception)
    return client


def test_the_counter_finds_a_procedure_typed_without_diacritics(
    counter: Client, office: World
) -> None:
    page = counter.get("/can-bo/tiep-nhan/thu-tuc/", {"q": "dang ky khai sinh"}).content.decode()
    assert "thu_tuc=1.001193" in page


def test_choosing_a_procedure_shows_its_checklist_and_appointment(
    counter: Client, office: World
) -> None:
    page = counter.get("/can-bo/tiep-nhan/", {"thu_tuc": "1.001193"}).content.decode()
    assert f'name="tp-{office.declaration.pk}"' in page
    sentence = re.search(r'id="appointment-text">([^<]+)<', page)
    assert sentence and "hẹn trả" in sentence.group(1)


def test_receiving_creates_the_dossier_with_every_scan(counter: Client, office: World) -> None:
    response = counter.post("/can-bo/tiep-nhan/", form_data(office))
    assert response.status_code == 302, re.findall(
        r"role=\"alert\"[^>]*>([^<]*)<", response.content.decode()
    )
    dossier = Dossier.objects.get()
    assert response["Location"] == f"/can-bo/ho-so/{dossier.code}/?in=01"
    assert dossier.status == Status.RECEIVED
    assert dossier.applicant_name == "Nguyễn Thị Hằng"
    assert dossier.due_at is not None
    scans = Document.objects.filter(dossier=dossier, component=office.declaration)
    assert sorted(d.name[-5:] for d in scans) == ["(1/2)", "(2/2)"]
    assert all(d.file for d in scans)


def test_an_id_number_of_the_wrong_shape_keeps_what_was_typed(
    counter: Client, office: World
) -> None:
    # The other document's name, under the name the form gives its field.
    form = counter.get(f"/can-bo/tiep-nhan/?thu_tuc={office.version.procedure.code}")
    other = re.search(r'id="khac-ten" name="([^"]+)"', form.content.decode())
    assert other is not None
    response = counter.post(
        "/can-bo/tiep-nhan/",
        form_data(office, **{"nn-identifier": "12345", other[1]: "Giấy xác nhận cư trú"}),
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "Số định danh cá nhân phải gồm đúng 12 chữ số (đang có 5 ký tự)." in page
    assert 'value="Nguyễn Thị Hằng"' in page
    assert 'value="Số 5 Lý Thái Tổ, phường Kinh Bắc"' in page
    assert 'value="Giấy xác nhận cư trú"' in page  # the other document's name too
    assert not Dossier.objects.exists() and not Document.objects.exists()


def test_a_file_that_is_not_a_scan_is_refused(counter: Client, office: World) -> None:
    data = form_data(office)
    data[f"tep-{office.declaration.pk}"] = [scan("virus.pdf", b"MZ\x90\x00 not a pdf")]
    response = counter.post("/can-bo/tiep-nhan/", data)
    assert response.status_code == 400
    assert "Tệp “virus.pdf” không phải PDF, JPEG hoặc PNG." in response.content.decode()
    assert "hãy chọn lại các bản quét" in response.content.decode()
    assert not Dossier.objects.exists()


def test_an_oversize_file_is_refused(counter: Client, office: World, settings: object) -> None:
    settings.MOTCUA_MAX_UPLOAD_MB = 1  # type: ignore[attr-defined]
    data = form_data(office)
    data[f"tep-{office.declaration.pk}"] = [scan("lon.pdf", PDF + b"0" * (1024 * 1024 + 1))]
    response = counter.post("/can-bo/tiep-nhan/", data)
    assert "Tệp “lon.pdf” vượt quá 1 MB." in response.content.decode()
    assert not Dossier.objects.exists()


def test_a_missing_required_component_blocks_reception_and_points_to_slip_02(
    counter: Client, office: World
) -> None:
    data = form_data(office)
    required = [
        c
        for c in Component.objects.filter(case__version=office.version)
        if c.originals + c.copies > 0
    ]
    assert required
    del data[f"tp-{required[-1].pk}"]
    if required[-1].pk == office.declaration.pk:
        del data[f"tep-{office.declaration.pk}"]
    response = counter.post("/can-bo/tiep-nhan/", data)
    page = response.content.decode()
    assert response.status_code == 400
    assert "Thành phần bắt buộc chưa được đánh dấu đã nhận." in page
    assert "phiếu 02" in page
    assert not Dossier.objects.exists()


def test_guiding_the_applicant_records_slip_02_without_receiving(
    counter: Client, office: World
) -> None:
    response = counter.post(
        "/can-bo/tiep-nhan/",
        form_data(
            office,
            decision="complete",
            note_reason="Thiếu bản sao giấy chứng sinh",
            missing="Giấy chứng sinh\nGiấy tờ tùy thân của người đi khai",
        ),
    )
    dossier = Dossier.objects.get()
    assert response["Location"].endswith("?in=02")
    assert dossier.status == Status.SUBMITTED and dossier.received_at is None
    assert dossier.completion_requested_at is not None
    assert DossierEvent.objects.filter(dossier=dossier, action="request_completion").exists()


def test_refusing_needs_a_reason_and_records_slip_03(counter: Client, office: World) -> None:
    no_reason = counter.post("/can-bo/tiep-nhan/", form_data(office, decision="refuse"))
    assert "Cần ghi rõ lý do." in no_reason.content.decode()
    assert not Dossier.objects.exists()
    counter.post(
        "/can-bo/tiep-nhan/",
        form_data(office, decision="refuse", note_reason="Không thuộc thẩm quyền của tỉnh"),
    )
    dossier = Dossier.objects.get()
    assert dossier.status == Status.NOT_RECEIVED and dossier.due_at is None


def test_earlier_dossiers_prefill_the_applicant(counter: Client, office: World) -> None:
    office.receive(at=__import__("motcua.dossiers.tests.conftest").dossiers.tests.conftest.MONDAY)
    page = counter.get(
        "/can-bo/tiep-nhan/nguoi-nop/", {"nn-identifier": "001090001234"}
    ).content.decode()
    assert 'value="Nguyễn Văn An"' in page
    assert 'value="0912345678"' in page


def test_an_officer_without_the_reception_role_cannot_use_the_counter(
    client: Client, office: World
) -> None:
    client.force_login(office.handler)
    response = client.post("/can-bo/tiep-nhan/", form_data(office), follow=True)
    assert "Bạn không có vai trò cán bộ một cửa" in response.content.decode()
    assert not Dossier.objects.exists()
