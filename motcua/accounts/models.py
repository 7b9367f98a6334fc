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


class OneTimeCode(models.Model):
    """A one-time code sent to a phone number or e-mail address (sign-up, sign-in,
    recovery). Only a keyed hash of the code is kept; it expires, is used once and
    allows a few wrong guesses (``motcua.accounts.otp``)."""

    class Purpose(models.TextChoices):
        SIGN_UP = "sign_up", _("Đăng ký tài khoản")
        SIGN_IN = "sign_in", _("Đăng nhập")
        RECOVER = "recover", _("Khôi phục mật khẩu")

    # Normalised: +84… for phones, lower-case for e-mail addresses.
    destination = models.CharField(_("gửi đến"), max_length=254)
    purpose = models.CharField(_("mục đích"), max_length=12, choices=Purpose.choices)
    code_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(_("tạo lúc"))
    expires_at = models.DateTimeField(_("hết hạn lúc"))
    attempts = models.PositiveSmallIntegerField(_("số lần nhập sai"), default=0)
    used_at = models.DateTimeField(_("đã dùng lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("mã xác thực một lần")
        verbose_name_plural = _("mã xác thực một lần")
        indexes = [models.Index(fields=["destination", "purpose", "created_at"])]

    def __str__(self) -> str:
        return f"{self.get_purpose_display()} — {self.created_at:%d/%m/%Y %H:%M}"


class ExternalIdentity(models.Model):
    """An account at an OpenID Connect provider (VNeID, the national portal's SSO)
    linked to a MotCua user: the pair (issuer, subject) names one person there."""

    user = models.ForeignKey(
        User, verbose_name=_("người dùng"), on_delete=models.CASCADE, related_name="identities"
    )
    issuer = models.CharField(_("nhà cung cấp định danh"), max_length=300)
    subject = models.CharField(_("mã định danh tại nhà cung cấp"), max_length=255)
    linked_at = models.DateTimeField(_("liên kết lúc"))
    last_sign_in_at = models.DateTimeField(_("đăng nhập gần nhất"), null=True, blank=True)

    class Meta:
        verbose_name = _("tài khoản định danh liên kết")
        verbose_name_plural = _("tài khoản định danh liên kết")
        constraints = [
            models.UniqueConstraint(fields=["issuer", "subject"], name="identity_issuer_subject")
        ]

    def __str__(self) -> str:
        return f"{self.issuer} — {self.subject}"


class RateLimit(models.Model):
    """Requests counted per key in a fixed window (OTP requests per address and per
    client, status lookups per client). Kept in the database so that every web
    process sees the same counts."""

    key = models.CharField(max_length=200, unique=True)
    window_start = models.DateTimeField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("giới hạn tần suất")
        verbose_name_plural = _("giới hạn tần suất")

    def __str__(self) -> str:
        return self.key
