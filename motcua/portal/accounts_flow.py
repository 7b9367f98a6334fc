"""What the citizen's account views share: finding the account behind an address,
sending codes, the sign-in lock-out, the state of a code being confirmed (kept in the
session, never the code itself) and safe redirects."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import asdict, dataclass

from django.contrib.auth import login
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from motcua.accounts import otp
from motcua.accounts.models import User
from motcua.accounts.ratelimit import client_address
from motcua.notifications import outbox
from motcua.notifications.models import MessageChannel
from motcua.org.models import Membership
from motcua.portal.context import site
from motcua.workdays.calendar import LOCAL_TZ

PENDING = "portal_pending_code"
RECOVERED = "portal_recovered"
MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"
# How long after a recovery code was accepted the new password may be set.
RECOVERY_WINDOW = dt.timedelta(minutes=15)


def account_for(destination: otp.Destination) -> User | None:
    """The account an address belongs to: the one named after it, else the one that
    lists it as its phone number or e-mail (an official's account, say)."""
    named = User.objects.filter(username=destination.value).first()
    if named is not None:
        return named
    if destination.is_phone:
        return User.objects.filter(phone=destination.value).order_by("pk").first()
    return User.objects.filter(email__iexact=destination.value).order_by("pk").first()


def is_official(user: User) -> bool:
    """Officials sign in at the back office, where their second factor is asked; the
    portal's password and one-time-code paths must never open their session."""
    return bool(
        user.is_staff
        or user.is_superuser
        or user.totp_secret
        or Membership.objects.filter(user=user).exists()
    )


def small_int(raw: str) -> int | None:
    """A primary key or version typed in a form: ASCII digits only, and not absurdly
    long (``str.isdigit`` accepts "²", which ``int`` refuses)."""
    return int(raw) if re.fullmatch(r"[0-9]{1,18}", raw) else None


def safe_next(request: HttpRequest, target: str | None, default: str) -> str:
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse(default)


# --- Sending codes -------------------------------------------------------------------


def send_code(request: HttpRequest, target: otp.Destination, purpose: str) -> None:
    """Send a code; raises ``otp.TooManyCodes``."""
    otp.send_code(
        target,
        purpose,
        client=client_address(request),
        at=timezone.now(),
        sender=str(site(request)["BRAND_NAME"]),
    )


def send_recovery(request: HttpRequest, target: otp.Destination) -> None:
    """Send a recovery code when the address has an account. Otherwise store a code
    nobody receives, so that every later step looks and counts the same and the page
    never tells whether the address has an account; an e-mail address is told, in a
    message without a code, that no account uses it (its owner may have signed up with
    another address, and the request takes as long as a real one). Raises
    ``otp.TooManyCodes``."""
    if account_for(target) is not None:
        send_code(request, target, otp.Purpose.RECOVER)
        return
    now = timezone.now()
    with transaction.atomic():
        otp.issue(target, otp.Purpose.RECOVER, client=client_address(request), at=now)
        if target.channel == MessageChannel.EMAIL:
            brand = str(site(request)["BRAND_NAME"])
            sign_up_url = request.build_absolute_uri(reverse("portal:sign_up"))
            outbox.enqueue(
                MessageChannel.EMAIL,
                target.value,
                _("%(sender)s: yêu cầu khôi phục mật khẩu") % {"sender": brand},
                _(
                    "Có người vừa yêu cầu khôi phục mật khẩu tại %(sender)s cho địa chỉ "
                    "e-mail này, nhưng không có tài khoản nào dùng địa chỉ này. Nếu đó là "
                    "bạn, có thể bạn đã đăng ký bằng số điện thoại hoặc e-mail khác, hoặc "
                    "bạn có thể đăng ký tài khoản mới tại %(url)s. Nếu không phải bạn, hãy "
                    "bỏ qua thư này."
                )
                % {"sender": brand, "url": sign_up_url},
                at=now,
            )


# --- Lock-out (motcua.accounts.throttle): the portal's key and message -------------


def throttle_key(destination: otp.Destination) -> str:
    return f"portal:{destination.value}"


def lock_message(until: dt.datetime) -> str:
    return _(
        "Tài khoản tạm khóa vì đăng nhập sai nhiều lần. Vui lòng thử lại sau %(time)s "
        "hoặc dùng «Quên mật khẩu» để đặt lại mật khẩu."
    ) % {"time": until.astimezone(LOCAL_TZ).strftime("%H:%M")}


# --- The code being confirmed ---------------------------------------------------------


@dataclass
class Pending:
    """A sign-up or recovery waiting for its code. For a sign-up, the password is kept
    only as Django's salted hash until the account is created."""

    purpose: str
    destination: str
    channel: str
    next: str = ""
    full_name: str = ""
    password_hash: str = ""

    @property
    def target(self) -> otp.Destination:
        return otp.Destination(self.channel, self.destination)

    def save(self, request: HttpRequest) -> None:
        request.session[PENDING] = asdict(self)

    @classmethod
    def load(cls, request: HttpRequest) -> Pending | None:
        data = request.session.get(PENDING)
        if not isinstance(data, dict):
            return None
        try:
            return cls(**data)
        except TypeError:
            return None

    @staticmethod
    def clear(request: HttpRequest) -> None:
        request.session.pop(PENDING, None)


def mark_recovered(request: HttpRequest, user: User) -> None:
    request.session[RECOVERED] = {"user": user.pk, "at": timezone.now().isoformat()}


def recovered_user(request: HttpRequest) -> User | None:
    """The account whose recovery code was accepted in this session, if recent."""
    data = request.session.get(RECOVERED)
    if not isinstance(data, dict):
        return None
    try:
        at = dt.datetime.fromisoformat(data["at"])
    except (KeyError, TypeError, ValueError):
        return None
    if timezone.now() - at > RECOVERY_WINDOW:
        return None
    user_id = data.get("user")
    if not isinstance(user_id, int):
        return None
    return User.objects.filter(pk=user_id, is_active=True).first()


def create_account(request: HttpRequest, pending: Pending) -> User | None:
    """Create and sign in the account of a confirmed sign-up; None when the address got
    an account in the meantime (another tab, another person)."""
    target = pending.target
    try:
        with transaction.atomic():
            if account_for(target) is not None:
                return None
            user = User(
                username=target.value,
                full_name=pending.full_name,
                phone=target.value if target.is_phone else "",
                email="" if target.is_phone else target.value,
                password=pending.password_hash,
            )
            user.save()
    except IntegrityError:  # the same address confirmed twice at once
        return None
    login(request, user, backend=MODEL_BACKEND)
    return user
