"""The plain-words timeline a citizen reads, built from histories the real actions write.

Dates follow deadlines.md §8's supplement example: received Mon 02/03/2026 08:00 at
the provincial centre for the Department of Justice, 5 working days → due Mon
09/03/2026 08:00.
"""

from __future__ import annotations

import datetime as dt

from motcua.dossiers import actions, pollers
from motcua.dossiers.models import Dossier
from motcua.dossiers.statuses import Action, Status
from motcua.dossiers.tests.conftest import (
    MONDAY,
    World,
    local,
    pdf,
    reach,
    result_file,
    submit_online,
)
from motcua.portal.timeline import Entry, current_step, plain_status, plain_timeline

OFFICIALS = {
    "reception": "Lê Thị Tiếp",
    "handler": "Trần Văn Thẩm",
    "head": "Phạm Thị Xét",
    "leader": "Hoàng Văn Ký",
    "commune_a_officer": "Đỗ Thị Xã",
}


def name_the_officials(world: World) -> None:
    """Give every official a real-looking name: the events keep it, the timeline must not."""
    for attribute, full_name in OFFICIALS.items():
        user = getattr(world, attribute)
        user.full_name = full_name
        user.save(update_fields=["full_name"])


def supplement_approve_return(world: World) -> Dossier:
    """Received, assigned, reminded, asked for a supplement, supplemented, forwarded up,
    approved and returned — every step by the real actions."""
    name_the_officials(world)
    day = dt.timedelta(days=1)
    dossier = world.receive(MONDAY)
    actions.assign(dossier, actor=world.head, assignee=world.handler, at=MONDAY + day)
    pollers.remind_due_soon(local(2026, 3, 4, 8, 0))
    actions.request_supplement(
        dossier,
        actor=world.handler,
        reason="Bản sao giấy chứng sinh chưa được chứng thực",
        missing="Giấy chứng sinh (bản chính)",
        at=local(2026, 3, 4, 9, 0),
    )
    actions.record_supplement(
        dossier,
        actor=world.reception,
        documents=[actions.DocumentInput(name="Giấy chứng sinh", file=pdf("cs.pdf"))],
        note="Trần Văn Thẩm dặn nhận bản chính",
        at=local(2026, 3, 5, 10, 0),
    )
    actions.forward(
        dossier, actor=world.handler, opinion="Ý kiến nội bộ: đủ điều kiện", at=local(2026, 3, 6, 9)
    )
    actions.forward(dossier, actor=world.head, at=local(2026, 3, 6, 10, 0))
    actions.approve_result(
        dossier,
        actor=world.leader,
        result_type_code="KQ.G15.000031",
        documents=result_file(),
        at=local(2026, 3, 9, 9, 0),
    )
    actions.return_result(dossier, actor=world.reception, at=local(2026, 3, 9, 14, 30))
    dossier.refresh_from_db()
    return dossier


def texts(entries: list[Entry]) -> list[str]:
    return [entry.text for entry in entries]


def everything_shown(entries: list[Entry]) -> str:
    return "\n".join(
        " | ".join([e.when, e.text, e.agency, *e.notes, e.reason, e.missing]) for e in entries
    )


def test_a_supplement_approve_return_history_reads_in_plain_words(world: World) -> None:
    dossier = supplement_approve_return(world)
    assert dossier.events.filter(action=Action.REMIND).exists()

    entries = plain_timeline(dossier, full=False)

    assert texts(entries) == [
        "Đã nộp hồ sơ trực tiếp",
        "Trung tâm PVHCC tỉnh đã tiếp nhận hồ sơ",
        "Đã phân công cán bộ xử lý",
        "Cơ quan yêu cầu bổ sung hồ sơ",
        "Đã nhận giấy tờ bổ sung",
        "Chuyển bước tiếp theo: Lãnh đạo phòng xem xét",
        "Chuyển bước tiếp theo: Lãnh đạo cơ quan phê duyệt",
        "Đã có kết quả, chờ trả",
        "Đã trả kết quả",
    ]
    received = entries[1]
    assert received.when == "08:00 02/03/2026"
    assert received.agency == "Trung tâm PVHCC tỉnh"
    assert received.notes == (
        "Hẹn trả kết quả: 08:00 09/03/2026",
        "Chuyển đến Sở Tư pháp để thẩm định, xử lý hồ sơ",
    )
    assert (entries[3].agency, entries[3].when) == ("Sở Tư pháp", "09:00 04/03/2026")
    assert entries[4].notes[0].startswith("Hẹn trả kết quả mới: ")
    assert entries[7].agency == "Sở Tư pháp"
    assert entries[8].notes == ("Nhận tại bộ phận một cửa",)
    # Without the second factor: no reason, nothing of what is missing.
    shown = everything_shown(entries)
    assert "Giấy chứng sinh" not in shown
    assert "chứng thực" not in shown


def test_the_applicant_sees_the_reason_and_what_is_missing(world: World) -> None:
    dossier = supplement_approve_return(world)

    entries = plain_timeline(dossier, full=True)

    requested = entries[3]
    assert requested.text == "Cơ quan yêu cầu bổ sung hồ sơ"
    assert requested.missing == "Giấy chứng sinh (bản chính)"
    assert requested.reason == "Bản sao giấy chứng sinh chưa được chứng thực"
    assert any(note.startswith("Nếu không bổ sung đủ trước ") for note in requested.notes)
    # Working notes between officials stay in the back office, even for the applicant.
    shown = everything_shown(entries)
    assert "Ý kiến nội bộ" not in shown
    assert "dặn nhận bản chính" not in shown


def test_no_official_is_ever_named(world: World) -> None:
    dossier = supplement_approve_return(world)
    # The engine did record who acted: the timeline is what leaves them out.
    recorded = set(dossier.events.values_list("actor_name", flat=True))
    assert {"Lê Thị Tiếp", "Trần Văn Thẩm", "Hoàng Văn Ký"} <= recorded

    for full in (False, True):
        shown = everything_shown(plain_timeline(dossier, full=full))
        for official in OFFICIALS.values():
            assert official not in shown
        for title in ("Công chức một cửa", "Chuyên viên", "Trưởng phòng", "Phó Giám đốc Sở"):
            assert title not in shown


def test_a_commune_reception_names_its_one_stop_section(world: World) -> None:
    dossier = actions.receive_at_counter(
        world.submission(receiving_agency=world.commune_a, competent_agency=world.commune_a),
        actor=world.commune_a_officer,
        at=MONDAY,
    )
    entries = plain_timeline(dossier, full=False)
    assert entries[1].text == "Bộ phận một cửa UBND phường Kinh Bắc đã tiếp nhận hồ sơ"
    assert entries[1].notes[1] == "Chuyển bước tiếp theo: Thẩm định, xử lý hồ sơ"


def test_an_online_submission_waits_for_reception(world: World) -> None:
    dossier = submit_online(world)
    assert plain_status(dossier) == "Đã nộp, đang chờ tiếp nhận"
    assert current_step(dossier) is None
    [entry] = plain_timeline(dossier, full=True)
    assert (entry.text, entry.agency) == ("Đã nộp hồ sơ trực tuyến", "Trung tâm PVHCC tỉnh")


def test_completion_requested_before_reception(world: World) -> None:
    dossier = submit_online(world)
    actions.request_completion(
        dossier,
        actor=world.reception,
        reason="Tờ khai thiếu chữ ký",
        missing="Tờ khai có chữ ký",
        at=MONDAY + dt.timedelta(hours=2),
    )
    dossier.refresh_from_db()
    assert plain_status(dossier) == "Cần bổ sung, hoàn thiện hồ sơ trước khi được tiếp nhận"
    anonymous, applicant = plain_timeline(dossier, full=False), plain_timeline(dossier, full=True)
    assert anonymous[1].text == "Hướng dẫn bổ sung, hoàn thiện hồ sơ trước khi tiếp nhận"
    assert (anonymous[1].missing, anonymous[1].reason) == ("", "")
    assert (applicant[1].missing, applicant[1].reason) == (
        "Tờ khai có chữ ký",
        "Tờ khai thiếu chữ ký",
    )


def test_a_hand_over_and_a_refusal(world: World) -> None:
    dossier = reach(world, Status.IN_PROGRESS)
    actions.hand_over(
        dossier,
        actor=world.handler,
        to_agency=world.construction,
        reason="Đề nghị Sở Xây dựng thẩm định phần công trình",
        at=local(2026, 3, 4, 9, 0),
    )
    actions.refuse(
        dossier,
        actor=world.leader,
        reason="Không đủ điều kiện theo quy định",
        documents=result_file("tu-choi.pdf"),
        at=local(2026, 3, 5, 9, 0),
    )
    dossier.refresh_from_db()
    entries = plain_timeline(dossier, full=True)
    handed = next(e for e in entries if e.text.startswith("Chuyển đến Sở Xây dựng"))
    assert handed.agency == "Sở Xây dựng"
    assert handed.reason == ""  # what one agency asks another is not the applicant's
    refused = entries[-1]
    assert refused.text == "Cơ quan từ chối giải quyết; văn bản trả lời chờ trả"
    assert refused.reason == "Không đủ điều kiện theo quy định"
    assert plain_status(dossier) == "Đã có kết quả, chờ trả"


def test_the_current_step_and_its_agency(world: World) -> None:
    dossier = reach(world, Status.IN_PROGRESS)
    step = current_step(dossier)
    assert step is not None
    assert (step.name, step.agency) == ("Thẩm định, xử lý hồ sơ", "Sở Tư pháp")
    processed = reach(world, Status.PROCESSED)
    step = current_step(processed)
    assert step is not None
    assert (step.name, step.agency) == ("Trả kết quả", "Trung tâm PVHCC tỉnh")
    assert current_step(reach(world, Status.RETURNED)) is None


def test_every_status_has_plain_words(world: World) -> None:
    for status in Status:
        wording = plain_status(reach(world, status, at=MONDAY))
        assert wording and wording != status.value
