"""One-time codes (OTP) sent to a phone number or an e-mail address.

Contract:

- ``normalise(text)`` turns what a person typed into a ``Destination``: Vietnamese mobile
  numbers become ``+84XXXXXXXXX``, e-mail addresses are lower-cased; anything else raises
  ``InvalidDestination``.
- ``send_code(...)`` issues a 6-digit code and queues it in the outbox, in one transaction.
  Only a keyed hash (HMAC-SHA256, key derived from ``SECRET_KEY``) is stored; the code in
  clear exists only in the outbox message (``is_secret``, blanked once delivered) and is
  never logged. A new code for the same destination and purpose voids the older ones.
  Codes are rate-limited per destination and per client address
  (``MOTCUA_OTP_PER_HOUR``); a refused request raises ``TooManyCodes``.
- ``verify(...)`` checks a typed code against the newest code for the destination and
  purpose: it expires after ``MOTCUA_OTP_MINUTES``, is void after
  ``MOTCUA_OTP_MAX_ATTEMPTS`` wrong entries and is accepted once.
"""

from __future__ import annotations

import datetime as dt
import enum
import hmac
import logging
import re
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import F
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from motcua.accounts import ratelimit
from motcua.accounts.models import OneTimeCode
from motcua.notifications import outbox
from motcua.notifications.models import MessageChannel

log = logging.getLogger(__name__)

Purpose = OneTimeCode.Purpose
CODE_DIGITS = 6
HOUR = dt.timedelta(hours=1)
_HMAC_SALT = "motcua.accounts.otp"

# Vietnamese mobile numbers: 10 digits, 0 then 3/5/7/8/9 (the 2018 renumbering moved
# every mobile number to these prefixes); landlines cannot receive an SMS.
_MOBILE = re.compile(r"^[35789]\d{8}$")
_PHONE_NOISE = re.compile(r"[\s.\-()]")


class InvalidDestination(ValueError):
    """Neither a Vietnamese mobile number nor an e-mail address."""


class TooManyCodes(Exception):
    """Too many codes asked for this destination or from this client in the hour."""


@dataclass(frozen=True)
class Destination:
    channel: str  # MessageChannel.SMS or MessageChannel.EMAIL
    value: str  # normalised: +84XXXXXXXXX or a lower-case e-mail address

    @property
    def is_phone(self) -> bool:
        return self.channel == MessageChannel.SMS


def normalise_phone(text: str) -> str | None:
    """``+84XXXXXXXXX`` for a Vietnamese mobile number written as 0912 345 678,
    0912.345.678, +84 912 345 678, 84912345678 or (+84) 0912…; None otherwise."""
    digits = _PHONE_NOISE.sub("", text.strip())
    if digits.startswith("+84"):
        digits = digits[3:]
    elif digits.startswith("84") and len(digits) == 11:
        digits = digits[2:]
    if digits.startswith("0"):
        digits = digits[1:]
    if not _MOBILE.match(digits):
        return None
    return f"+84{digits}"


def normalise(text: str) -> Destination:
    """The destination a person typed, normalised (see the module docstring)."""
    text = (text or "").strip()
    if "@" in text:
        address = text.lower()
        try:
            validate_email(address)
        except ValidationError as exc:
            raise InvalidDestination(text) from exc
        return Destination(MessageChannel.EMAIL, address)
    phone = normalise_phone(text)
    if phone is None:
        raise InvalidDestination(text)
    return Destination(MessageChannel.SMS, phone)


def _hash(destination: str, purpose: str, code: str) -> str:
    # Binding the hash to destination and purpose means a stored hash says nothing
    # about any other row, and a code for sign-up cannot be replayed for recovery.
    return salted_hmac(
        _HMAC_SALT, f"{purpose}\n{destination}\n{code}", algorithm="sha256"
    ).hexdigest()


def new_code() -> str:
    return "".join(secrets.choice("0123456789") for _ in range(CODE_DIGITS))


def issue(
    destination: Destination, purpose: str, *, client: str, at: dt.datetime
) -> tuple[OneTimeCode, str]:
    """Store a new code's hash, voiding older live codes for the same destination and
    purpose; return the row and the code in clear (the caller sends it, never logs it).

    Raises ``TooManyCodes`` when the destination or the client has had
    ``MOTCUA_OTP_PER_HOUR`` codes this hour."""
    limit = settings.MOTCUA_OTP_PER_HOUR
    if not ratelimit.hit(f"otp:to:{destination.value}", limit=limit, window=HOUR, at=at):
        raise TooManyCodes
    if not ratelimit.hit(f"otp:from:{client}", limit=limit, window=HOUR, at=at):
        raise TooManyCodes
    code = new_code()
    with transaction.atomic():
        OneTimeCode.objects.filter(
            destination=destination.value,
            purpose=purpose,
            used_at__isnull=True,
            expires_at__gt=at,
        ).update(expires_at=at)
        row = OneTimeCode.objects.create(
            destination=destination.value,
            purpose=purpose,
            code_hash=_hash(destination.value, purpose, code),
            created_at=at,
            expires_at=at + dt.timedelta(minutes=settings.MOTCUA_OTP_MINUTES),
        )
    log.info("one-time code %s issued (%s, %s)", row.pk, purpose, destination.channel)
    return row, code


def message_text(code: str, purpose: str, sender: str) -> tuple[str, str]:
    """Subject and body of the message carrying ``code``."""
    minutes = settings.MOTCUA_OTP_MINUTES
    what = {
        Purpose.SIGN_UP: _("đăng ký tài khoản"),
        Purpose.SIGN_IN: _("đăng nhập"),
        Purpose.RECOVER: _("khôi phục mật khẩu"),
    }.get(Purpose(purpose), "")
    subject = _("%(sender)s: mã xác thực %(what)s") % {"sender": sender, "what": what}
    body = _(
        "Mã xác thực %(what)s tại %(sender)s của bạn là %(code)s. Mã có hiệu lực "
        "%(minutes)s phút và chỉ dùng được một lần. Không đưa mã này cho bất kỳ ai, "
        "kể cả người tự xưng là cán bộ."
    ) % {"what": what, "sender": sender, "code": code, "minutes": minutes}
    return subject, body


def send_code(
    destination: Destination, purpose: str, *, client: str, at: dt.datetime, sender: str
) -> OneTimeCode:
    """Issue a code and queue it in the outbox in one transaction (delivered after
    commit). Raises ``TooManyCodes`` like ``issue``."""
    with transaction.atomic():
        row, code = issue(destination, purpose, client=client, at=at)
        subject, body = message_text(code, purpose, sender)
        outbox.enqueue(destination.channel, destination.value, subject, body, is_secret=True, at=at)
    return row


class Check(enum.Enum):
    ACCEPTED = "accepted"
    WRONG = "wrong"  # wrong code; attempts remain
    VOID = "void"  # too many wrong codes: ask for a new one
    EXPIRED = "expired"  # expired, replaced by a newer code, or already used
    MISSING = "missing"  # no code was ever sent for this destination and purpose


@dataclass(frozen=True)
class Verdict:
    check: Check
    attempts_left: int = 0

    @property
    def accepted(self) -> bool:
        return self.check is Check.ACCEPTED


def verify(destination: str, purpose: str, typed: str, *, at: dt.datetime) -> Verdict:
    """Check ``typed`` against the newest code for ``destination`` and ``purpose``.

    Every update is conditional, so two requests racing with the same code accept it at
    most once and never count more than ``MOTCUA_OTP_MAX_ATTEMPTS`` wrong entries."""
    max_attempts = settings.MOTCUA_OTP_MAX_ATTEMPTS
    row = (
        OneTimeCode.objects.filter(destination=destination, purpose=purpose)
        .order_by("-created_at", "-pk")
        .first()
    )
    if row is None:
        return Verdict(Check.MISSING)
    if row.used_at is not None or row.expires_at <= at:
        return Verdict(Check.EXPIRED)
    if row.attempts >= max_attempts:
        return Verdict(Check.VOID)
    live = OneTimeCode.objects.filter(
        pk=row.pk, used_at__isnull=True, expires_at__gt=at, attempts__lt=max_attempts
    )
    typed = re.sub(r"\s", "", typed or "")
    if hmac.compare_digest(row.code_hash, _hash(destination, purpose, typed)):
        if live.update(used_at=at):
            return Verdict(Check.ACCEPTED)
        return Verdict(Check.EXPIRED)  # another request used it a moment ago
    if not live.update(attempts=F("attempts") + 1):
        return Verdict(Check.VOID)
    attempts = OneTimeCode.objects.values_list("attempts", flat=True).get(pk=row.pk)
    if attempts >= max_attempts:
        log.info("one-time code %s void after %s wrong entries", row.pk, attempts)
        return Verdict(Check.VOID)
    return Verdict(Check.WRONG, attempts_left=max_attempts - attempts)
