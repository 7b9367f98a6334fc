"""Filing online: a draft generated from the procedure version, uploads per component,
reuse of earlier documents, submission through the engine."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from motcua.catalog.checklist import checklist
from motcua.dossiers.models import Document, DocumentOrigin, Dossier
from motcua.dossiers.statuses import Status
from motcua.dossiers.tests.conftest import PDF
from motcua.portal.models import Draft, DraftFile
from motcua.portal.tests.conftest import Portal

pytestmark = pytest.mark.django_db


def _client(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


def _start(client: Client, portal: Portal) -> Draft:
    code = portal.world.version.procedure.code
    response = client.post(reverse("portal:file_start", args=[code]))
    assert response.status_code == 302
    return Draft.objects.get(pk=int(response["Location"].rstrip("/").split("/")[-1]))


def _pdf(name: str = "to-khai.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def _required(portal: Portal) -> dict[str, object]:
    """One PDF for each component to upload online (form and birth certificate)."""
    rows = [r for r in checklist(portal.world.version, online=True) if r.required]
    assert len(rows) == 2
    return {f"tep-{r.component.pk}": _pdf(f"tp-{r.component.pk}.pdf") for r in rows}


def _fields(**overrides: str) -> dict[str, object]:
    values: dict[str, object] = {
        "kind": "person",
        "name": "Nguyễn Văn An",
        "identifier": "001090001234",
        "phone": "0912345678",
        "email": "",
        "address": "Phường Kinh Bắc, tỉnh Bắc Ninh",
        "delivery": "online",
    }
    values.update(overrides)
    return values


def test_filing_needs_an_account(client: Client, portal: Portal) -> None:
    code = portal.world.version.procedure.code
    response = client.get(reverse("portal:file_start", args=[code]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("portal:sign_in"))


def test_a_procedure_not_offered_online_says_where_to_go(portal: Portal) -> None:
    from motcua.catalog.models import ProvinceProcedureSetting

    ProvinceProcedureSetting.objects.update(online_level="none")
    client = _client(portal.an)
    code = portal.world.version.procedure.code
    response = client.post(reverse("portal:file_start", args=[code]))
    assert response.status_code == 404
    assert "chưa được cung cấp trực tuyến" in response.content.decode()
    assert not Draft.objects.exists()


def test_the_draft_is_prefilled_from_the_account(portal: Portal) -> None:
    client = _client(portal.an)
    draft = _start(client, portal)
    assert draft.citizen == portal.an
    assert draft.data["name"] == "Nguyễn Văn An"
    assert draft.data["identifier"] == "001090001234"
    page = client.get(reverse("portal:draft", args=[draft.pk])).content.decode()
    assert 'value="001090001234"' in page
    assert "Nộp hồ sơ" in page


def test_a_wrong_file_is_refused_and_everything_typed_is_kept(portal: Portal) -> None:
    client = _client(portal.an)
    draft = _start(client, portal)
    component = portal.world.declaration
    bad = SimpleUploadedFile("anh.pdf", b"GIF89a" + b"\0" * 40, content_type="application/pdf")
    response = client.post(
        reverse("portal:draft", args=[draft.pk]),
        {**_fields(address="Số 5 đường Lý Thái Tổ"), f"tep-{component.pk}": [bad, _pdf()]},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "không phải PDF, JPEG hoặc PNG" in page
    assert "Số 5 đường Lý Thái Tổ" in page
    # The good file of the same request is kept; the bad one is not.
    assert list(DraftFile.objects.filter(draft=draft).values_list("name", flat=True)) == [
        "to-khai.pdf"
    ]


def test_submitting_creates_a_submitted_dossier_of_the_citizen(portal: Portal) -> None:
    client = _client(portal.an)
    draft = _start(client, portal)
    component = portal.world.declaration
    response = client.post(
        reverse("portal:draft", args=[draft.pk]),
        {
            **_fields(),
            **_required(portal),
            f"tep-{component.pk}": [_pdf("a.pdf"), _pdf("b.pdf")],
            "hanh-dong": "nop",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    dossier = Dossier.objects.get(citizen=portal.an)
    assert response["Location"] == reverse("portal:my_dossier", args=[dossier.code])
    assert dossier.status == Status.SUBMITTED and dossier.national_code == 1
    assert dossier.channel == "online" and dossier.delivery == "online"
    assert dossier.competent_agency == portal.world.justice
    assert dossier.receiving_agency == portal.world.centre
    documents = list(dossier.documents.all())
    assert [d.origin for d in documents] == [DocumentOrigin.CITIZEN] * 3
    assert sorted(
        (d.file.name or "").rsplit("/", 1)[-1][:4] for d in documents if d.component == component
    ) == ["a.pd", "b.pd"]
    draft.refresh_from_db()
    assert draft.dossier == dossier
    # The dossier page shows the code and the status in words.
    page = client.get(response["Location"]).content.decode()
    assert dossier.code in page and "Mới đăng ký, chờ tiếp nhận" in page


def test_a_bad_identifier_stops_submission_with_the_engines_message(portal: Portal) -> None:
    client = _client(portal.an)
    draft = _start(client, portal)
    response = client.post(
        reverse("portal:draft", args=[draft.pk]),
        {**_fields(identifier="12345"), **_required(portal), "hanh-dong": "nop"},
    )
    assert response.status_code == 400
    assert "Số định danh cá nhân phải gồm đúng 12 chữ số." in response.content.decode()
    assert not Dossier.objects.exists()
    draft.refresh_from_db()
    assert draft.data["identifier"] == "12345" and draft.dossier is None
    assert DraftFile.objects.filter(draft=draft).count() == 2


def test_a_missing_required_component_is_named(portal: Portal) -> None:
    client = _client(portal.an)
    draft = _start(client, portal)
    response = client.post(
        reverse("portal:draft", args=[draft.pk]), {**_fields(), "hanh-dong": "nop"}
    )
    assert response.status_code == 400
    assert "Thành phần hồ sơ bắt buộc" in response.content.decode()
    assert not Dossier.objects.exists()


def test_a_document_of_an_earlier_dossier_is_reused(portal: Portal) -> None:
    client = _client(portal.an)
    component = portal.world.declaration
    first = _start(client, portal)
    client.post(
        reverse("portal:draft", args=[first.pk]),
        {**_fields(), **_required(portal), "hanh-dong": "nop"},
    )
    earlier = Document.objects.get(dossier__citizen=portal.an, component=component)
    second = _start(client, portal)
    page = client.get(reverse("portal:draft", args=[second.pk])).content.decode()
    assert f'value="{earlier.pk}"' in page
    response = client.post(
        reverse("portal:draft", args=[second.pk]),
        {
            **_fields(),
            **{k: v for k, v in _required(portal).items() if k != f"tep-{component.pk}"},
            f"dung-lai-{component.pk}": str(earlier.pk),
            "hanh-dong": "nop",
        },
    )
    assert response.status_code == 302
    second.refresh_from_db()
    assert second.dossier is not None
    reused = second.dossier.documents.get(component=component)
    assert reused.origin == DocumentOrigin.REUSED and reused.sha256 == earlier.sha256
    assert second.dossier.reuses_data


def test_another_citizens_document_cannot_be_reused(portal: Portal) -> None:
    an, binh = _client(portal.an), _client(portal.binh)
    component = portal.world.declaration
    first = _start(an, portal)
    an.post(
        reverse("portal:draft", args=[first.pk]),
        {**_fields(), **_required(portal), "hanh-dong": "nop"},
    )
    theirs = Document.objects.get(dossier__citizen=portal.an, component=component)
    draft = _start(binh, portal)
    response = binh.post(
        reverse("portal:draft", args=[draft.pk]),
        {**_fields(name="Trần Thị Bình"), f"dung-lai-{component.pk}": str(theirs.pk)},
    )
    assert response.status_code == 400
    assert "Không tìm thấy giấy tờ đã chọn" in response.content.decode()
    assert not DraftFile.objects.filter(draft=draft).exists()


def test_odd_digits_in_hidden_fields_get_a_message_not_a_crash(portal: Portal) -> None:
    client = _client(portal.an)
    draft = _start(client, portal)
    component = portal.world.declaration
    url = reverse("portal:draft", args=[draft.pk])
    response = client.post(url, {**_fields(), f"dung-lai-{component.pk}": "²", "xoa-tep": "²"})
    assert response.status_code == 400
    assert "Không tìm thấy giấy tờ đã chọn" in response.content.decode()
    too_long = client.post(url, {**_fields(), "xoa-tep": "9" * 5000})
    assert too_long.status_code == 302
