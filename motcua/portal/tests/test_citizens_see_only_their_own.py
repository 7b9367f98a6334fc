"""One citizen never sees or changes another's dossiers, drafts or documents, even by
editing the address: every such request answers "not found" and writes nothing."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from motcua.dossiers.models import Document, DossierEvent
from motcua.dossiers.tests.conftest import PDF
from motcua.portal.models import Draft, Rating
from motcua.portal.tests.conftest import Portal
from motcua.portal.tests.test_my_dossiers import _all_criteria, _awaiting_supplement, _processed

pytestmark = pytest.mark.django_db


def _client(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


def test_binh_cannot_open_or_act_on_ans_dossier(portal: Portal) -> None:
    waiting = _awaiting_supplement(portal)
    done = _processed(portal)
    binh = _client(portal.binh)
    events_before = DossierEvent.objects.count()
    documents_before = Document.objects.count()
    for dossier in (waiting, done):
        assert binh.get(reverse("portal:my_dossier", args=[dossier.code])).status_code == 404
        requests = [
            (
                "portal:my_supplement",
                {"tep": SimpleUploadedFile("x.pdf", PDF), "phien-ban": str(dossier.lock_version)},
            ),
            ("portal:my_withdraw", {"ly-do": "Rút hộ", "phien-ban": str(dossier.lock_version)}),
            ("portal:my_rating", {**_all_criteria("not_satisfied"), "chung": "not_satisfied"}),
        ]
        for name, data in requests:
            response = binh.post(reverse(name, args=[dossier.code]), data)
            assert response.status_code == 404, name
            assert dossier.code not in response.content.decode()
    for document in Document.objects.filter(dossier__citizen=portal.an):
        assert binh.get(reverse("portal:my_document", args=[document.pk])).status_code == 404
    listing = binh.get(reverse("portal:my_documents")).content.decode()
    assert "giay-chung-sinh" not in listing and waiting.code not in listing
    assert DossierEvent.objects.count() == events_before
    assert Document.objects.count() == documents_before
    assert not Rating.objects.exists()
    waiting.refresh_from_db()
    assert waiting.status == "awaiting_supplement"


def test_binh_cannot_open_edit_or_delete_ans_draft(portal: Portal) -> None:
    an, binh = _client(portal.an), _client(portal.binh)
    code = portal.world.version.procedure.code
    an.post(reverse("portal:file_start", args=[code]))
    draft = Draft.objects.get(citizen=portal.an)
    assert binh.get(reverse("portal:draft", args=[draft.pk])).status_code == 404
    assert binh.post(reverse("portal:draft", args=[draft.pk]), {"name": "X"}).status_code == 404
    assert binh.post(reverse("portal:draft_delete", args=[draft.pk])).status_code == 404
    draft.refresh_from_db()
    assert draft.data["name"] == "Nguyễn Văn An"


def test_signed_out_visitors_are_sent_to_sign_in(client: Client, portal: Portal) -> None:
    dossier = _awaiting_supplement(portal)
    for url in (
        reverse("portal:my_dossiers"),
        reverse("portal:my_dossier", args=[dossier.code]),
        reverse("portal:my_documents"),
    ):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("portal:sign_in"))
