"""What the portal keeps of its own: drafts of online dossiers, and ratings.

A draft is not a dossier: it has no code and no deadline, and nobody but its
citizen sees it. Submitting it calls the engine's ``submit_dossier``, which creates
the dossier; the draft then points at it and can no longer change.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from motcua.catalog.models import ChannelRule, Component, ProcedureVersion
from motcua.dossiers.models import Document, Dossier
from motcua.org.models import Agency


def _draft_path(instance: DraftFile, filename: str) -> str:
    return f"drafts/{instance.draft_id}/{filename}"


class Draft(models.Model):
    citizen = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("tài khoản công dân"),
        on_delete=models.CASCADE,
        related_name="drafts",
    )
    version = models.ForeignKey(
        ProcedureVersion, verbose_name=_("thủ tục (phiên bản)"), on_delete=models.PROTECT
    )
    channel_rule = models.ForeignKey(
        ChannelRule, verbose_name=_("cách thức thực hiện"), on_delete=models.PROTECT
    )
    competent_agency = models.ForeignKey(
        Agency, verbose_name=_("cơ quan giải quyết"), on_delete=models.PROTECT, related_name="+"
    )
    # Applicant data as typed (name, identifier, phone, e-mail, address, delivery):
    # a draft may be incomplete, so it is not validated until submission.
    data = models.JSONField(_("dữ liệu tờ khai"), default=dict, blank=True)
    created_at = models.DateTimeField(_("tạo lúc"))
    updated_at = models.DateTimeField(_("sửa lúc"))
    dossier = models.OneToOneField(
        Dossier,
        verbose_name=_("hồ sơ đã nộp"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="draft",
    )

    class Meta:
        verbose_name = _("hồ sơ nháp")
        verbose_name_plural = _("hồ sơ nháp")
        ordering = ["-updated_at"]

    def __str__(self) -> str:
        return f"{self.version.procedure.code} — {self.updated_at:%d/%m/%Y}"


class DraftFile(models.Model):
    draft = models.ForeignKey(Draft, on_delete=models.CASCADE, related_name="files")
    component = models.ForeignKey(
        Component, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("tên tệp"), max_length=300)
    # Either an upload, or a document of an earlier dossier reused from "My documents".
    file = models.FileField(_("tệp"), upload_to=_draft_path, max_length=300, blank=True)
    reused = models.ForeignKey(
        Document,
        verbose_name=_("giấy tờ tái sử dụng"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    content_type = models.CharField(max_length=100, blank=True)
    size = models.PositiveBigIntegerField(default=0)
    added_at = models.DateTimeField(_("thêm lúc"))

    class Meta:
        verbose_name = _("tệp của hồ sơ nháp")
        verbose_name_plural = _("tệp của hồ sơ nháp")
        ordering = ["draft", "id"]

    def __str__(self) -> str:
        return self.name


class Satisfaction(models.TextChoices):
    VERY_SATISFIED = "very_satisfied", _("Rất hài lòng")
    SATISFIED = "satisfied", _("Hài lòng")
    NOT_SATISFIED = "not_satisfied", _("Không hài lòng")


class Rating(models.Model):
    """The applicant's rating of one dossier (Decree 118/2025 Art. 33(1)); one per
    dossier. Who rated is kept for the one-per-dossier rule only: reports show the
    ratings without the rater (Art. 29: evaluators' identity kept confidential)."""

    dossier = models.OneToOneField(
        Dossier, verbose_name=_("hồ sơ"), on_delete=models.CASCADE, related_name="rating"
    )
    rated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    rated_at = models.DateTimeField(_("đánh giá lúc"))
    overall = models.CharField(_("đánh giá chung"), max_length=16, choices=Satisfaction.choices)
    comment = models.TextField(_("góp ý"), blank=True)

    class Meta:
        verbose_name = _("đánh giá của người dân")
        verbose_name_plural = _("đánh giá của người dân")

    def __str__(self) -> str:
        return f"{self.dossier} — {self.get_overall_display()}"


class RatingScore(models.Model):
    """One criterion of Art. 33(1), letters a–h (``motcua.portal.ratings.CRITERIA``)."""

    rating = models.ForeignKey(Rating, on_delete=models.CASCADE, related_name="scores")
    criterion = models.CharField(_("tiêu chí"), max_length=2)
    level = models.CharField(_("mức"), max_length=16, choices=Satisfaction.choices)

    class Meta:
        verbose_name = _("điểm theo tiêu chí")
        verbose_name_plural = _("điểm theo tiêu chí")
        constraints = [
            models.UniqueConstraint(fields=["rating", "criterion"], name="rating_score_once")
        ]

    def __str__(self) -> str:
        return f"{self.criterion}: {self.get_level_display()}"
