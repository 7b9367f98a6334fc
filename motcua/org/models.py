"""Who is who: administrative units, agencies and the staff who work in them.

Administrative units carry validity dates because dossiers filed before the
two-level reorganisation of 1 July 2025 name communes and districts that no longer
exist; ``UnitConversion`` says which new commune took each old one over.
Access to everything else in MotCua is scoped by ``Membership`` rows.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from motcua.accounts.models import User

# Resolution 202/2025/QH15 and the Law on Organisation of Local Government
# 72/2025/QH15: two levels of local government from this day on.
REORGANISATION_DATE = dt.date(2025, 7, 1)


class UnitLevel(models.IntegerChoices):
    PROVINCE = 1, _("Cấp tỉnh")
    DISTRICT = 2, _("Cấp huyện (trước 01/07/2025)")
    COMMUNE = 3, _("Cấp xã")


class UnitKind(models.TextChoices):
    CENTRAL_CITY = "thanh_pho_tw", _("Thành phố trực thuộc trung ương")
    PROVINCE = "tinh", _("Tỉnh")
    DISTRICT = "huyen", _("Huyện, quận, thị xã, thành phố thuộc tỉnh (trước 01/07/2025)")
    COMMUNE = "xa", _("Xã")
    WARD = "phuong", _("Phường")
    SPECIAL_ZONE = "dac_khu", _("Đặc khu")
    TOWNSHIP = "thi_tran", _("Thị trấn (trước 01/07/2025)")


class UnitEra(models.TextChoices):
    CURRENT = "2025", _("Từ 01/07/2025")
    PRE_2025 = "pre2025", _("Trước 01/07/2025")


class AdministrativeUnitQuerySet(models.QuerySet["AdministrativeUnit"]):
    def current(self) -> AdministrativeUnitQuerySet:
        return self.filter(era=UnitEra.CURRENT)

    def valid_on(self, day: dt.date) -> AdministrativeUnitQuerySet:
        return self.filter(
            Q(valid_from__isnull=True) | Q(valid_from__lte=day),
            Q(valid_to__isnull=True) | Q(valid_to__gte=day),
        )

    def provinces(self) -> AdministrativeUnitQuerySet:
        return self.filter(level=UnitLevel.PROVINCE)

    def communes(self) -> AdministrativeUnitQuerySet:
        return self.filter(level=UnitLevel.COMMUNE)


class AdministrativeUnit(models.Model):
    """A province, a commune-level unit or (before 1 July 2025) a district.

    Codes are the National Statistics Office codes, zero-padded strings. The same
    code can name different units in the two eras (old province 24 was Bắc Giang,
    new province 24 is Bắc Ninh), so a unit is identified by level, code and era.
    """

    code = models.CharField(_("mã"), max_length=10)
    name = models.CharField(_("tên"), max_length=200)
    kind = models.CharField(_("loại"), max_length=20, choices=UnitKind.choices)
    level = models.PositiveSmallIntegerField(_("cấp"), choices=UnitLevel.choices)
    era = models.CharField(_("thời kỳ"), max_length=8, choices=UnitEra.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("đơn vị cấp trên"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    codename = models.CharField(_("tên mã"), max_length=200, blank=True)
    valid_from = models.DateField(_("hiệu lực từ"), null=True, blank=True)
    valid_to = models.DateField(_("hiệu lực đến"), null=True, blank=True)

    objects = AdministrativeUnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("đơn vị hành chính")
        verbose_name_plural = _("đơn vị hành chính")
        ordering = ["level", "code"]
        constraints = [
            models.UniqueConstraint(fields=["level", "code", "era"], name="unit_level_code_era"),
        ]
        indexes = [models.Index(fields=["parent", "level"])]

    def __str__(self) -> str:
        if self.era == UnitEra.PRE_2025:
            return f"{self.name} ({self.code}, trước 01/07/2025)"
        return f"{self.name} ({self.code})"

    def is_valid_on(self, day: dt.date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_to is None or day <= self.valid_to
        )

    def successors(self) -> AdministrativeUnitQuerySet:
        """The current communes that took over this pre-2025 commune (one or more)."""
        if self.era == UnitEra.CURRENT:
            return AdministrativeUnit.objects.filter(pk=self.pk)
        return AdministrativeUnit.objects.filter(conversions_in__old_unit=self).distinct()


class UnitConversion(models.Model):
    """One row of the official old → new commune conversion table (10,571 rows)."""

    old_unit = models.ForeignKey(
        AdministrativeUnit,
        verbose_name=_("đơn vị cũ"),
        on_delete=models.CASCADE,
        related_name="conversions_out",
    )
    new_unit = models.ForeignKey(
        AdministrativeUnit,
        verbose_name=_("đơn vị mới"),
        on_delete=models.CASCADE,
        related_name="conversions_in",
    )
    note = models.CharField(_("hình thức"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("chuyển đổi đơn vị hành chính")
        verbose_name_plural = _("chuyển đổi đơn vị hành chính")
        constraints = [
            models.UniqueConstraint(fields=["old_unit", "new_unit"], name="unit_conversion_pair"),
        ]

    def __str__(self) -> str:
        return f"{self.old_unit.name} → {self.new_unit.name}"


class AgencyKind(models.TextChoices):
    DEPARTMENT = "so_nganh", _("Sở, ban, ngành cấp tỉnh")
    PROVINCIAL_CENTRE = "trung_tam_tinh", _("Trung tâm Phục vụ hành chính công cấp tỉnh")
    CENTRE_BRANCH = "chi_nhanh", _("Chi nhánh Trung tâm Phục vụ hành chính công")
    COMMUNE_COMMITTEE = "ubnd_xa", _("Ủy ban nhân dân cấp xã")
    COMMUNE_CENTRE = "trung_tam_xa", _("Trung tâm Phục vụ hành chính công cấp xã")
    VERTICAL = "nganh_doc", _("Cơ quan ngành dọc trung ương tại tỉnh")
    OTHER = "khac", _("Khác")

    @classmethod
    def one_stop_kinds(cls) -> list[str]:
        """Kinds that are a One-stop Unit (Decree 118/2025 Art. 7)."""
        return [cls.PROVINCIAL_CENTRE, cls.CENTRE_BRANCH, cls.COMMUNE_CENTRE]


class AgencyQuerySet(models.QuerySet["Agency"]):
    def active(self) -> AgencyQuerySet:
        return self.filter(is_active=True)

    def for_user(self, user: User, roles: list[str] | None = None) -> AgencyQuerySet:
        """Agencies in which ``user`` holds an active membership (optionally one of ``roles``)."""
        memberships = Membership.objects.filter(user=user, is_active=True)
        if roles is not None:
            memberships = memberships.filter(role__in=roles)
        return self.filter(pk__in=memberships.values("agency_id"))


class Agency(models.Model):
    """A state body (cơ quan) that receives or handles dossiers."""

    name = models.CharField(_("tên cơ quan"), max_length=255)
    short_name = models.CharField(_("tên viết tắt"), max_length=100, blank=True)
    kind = models.CharField(_("loại cơ quan"), max_length=20, choices=AgencyKind.choices)
    unit = models.ForeignKey(
        AdministrativeUnit,
        verbose_name=_("đơn vị hành chính phục vụ"),
        on_delete=models.PROTECT,
        related_name="agencies",
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("cơ quan cấp trên"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    address = models.CharField(_("địa chỉ"), max_length=300, blank=True)
    phone = models.CharField(_("điện thoại"), max_length=50, blank=True)
    email = models.EmailField(_("thư điện tử"), blank=True)
    is_active = models.BooleanField(_("đang hoạt động"), default=True)

    objects = AgencyQuerySet.as_manager()

    class Meta:
        verbose_name = _("cơ quan")
        verbose_name_plural = _("cơ quan")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_one_stop_unit(self) -> bool:
        return self.kind in AgencyKind.one_stop_kinds()

    def identifier_on(self, day: dt.date) -> str | None:
        """The electronic identifier valid on ``day`` (it prefixes dossier codes)."""
        found = valid_identifiers(day).filter(agency=self).first()
        return found.code if found else None


def valid_identifiers(day: dt.date) -> models.QuerySet[AgencyIdentifier]:
    """Identifiers valid on ``day``, each agency's newest first: the latest start wins
    where two overlap, and one without a start ("since always") comes last — on every
    database alike (PostgreSQL would put NULL first in a descending order)."""
    return AgencyIdentifier.objects.filter(
        Q(valid_from__isnull=True) | Q(valid_from__lte=day),
        Q(valid_to__isnull=True) | Q(valid_to__gte=day),
    ).order_by("agency_id", F("valid_from").desc(nulls_last=True), "-pk")


def identifiers_on(day: dt.date) -> dict[int, str]:
    """Every agency's identifier valid on ``day`` (``Agency.identifier_on`` for all of
    them), in one query."""
    found: dict[int, str] = {}
    for agency, code in valid_identifiers(day).values_list("agency_id", "code"):
        found.setdefault(agency, code)
    return found


class AgencyIdentifier(models.Model):
    """Mã định danh điện tử of an agency: an opaque string valid for a period.

    Identifiers change when agencies are reorganised; dossier codes keep the one that
    was valid when they were issued, so the history is kept rather than overwritten.
    """

    agency = models.ForeignKey(
        Agency, verbose_name=_("cơ quan"), on_delete=models.CASCADE, related_name="identifiers"
    )
    code = models.CharField(_("mã định danh điện tử"), max_length=50)
    valid_from = models.DateField(_("hiệu lực từ"), null=True, blank=True)
    valid_to = models.DateField(_("hiệu lực đến"), null=True, blank=True)

    class Meta:
        verbose_name = _("mã định danh điện tử")
        verbose_name_plural = _("mã định danh điện tử")
        constraints = [
            models.UniqueConstraint(
                fields=["code", "valid_from"], name="agency_identifier_code_from"
            ),
        ]

    def __str__(self) -> str:
        return self.code

    def clean(self) -> None:
        if self.valid_from and self.valid_to and self.valid_to < self.valid_from:
            raise ValidationError({"valid_to": _("Ngày hết hiệu lực phải sau ngày bắt đầu.")})
        if not self.code.strip():
            raise ValidationError({"code": _("Mã định danh không được để trống.")})


class Role(models.TextChoices):
    RECEPTION = "tiep_nhan", _("Cán bộ một cửa")
    HANDLER = "chuyen_vien", _("Chuyên viên xử lý")
    DEPARTMENT_HEAD = "lanh_dao_phong", _("Lãnh đạo phòng")
    LEADER = "lanh_dao_co_quan", _("Lãnh đạo cơ quan")
    CLERK = "van_thu", _("Văn thư")
    SUPERVISOR = "kiem_soat", _("Kiểm soát thủ tục hành chính")
    ADMINISTRATOR = "quan_tri", _("Quản trị hệ thống")


class Membership(models.Model):
    """A user's role in an agency. One person may hold several."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người dùng"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    agency = models.ForeignKey(
        Agency, verbose_name=_("cơ quan"), on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("vai trò"), max_length=20, choices=Role.choices)
    title = models.CharField(_("chức danh"), max_length=100, blank=True)
    is_active = models.BooleanField(_("đang hiệu lực"), default=True)

    class Meta:
        verbose_name = _("phân công")
        verbose_name_plural = _("phân công")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "agency", "role"], name="membership_user_agency_role"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} — {self.agency}"


def has_role(user: User, agency: Agency, *roles: str) -> bool:
    """Whether ``user`` acts in ``agency`` with one of ``roles`` (any role if none given)."""
    if not user.is_authenticated:
        return False
    memberships = Membership.objects.filter(user=user, agency=agency, is_active=True)
    if roles:
        memberships = memberships.filter(role__in=roles)
    return memberships.exists()
