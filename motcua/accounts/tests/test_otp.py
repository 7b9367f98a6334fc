"""One-time codes: normalised destinations, expiry, wrong guesses, single use, voiding
by a newer code, rate limits, and the code never stored or logged in clear."""

from __future__ import annotations

import datetime as dt
import logging
import re

import pytest
from django.core import mail

from motcua.accounts import otp
from motcua.accounts.models import OneTimeCode
from motcua.accounts.tests.conftest import code_in
from motcua.notifications.models import MessageChannel, OutboxMessage

pytestmark = pytest.mark.django_db

T0 = dt.datetime(2026, 12, 1, 8, 0, tzinfo=dt.UTC)
SECOND = dt.timedelta(seconds=1)
EMAIL = otp.Destination(MessageChannel.EMAIL, "an@example.vn")
PHONE = otp.Destination(MessageChannel.SMS, "+84912345678")
SIGN_UP = otp.Purpose.SIGN_UP


@pytest.fixture(autouse=True)
def _otp_settings(settings):
    settings.MOTCUA_OTP_MINUTES = 5
    settings.MOTCUA_OTP_MAX_ATTEMPTS = 3
    settings.MOTCUA_OTP_PER_HOUR = 4


def _other(code: str) -> str:
    return f"{(int(code) + 1) % 1_000_000:06d}"


@pytest.mark.parametrize(
    "typed",
    [
        "0912345678",
        "0912 345 678",
        "0912.345.678",
        "+84912345678",
        "+84 912 345 678",
        "84912345678",
        "(+84) 0912-345-678",
        " 0912345678 ",
    ],
)
def test_vietnamese_mobile_numbers_are_normalised_to_plus_84(typed):
    assert otp.normalise(typed) == PHONE


@pytest.mark.parametrize(
    "typed", ["", "091234567", "09123456789", "0212345678", "+1 912 345 678", "phone", "0912abc678"]
)
def test_wrong_shaped_phone_numbers_are_refused(typed):
    with pytest.raises(otp.InvalidDestination):
        otp.normalise(typed)


def test_email_addresses_are_lower_cased_and_checked():
    assert otp.normalise("  An@Example.VN ") == EMAIL
    with pytest.raises(otp.InvalidDestination):
        otp.normalise("an@example")
    with pytest.raises(otp.InvalidDestination):
        otp.normalise("an @example.vn")


def test_only_a_keyed_hash_is_stored_never_the_code():
    row, code = otp.issue(EMAIL, SIGN_UP, client="1.2.3.4", at=T0)
    assert re.fullmatch(r"\d{6}", code)
    assert re.fullmatch(r"[0-9a-f]{64}", row.code_hash)
    stored = OneTimeCode.objects.filter(pk=row.pk).values().get()
    assert not any(code in str(value) for value in stored.values())
    # Keyed: the plain SHA-256 of the code is not what is stored.
    import hashlib

    assert row.code_hash != hashlib.sha256(code.encode()).hexdigest()
    assert row.expires_at == T0 + dt.timedelta(minutes=5)


def test_a_code_is_accepted_once():
    _row, code = otp.issue(EMAIL, SIGN_UP, client="1.2.3.4", at=T0)
    assert otp.verify(EMAIL.value, SIGN_UP, code, at=T0 + SECOND).accepted
    again = otp.verify(EMAIL.value, SIGN_UP, code, at=T0 + 2 * SECOND)
    assert again.check is otp.Check.EXPIRED


def test_a_code_expires_after_the_configured_minutes():
    _row, code = otp.issue(EMAIL, SIGN_UP, client="1.2.3.4", at=T0)
    end = T0 + dt.timedelta(minutes=5)
    assert otp.verify(EMAIL.value, SIGN_UP, code, at=end).check is otp.Check.EXPIRED
    assert otp.verify(EMAIL.value, SIGN_UP, code, at=end - SECOND).accepted


def test_wrong_entries_are_counted_and_void_the_code():
    row, code = otp.issue(EMAIL, SIGN_UP, client="1.2.3.4", at=T0)
    wrong = _other(code)
    first = otp.verify(EMAIL.value, SIGN_UP, wrong, at=T0)
    second = otp.verify(EMAIL.value, SIGN_UP, wrong, at=T0)
    third = otp.verify(EMAIL.value, SIGN_UP, wrong, at=T0)
    assert (first.check, first.attempts_left) == (otp.Check.WRONG, 2)
    assert (second.check, second.attempts_left) == (otp.Check.WRONG, 1)
    assert third.check is otp.Check.VOID
    # Now even the right code is refused, and nothing more is counted.
    assert otp.verify(EMAIL.value, SIGN_UP, code, at=T0).check is otp.Check.VOID
    row.refresh_from_db()
    assert row.attempts == 3
    assert row.used_at is None


def test_a_new_code_voids_the_older_one():
    old_row, old = otp.issue(EMAIL, SIGN_UP, client="1.2.3.4", at=T0)
    _new_row, new = otp.issue(EMAIL, SIGN_UP, client="1.2.3.4", at=T0 + SECOND)
    old_row.refresh_from_db()
    assert old_row.expires_at == T0 + SECOND
    if old != new:
        assert otp.verify(EMAIL.value, SIGN_UP, old, at=T0 + 2 * SECOND).check is otp.Check.WRONG
    assert otp.verify(EMAIL.value, SIGN_UP, new, at=T0 + 2 * SECOND).accepted


def test_a_code_is_bound_to_its_destination_and_purpose():
    _row, code = otp.issue(EMAIL, SIGN_UP, client="1.2.3.4", at=T0)
    recover = otp.verify(EMAIL.value, otp.Purpose.RECOVER, code, at=T0)
    assert recover.check is otp.Check.MISSING
    assert otp.verify("other@example.vn", SIGN_UP, code, at=T0).check is otp.Check.MISSING


def test_codes_are_rate_limited_per_destination():
    for i in range(4):
        otp.issue(EMAIL, SIGN_UP, client=f"10.0.0.{i}", at=T0)
    with pytest.raises(otp.TooManyCodes):
        otp.issue(EMAIL, SIGN_UP, client="10.0.0.9", at=T0 + SECOND)
    # The other destination is not affected, and the hour ends.
    otp.issue(PHONE, SIGN_UP, client="10.0.0.9", at=T0 + SECOND)
    otp.issue(EMAIL, SIGN_UP, client="10.0.0.8", at=T0 + dt.timedelta(hours=1))


def test_codes_are_rate_limited_per_client_address():
    for i in range(4):
        otp.issue(otp.normalise(f"a{i}@example.vn"), SIGN_UP, client="1.2.3.4", at=T0)
    with pytest.raises(otp.TooManyCodes):
        otp.issue(otp.normalise("a9@example.vn"), SIGN_UP, client="1.2.3.4", at=T0)
    assert OneTimeCode.objects.count() == 4


def test_the_code_goes_out_as_a_secret_message_and_is_never_logged(
    caplog, django_capture_on_commit_callbacks
):
    caplog.set_level(logging.DEBUG)
    with django_capture_on_commit_callbacks(execute=True):
        otp.send_code(EMAIL, SIGN_UP, client="1.2.3.4", at=T0, sender="Dịch vụ công")
    (sent,) = mail.outbox
    code = code_in(sent.body)
    assert sent.to == ["an@example.vn"]
    assert code not in sent.subject
    message = OutboxMessage.objects.get()
    assert message.is_secret
    assert message.sent_at is not None
    assert message.body == ""  # blanked once delivered
    assert caplog.records, "issuing and delivering should log something"
    assert code not in caplog.text
    assert otp.verify(EMAIL.value, SIGN_UP, code, at=T0 + SECOND).accepted
    assert code not in caplog.text
