"""The outbox: written in the caller's transaction, delivered after commit, claimed by
one worker only, retried with back-off, secrets blanked, SMS printed in development."""

from __future__ import annotations

import datetime as dt
import smtplib
import threading
import time
from typing import Any

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.core.management import call_command
from django.db import connection, transaction
from django.urls import reverse

from motcua.notifications import outbox
from motcua.notifications.models import MessageChannel, OutboxMessage

T0 = dt.datetime(2026, 12, 1, 8, 0, tzinfo=dt.UTC)
MINUTE = dt.timedelta(minutes=1)
EMAIL = MessageChannel.EMAIL


class FailingBackend(BaseEmailBackend):
    """An SMTP server that refuses every message."""

    def send_messages(self, email_messages: Any) -> int:
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")


class SlowBackend(BaseEmailBackend):
    """Records each message it is given, slowly, so two workers overlap."""

    sent: list[str] = []
    lock = threading.Lock()

    def send_messages(self, email_messages: Any) -> int:
        time.sleep(0.2)
        with self.lock:
            SlowBackend.sent.extend(m.subject for m in email_messages)
        return len(email_messages)


def _queue(**kwargs: Any) -> OutboxMessage:
    fields: dict[str, Any] = {
        "channel": EMAIL,
        "recipient": "an@example.vn",
        "subject": "Hồ sơ đã có kết quả",
        "body": "Nội dung",
        "at": T0,
    }
    fields.update(kwargs)
    return outbox.enqueue(**fields)


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_transaction_sends_nothing():
    with pytest.raises(RuntimeError), transaction.atomic():
        _queue()
        raise RuntimeError("the change that caused the message failed")
    assert not OutboxMessage.objects.exists()
    assert mail.outbox == []


@pytest.mark.django_db(transaction=True)
def test_a_committed_message_is_delivered_after_commit():
    with transaction.atomic():
        message = _queue()
        assert mail.outbox == []  # nothing leaves before the commit
    assert [m.subject for m in mail.outbox] == ["Hồ sơ đã có kết quả"]
    message.refresh_from_db()
    assert message.sent_at == T0
    assert message.attempts == 1
    assert message.body == "Nội dung"  # not a secret: kept


@pytest.mark.django_db
def test_a_message_claimed_by_another_worker_is_not_sent_again():
    message = _queue()
    # Worker A claims it (the same conditional UPDATE ``deliver`` runs) and is sending.
    claimed = OutboxMessage.objects.filter(pk=message.pk, next_attempt_at__lte=T0).update(
        next_attempt_at=T0 + outbox.LEASE
    )
    assert claimed == 1
    assert outbox.deliver(message.pk, at=T0 + MINUTE) is False
    assert outbox.deliver_pending(T0 + MINUTE).sent == 0
    assert mail.outbox == []
    # A worker that died mid-send: the message is picked up again after the lease.
    assert outbox.deliver(message.pk, at=T0 + outbox.LEASE) is True
    assert len(mail.outbox) == 1
    assert outbox.deliver(message.pk, at=T0 + outbox.LEASE) is False
    assert len(mail.outbox) == 1


@pytest.mark.django_db(transaction=True)
def test_two_pollers_at_once_send_each_message_once(settings):
    if connection.vendor != "postgresql":
        pytest.skip("concurrent writers are exercised on PostgreSQL")
    settings.EMAIL_BACKEND = f"{__name__}.SlowBackend"
    SlowBackend.sent = []
    with transaction.atomic():
        OutboxMessage.objects.bulk_create(
            OutboxMessage(
                channel=EMAIL,
                recipient="an@example.vn",
                subject=f"m{i}",
                body="x",
                created_at=T0,
                next_attempt_at=T0,
            )
            for i in range(6)
        )
    results: list[outbox.DeliverySummary] = []

    def poll() -> None:
        try:
            results.append(outbox.deliver_pending(T0))
        finally:
            connection.close()

    threads = [threading.Thread(target=poll) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(SlowBackend.sent) == [f"m{i}" for i in range(6)]
    assert sum(r.sent for r in results) == 6
    assert OutboxMessage.objects.filter(sent_at__isnull=True).count() == 0


@pytest.mark.django_db
def test_failures_are_retried_with_back_off_then_abandoned(settings):
    settings.EMAIL_BACKEND = f"{__name__}.FailingBackend"
    message = _queue()
    at = T0
    waits = []
    for attempt in range(1, outbox.MAX_ATTEMPTS):
        assert outbox.deliver_pending(at).sent == 0
        message.refresh_from_db()
        assert message.attempts == attempt
        assert message.failed_at is None
        assert "SMTPServerDisconnected" in message.last_error
        assert message.next_attempt_at is not None
        waits.append(message.next_attempt_at - at)
        # Not due before its time.
        assert outbox.deliver_pending(message.next_attempt_at - dt.timedelta(seconds=1)) == (
            outbox.DeliverySummary(sent=0, not_sent=0)
        )
        at = message.next_attempt_at
    assert waits == outbox.BACKOFF[: outbox.MAX_ATTEMPTS - 1]
    outbox.deliver_pending(at)
    message.refresh_from_db()
    assert message.attempts == outbox.MAX_ATTEMPTS
    assert message.failed_at == at
    assert message.next_attempt_at is None
    assert outbox.deliver_pending(at + dt.timedelta(days=1)).not_sent == 0


@pytest.mark.django_db
def test_an_undelivered_secret_is_blanked_when_its_code_expires(settings):
    settings.EMAIL_BACKEND = f"{__name__}.FailingBackend"
    settings.MOTCUA_OTP_MINUTES = 5
    message = _queue(body="Mã xác thực của bạn là 123456", is_secret=True)
    outbox.deliver_pending(T0)
    message.refresh_from_db()
    assert message.body != "" and message.failed_at is None
    outbox.deliver_pending(T0 + 5 * MINUTE)
    message.refresh_from_db()
    assert message.failed_at == T0 + 5 * MINUTE
    assert message.body == ""
    assert "hết hạn" in message.last_error


@pytest.mark.django_db
def test_sms_is_printed_on_the_development_console(settings, capsys):
    settings.MOTCUA_SMS_CONSOLE = True
    message = _queue(
        channel=MessageChannel.SMS,
        recipient="+84912345678",
        subject="",
        body="Mã xác thực của bạn là 654321",
        is_secret=True,
    )
    assert outbox.deliver(message.pk, at=T0)
    printed = capsys.readouterr().out
    assert "MÔI TRƯỜNG PHÁT TRIỂN" in printed
    assert "+84912345678" in printed
    assert "654321" in printed
    message.refresh_from_db()
    assert message.sent_at == T0
    assert message.body == ""


@pytest.mark.django_db
def test_sms_waits_for_a_gateway_when_the_console_is_off(settings, capsys):
    settings.MOTCUA_SMS_CONSOLE = False
    message = _queue(channel=MessageChannel.SMS, recipient="+84912345678", subject="")
    assert not outbox.deliver(message.pk, at=T0)
    assert capsys.readouterr().out == ""
    message.refresh_from_db()
    assert message.sent_at is None and message.failed_at is None
    assert message.attempts == 0
    assert "Chưa cấu hình cổng gửi" in message.last_error
    assert message.next_attempt_at == T0 + outbox.NO_GATEWAY_RECHECK
    assert not outbox.channel_available(MessageChannel.SMS)
    assert outbox.channel_available(MessageChannel.EMAIL)


@pytest.mark.django_db
def test_email_reaches_a_real_smtp_server(smtp_server):
    message = _queue(recipient="binh@example.vn", subject="Thông báo", body="Xin chào Bình")
    assert outbox.deliver(message.pk, at=T0)
    (received,) = smtp_server.messages
    assert received["To"] == "binh@example.vn"
    assert received["Subject"] == "Thông báo"
    assert received.get_content().strip() == "Xin chào Bình"


@pytest.mark.django_db
def test_the_command_delivers_what_is_due(capsys):
    _queue(at=T0)
    call_command("deliver_outbox")
    assert len(mail.outbox) == 1
    assert "đã gửi 1" in capsys.readouterr().out


def _change_url(message: OutboxMessage) -> str:
    return reverse("admin:notifications_outboxmessage_change", args=[message.pk])


@pytest.mark.django_db
def test_the_admin_lists_messages_read_only_and_hides_secrets(admin_client):
    secret = _queue(body="Mã xác thực của bạn là 112233", is_secret=True)
    plain = _queue(body="Hồ sơ của bạn đã có kết quả")
    listing = admin_client.get(reverse("admin:notifications_outboxmessage_changelist"))
    assert listing.status_code == 200
    assert "an@example.vn" in listing.content.decode()
    shown = admin_client.get(_change_url(secret))
    assert shown.status_code == 200
    page = shown.content.decode()
    assert "112233" not in page
    assert "Ẩn: tin nhắn chứa mã xác thực" in page
    assert 'name="body"' not in page  # read-only: no input
    assert "Hồ sơ của bạn đã có kết quả" in admin_client.get(_change_url(plain)).content.decode()
    assert admin_client.get(reverse("admin:notifications_outboxmessage_add")).status_code == 403


@pytest.mark.django_db
def test_the_command_loops_until_stopped(monkeypatch, capsys):
    from motcua.notifications.management.commands import deliver_outbox

    passes = []

    def stop_after_two(seconds: float) -> None:
        passes.append(seconds)
        if len(passes) == 2:
            raise KeyboardInterrupt
        _queue(at=T0, subject="second")

    _queue(at=T0)
    monkeypatch.setattr(deliver_outbox.time, "sleep", stop_after_two)
    call_command("deliver_outbox", "--loop", "--interval", "0.5")
    assert passes == [0.5, 0.5]
    assert [m.subject for m in mail.outbox] == ["Hồ sơ đã có kết quả", "second"]
    assert capsys.readouterr().out.count("đã gửi 1") == 2
