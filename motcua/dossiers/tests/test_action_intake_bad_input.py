"""Bad input at intake is refused with a readable reason, and nothing is written: no
dossier, no document, no event, and no dossier number used up — codes stay gapless."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from motcua.catalog.models import Component, Procedure, ProcedureVersion
from motcua.dossiers import actions
from motcua.dossiers.errors import InvalidInput
from motcua.dossiers.tests.conftest import MONDAY, PDF, World, pdf, snapshot


def _applicant(**fields: str) -> actions.Applicant:
    values = {"name": "Nguyễn Văn An", "identifier": "001090001234"} | fields
    return actions.Applicant(**values)  # type: ignore[arg-type]


def _with_file(upload: SimpleUploadedFile) -> dict[str, Any]:
    return {"documents": [actions.DocumentInput(name="Tờ khai", file=upload)]}


def _other_version() -> ProcedureVersion:
    version = Procedure.objects.get(code="2.000001").current_version
    assert version is not None
    return version


def _foreign_component() -> Component:
    return Component.objects.filter(case__version=_other_version()).order_by("pk")[0]


Overrides = Callable[[World], dict[str, Any]]

BAD_INPUT: dict[str, tuple[Overrides, str]] = {
    "citizen ID of 11 digits": (
        lambda w: {"applicant": _applicant(identifier="00109000123")},
        "Số định danh cá nhân phải gồm đúng 12 chữ số.",
    ),
    "citizen ID with a letter": (
        lambda w: {"applicant": _applicant(identifier="00109000123A")},
        "Số định danh cá nhân phải gồm đúng 12 chữ số.",
    ),
    "tax code of 8 digits": (
        lambda w: {"applicant": _applicant(kind="organisation", identifier="23001234")},
        "Mã số thuế phải gồm 10 chữ số",
    ),
    "a citizen ID given as a tax code": (
        lambda w: {"applicant": _applicant(kind="organisation", identifier="001090001234")},
        "Mã số thuế phải gồm 10 chữ số",
    ),
    "phone": (
        lambda w: {"applicant": _applicant(phone="12345")},
        "Số điện thoại không hợp lệ.",
    ),
    "e-mail": (
        lambda w: {"applicant": _applicant(email="an@")},
        "Địa chỉ thư điện tử không hợp lệ.",
    ),
    "principal's identifier": (
        lambda w: {"applicant": _applicant(principal_name="Trần Thị B", principal_identifier="12")},
        "Số định danh của người ủy quyền không hợp lệ.",
    ),
    "no applicant name": (
        lambda w: {"applicant": _applicant(name="  ")},
        "Chưa nhập tên người nộp hồ sơ.",
    ),
    "a Word file named .pdf": (
        lambda w: _with_file(SimpleUploadedFile("to-khai.pdf", b"PK\x03\x04" + b"\0" * 60)),
        "Tệp “to-khai.pdf” không phải PDF, JPEG hoặc PNG.",
    ),
    "an empty file": (
        lambda w: _with_file(SimpleUploadedFile("to-khai.pdf", b"")),
        "Tệp “to-khai.pdf” rỗng.",
    ),
    "a file over the size limit": (
        lambda w: _with_file(SimpleUploadedFile("to-khai.pdf", PDF + b"\0" * 1024 * 1024)),
        "Tệp “to-khai.pdf” vượt quá 1 MB.",
    ),
    "a component of another procedure": (
        lambda w: {
            "documents": [
                actions.DocumentInput(
                    name="Đơn đề nghị cấp phép",
                    component=_foreign_component(),
                    file=pdf(),
                )
            ]
        },
        "Giấy tờ “Đơn đề nghị cấp phép” không thuộc thành phần hồ sơ của thủ tục.",
    ),
    "a channel rule of another procedure version": (
        lambda w: {"channel_rule": _other_version().channels.get(channel="truc_tiep")},
        "Cách thức thực hiện không thuộc phiên bản thủ tục đã chọn.",
    ),
    "no documents": (lambda w: {"documents": []}, "Hồ sơ chưa có giấy tờ nào."),
    "a document without a name": (
        lambda w: {"documents": [actions.DocumentInput(name=" ", file=pdf())]},
        "Giấy tờ chưa có tên.",
    ),
}


@pytest.mark.parametrize("case", list(BAD_INPUT))
def test_bad_input_is_refused_and_no_number_is_used_up(
    world: World, settings: Any, case: str
) -> None:
    settings.MOTCUA_MAX_UPLOAD_MB = 1
    overrides, message = BAD_INPUT[case]
    before = snapshot()

    with pytest.raises(InvalidInput) as refused:
        world.receive(MONDAY, **overrides(world))

    assert message in str(refused.value)
    assert snapshot() == before
    # The next good reception takes the day's first number.
    assert world.receive(MONDAY).code == "H24.STP-260302-0001"


def test_every_problem_with_the_applicant_is_told_at_once(world: World) -> None:
    with pytest.raises(InvalidInput) as refused:
        world.receive(MONDAY, applicant=_applicant(identifier="1", phone="2", email="3"))

    assert str(refused.value) == (
        "Số định danh cá nhân phải gồm đúng 12 chữ số. Số điện thoại không hợp lệ. "
        "Địa chỉ thư điện tử không hợp lệ."
    )


def test_a_file_is_judged_by_its_content_not_its_name(world: World) -> None:
    png = SimpleUploadedFile("anh-chup.pdf", b"\x89PNG\r\n\x1a\n" + b"\0" * 32)

    dossier = world.receive(MONDAY, **_with_file(png))

    assert dossier.documents.get().content_type == "image/png"


def test_a_crash_after_the_number_was_taken_gives_it_back(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    def disk_full(*args: object, **kwargs: object) -> None:
        raise OSError("No space left on device")

    monkeypatch.setattr("motcua.dossiers.actions.intake.document_rows", disk_full)
    before = snapshot()

    with pytest.raises(OSError):
        world.receive(MONDAY)

    assert snapshot() == before
    monkeypatch.undo()
    assert world.receive(MONDAY).code == "H24.STP-260302-0001"
