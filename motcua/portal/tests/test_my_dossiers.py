"""The citizen follows their dossier: supplement, withdrawal, results, rating."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from motcua.dossiers import actions
from motcua.dossiers.models import DocumentOrigin, Dossier
from motcua.dossiers.statuses import Status
from motcua.dossiers.tests.conftest import MONDAY, PDF, result_file, to_approval
from motcua.portal.models import Rating, RatingScore
from motcua.portal.ratings import CRITERIA
from motcua.portal.tests.conftest import Portal

pytestmark = pytest.mark.django_db
DAY = dt.timedelta(days=1)


def _client(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


def _online(portal: Portal, *, accepted: bool = True) -> Dossier:
    """An's online dossier, accepted by the one-stop unit."""
    w = portal.world
    dossier = actions.submit_dossier(
        w.submission(
            channel="online", channel_rule=w.online_rule, delivery="online", citizen=portal.an
        ),
        actor=portal.an,
        at=MONDAY,
    )
    if accepted:
        actions.accept_submission(dossier, actor=w.reception, at=MONDAY + dt.timedelta(hours=1))
    dossier.refresh_from_db()
    return dossier


def _awaiting_supplement(portal: Portal) -> Dossier:
    dossier = _online(portal)
    actions.request_supplement(
        dossier,
        actor=portal.world.handler,
        reason="Giấy chứng sinh bản chụp bị mờ",
        missing="Giấy chứng sinh (bản chụp rõ nét)",
        at=MONDAY + DAY,
    )
    dossier.refresh_from_db()
    return dossier


def _processed(portal: Portal) -> Dossier:
    dossier = _online(portal)
    to_approval(portal.world, dossier, MONDAY + DAY)
    actions.approve_result(
        dossier,
        actor=portal.world.leader,
        result_type_code="KQ.G15.000031",
        documents=result_file(),
        at=MONDAY + 2 * DAY,
    )
    dossier.refresh_from_db()
    return dossier


def _all_criteria(level: str = "satisfied") -> dict[str, str]:
    return {f"tieu-chi-{c.code}": level for c in CRITERIA if not c.optional}


def test_my_dossiers_lists_only_mine(portal: Portal) -> None:
    mine = _online(portal)
    page = _client(portal.an).get(reverse("portal:my_dossiers")).content.decode()
    assert mine.code in page
    other = _client(portal.binh).get(reverse("portal:my_dossiers")).content.decode()
    assert mine.code not in other and "Bạn chưa nộp hồ sơ nào." in other


def test_the_citizen_sees_what_is_missing_and_sends_it(portal: Portal) -> None:
    dossier = _awaiting_supplement(portal)
    client = _client(portal.an)
    url = reverse("portal:my_dossier", args=[dossier.code])
    page = client.get(url).content.decode()
    assert "Giấy chứng sinh (bản chụp rõ nét)" in page
    assert "Giấy chứng sinh bản chụp bị mờ" in page
    response = client.post(
        reverse("portal:my_supplement", args=[dossier.code]),
        {
            "tep": SimpleUploadedFile("giay-chung-sinh.pdf", PDF),
            "ghi-chu": "Bản chụp mới",
            "phien-ban": str(dossier.lock_version),
        },
    )
    assert response.status_code == 302
    dossier.refresh_from_db()
    assert dossier.status == Status.IN_PROGRESS
    added = dossier.documents.get(origin=DocumentOrigin.SUPPLEMENT)
    assert added.name == "giay-chung-sinh" and added.uploaded_by == portal.an


def test_a_supplement_without_files_or_after_closing_is_refused_clearly(portal: Portal) -> None:
    dossier = _awaiting_supplement(portal)
    client = _client(portal.an)
    url = reverse("portal:my_supplement", args=[dossier.code])
    empty = client.post(url, {"ghi-chu": "Quên đính kèm"})
    assert empty.status_code == 400
    assert "Chưa có giấy tờ bổ sung nào." in empty.content.decode()
    assert "Quên đính kèm" in empty.content.decode()
    from motcua.dossiers.actions.base import system_user

    actions.close_unanswered(dossier, actor=system_user(), at=MONDAY + 17 * DAY)
    late = client.post(url, {"tep": SimpleUploadedFile("muon.pdf", PDF)})
    assert late.status_code == 400
    dossier.refresh_from_db()
    assert dossier.status == Status.CLOSED
    assert not dossier.documents.filter(origin=DocumentOrigin.SUPPLEMENT).exists()


def test_a_stale_form_meets_a_colleagues_change_with_a_conflict(portal: Portal) -> None:
    dossier = _awaiting_supplement(portal)
    stale = dossier.lock_version
    actions.record_supplement(
        dossier,
        actor=portal.world.reception,
        documents=[
            actions.DocumentInput(name="Giấy chứng sinh", file=SimpleUploadedFile("x.pdf", PDF))
        ],
        at=MONDAY + 2 * DAY,
    )
    response = _client(portal.an).post(
        reverse("portal:my_supplement", args=[dossier.code]),
        {"tep": SimpleUploadedFile("y.pdf", PDF), "phien-ban": str(stale)},
    )
    assert response.status_code == 409
    assert dossier.documents.filter(origin=DocumentOrigin.SUPPLEMENT).count() == 1


def test_the_citizen_withdraws_with_a_reason(portal: Portal) -> None:
    dossier = _online(portal)
    client = _client(portal.an)
    url = reverse("portal:my_withdraw", args=[dossier.code])
    no_reason = client.post(url, {"ly-do": "  "})
    assert no_reason.status_code == 400 and "Cần ghi rõ lý do." in no_reason.content.decode()
    assert client.post(url, {"ly-do": "Đã nộp nhầm thủ tục"}).status_code == 302
    dossier.refresh_from_db()
    assert dossier.status == Status.WITHDRAWN
    assert dossier.events.last().reason == "Đã nộp nhầm thủ tục"  # type: ignore[union-attr]


def test_the_result_is_downloaded_and_kept_in_my_documents(portal: Portal) -> None:
    dossier = _processed(portal)
    client = _client(portal.an)
    page = client.get(reverse("portal:my_dossier", args=[dossier.code])).content.decode()
    result = dossier.documents.get(origin=DocumentOrigin.RESULT)
    link = reverse("portal:my_document", args=[result.pk])
    assert link in page and "Tải kết quả về" in page
    download = client.get(link + "?tai=1")
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF  # type: ignore[attr-defined]
    assert "attachment" in download["Content-Disposition"]
    documents = client.get(reverse("portal:my_documents")).content.decode()
    assert link in documents and "KQ.G15.000031" in documents


def test_a_rating_needs_every_criterion_and_is_given_once(portal: Portal) -> None:
    dossier = _processed(portal)
    client = _client(portal.an)
    url = reverse("portal:my_rating", args=[dossier.code])
    partial = client.post(url, {"chung": "satisfied", "tieu-chi-a": "very_satisfied"})
    assert partial.status_code == 400
    assert "Chọn mức đánh giá cho tiêu chí" in partial.content.decode()
    assert not Rating.objects.exists()
    answer = {**_all_criteria(), "chung": "very_satisfied", "gop-y": "Nhanh gọn"}
    assert client.post(url, answer).status_code == 302
    rating = Rating.objects.get(dossier=dossier)
    assert rating.overall == "very_satisfied" and rating.comment == "Nhanh gọn"
    assert RatingScore.objects.filter(rating=rating).count() == 7  # (g) left out
    again = client.post(url, answer)
    assert again.status_code == 409
    assert Rating.objects.count() == 1


def test_no_rating_before_the_result(portal: Portal) -> None:
    dossier = _online(portal)
    response = _client(portal.an).post(
        reverse("portal:my_rating", args=[dossier.code]), {**_all_criteria(), "chung": "satisfied"}
    )
    assert response.status_code == 400
    assert not Rating.objects.exists()
