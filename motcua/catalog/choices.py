"""The catalogue's fixed vocabularies, with the slugs the national data uses."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from motcua.workdays.limits import LimitUnit


class Level(models.TextChoices):
    """Implementing level (cấp thực hiện), as normalised in ``cap_thuc_hien``."""

    MINISTRY = "bo", _("Cấp bộ")
    PROVINCE = "tinh", _("Cấp tỉnh")
    COMMUNE = "xa", _("Cấp xã")
    OTHER = "khac", _("Cơ quan khác")


class Channel(models.TextChoices):
    """Submission channel (hình thức nộp), as in ``cach_thuc_thuc_hien[].hinh_thuc``."""

    IN_PERSON = "truc_tiep", _("Trực tiếp")
    ONLINE = "truc_tuyen", _("Trực tuyến")
    POST = "buu_chinh", _("Dịch vụ bưu chính")


class OnlineLevel(models.TextChoices):
    """How far a procedure runs online in this province (Decree 42/2022 levels)."""

    NONE = "none", _("Không cung cấp trực tuyến")
    PARTIAL = "partial", _("Một phần")
    FULL_PROCESS = "full_process", _("Toàn trình")


# The units come from workdays.limits so that a stored unit always converts back
# to a LimitUnit; the labels are the ones TimeLimit prints.
LIMIT_UNIT_CHOICES = [(unit.value, unit.lazy_label) for unit in LimitUnit]
