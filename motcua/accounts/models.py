"""People who sign in to MotCua: officials today, citizens from the portal issue on.

What a person may do is not stored here: it follows from their memberships in
agencies (``motcua.org.models.Membership``).
"""

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    full_name = models.CharField(_("họ và tên"), max_length=200, blank=True)
    phone = models.CharField(_("số điện thoại"), max_length=20, blank=True)
    # Personal identifier (số định danh cá nhân, 12 digits) — used to look up the
    # person's e-ID account at reception (Decree 118/2025 Art. 17(1)(a)).
    personal_id = models.CharField(_("số định danh cá nhân"), max_length=12, blank=True)

    class Meta:
        verbose_name = _("người dùng")
        verbose_name_plural = _("người dùng")

    def __str__(self) -> str:
        return self.full_name or self.get_full_name() or self.username
