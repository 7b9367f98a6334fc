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
    # Optional second factor for officials: a TOTP secret (RFC 6238, base32) and the
    # last time step accepted, so one code cannot be used twice.
    totp_secret = models.CharField(_("khóa xác thực hai lớp"), max_length=64, blank=True)
    totp_last_step = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("người dùng")
        verbose_name_plural = _("người dùng")

    def __str__(self) -> str:
        return self.full_name or self.get_full_name() or self.username


class SignInThrottle(models.Model):
    """Failed sign-ins per account name: after ``MOTCUA_SIGNIN_MAX_FAILURES`` failures
    within the window the account is locked for ``MOTCUA_SIGNIN_LOCK_MINUTES``."""

    key = models.CharField(max_length=200, unique=True)
    failures = models.PositiveIntegerField(default=0)
    first_failure_at = models.DateTimeField()
    locked_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("khóa đăng nhập tạm thời")
        verbose_name_plural = _("khóa đăng nhập tạm thời")

    def __str__(self) -> str:
        return self.key
