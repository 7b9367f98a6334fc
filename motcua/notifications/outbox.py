"""Writing to the outbox and delivering from it.

Contract:

- ``enqueue(...)`` writes an ``OutboxMessage`` in the caller's transaction and asks for
  delivery once that transaction commits: a rolled-back change sends nothing, and a
  committed one is sent even when the first try fails (``deliver_outbox`` retries).
- ``deliver(message_id)`` claims the message with a conditional UPDATE (moving
  ``next_attempt_at`` past a lease), so two workers never send one message twice; then
  sends it. Failures are counted and retried with back-off until ``MAX_ATTEMPTS``, then
  the message is abandoned (``failed_at``).
- A secret message (a one-time code) has its body blanked once sent or abandoned, and is
  abandoned once the code it carries has expired.
- E-mail goes through Django's e-mail backend (SMTP in production). SMS and Zalo gateways
  arrive with the notifications issue: until then an SMS is printed on the server's
  console where ``MOTCUA_SMS_CONSOLE`` is on (development), otherwise it waits.
"""

from __future__ import annotations

import datetime as dt
import logging
import sys
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import get_connection, send_mail
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.notifications.models import MessageChannel, OutboxMessage

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 6
# Waits after the 1st, 2nd, … failed attempt; the last one repeats.
BACKOFF = [
    dt.timedelta(minutes=1),
    dt.timedelta(minutes=5),
    dt.timedelta(minutes=15),
    dt.timedelta(hours=1),
    dt.timedelta(hours=4),
]
# A claimed message is not picked up by another worker for this long: more than a send
# can take (SMTP_TIMEOUT), so a crashed worker's message is retried, never doubled.
LEASE = dt.timedelta(minutes=10)
SMTP_TIMEOUT = 30
# How long a message waits when its channel has no gateway before it is looked at again.
NO_GATEWAY_RECHECK = dt.timedelta(hours=1)
BATCH = 200


class NoGateway(Exception):
    """No gateway is configured for the channel yet: the message stays pending."""


def enqueue(
    channel: str,
    recipient: str,
    subject: str,
    body: str,
    *,
    is_secret: bool = False,
    at: dt.datetime,
) -> OutboxMessage:
    """Queue a message in the current transaction; delivered after commit."""
    message = OutboxMessage.objects.create(
        channel=channel,
        recipient=recipient,
        subject=subject.replace("\n", " ")[:200],
        body=body,
        is_secret=is_secret,
        created_at=at,
        next_attempt_at=at,
    )
    transaction.on_commit(lambda: deliver(message.pk, at=at))
    return message


def channel_available(channel: str) -> bool:
    """Whether a message on ``channel`` can reach its recipient on this installation,
    so that a screen can offer another channel instead of a code that never arrives."""
    if channel == MessageChannel.EMAIL:
        return True
    if channel == MessageChannel.SMS:
        return bool(settings.MOTCUA_SMS_CONSOLE)
    return False


def _send_email(message: OutboxMessage) -> None:
    timeout = getattr(settings, "EMAIL_TIMEOUT", None) or SMTP_TIMEOUT
    send_mail(
        message.subject,
        message.body,
        settings.DEFAULT_FROM_EMAIL,
        [message.recipient],
        connection=get_connection(timeout=timeout),
    )


def _print_sms(message: OutboxMessage) -> None:
    """Development only: the SMS goes to the server's console instead of a phone."""
    rule = "=" * 72
    banner = _("TIN NHẮN SMS — MÔI TRƯỜNG PHÁT TRIỂN, KHÔNG GỬI THẬT (MOTCUA_SMS_CONSOLE)")
    sys.stdout.write(
        f"\n{rule}\n{banner}\n{_('Đến')}: {message.recipient}\n{message.body}\n{rule}\n"
    )
    sys.stdout.flush()


def _send(message: OutboxMessage) -> None:
    if message.channel == MessageChannel.EMAIL:
        _send_email(message)
    elif message.channel == MessageChannel.SMS and settings.MOTCUA_SMS_CONSOLE:
        _print_sms(message)
    else:
        raise NoGateway(
            _(
                "Chưa cấu hình cổng gửi %(channel)s; tin nhắn chờ đến khi có cổng gửi "
                "(vấn đề thông báo)."
            )
            % {"channel": message.get_channel_display()}
        )


def _secret_expired(message: OutboxMessage, at: dt.datetime) -> bool:
    # A one-time code is useless after MOTCUA_OTP_MINUTES: sending it later only
    # confuses the person, and keeping it keeps a secret in the database.
    lifetime = dt.timedelta(minutes=settings.MOTCUA_OTP_MINUTES)
    return message.is_secret and at >= message.created_at + lifetime


def _finish(message_id: int, **fields: object) -> None:
    OutboxMessage.objects.filter(pk=message_id).update(**fields)


def deliver(message_id: int, *, at: dt.datetime | None = None) -> bool:
    """Send one message if it is due and nobody else is sending it; True when sent.

    Never raises for a delivery failure: the failure is recorded on the message."""
    at = at or timezone.now()
    claimed = OutboxMessage.objects.filter(
        pk=message_id, sent_at__isnull=True, failed_at__isnull=True, next_attempt_at__lte=at
    ).update(next_attempt_at=at + LEASE)
    if not claimed:
        return False
    message = OutboxMessage.objects.get(pk=message_id)
    blank = {"body": ""} if message.is_secret else {}
    if _secret_expired(message, at):
        _finish(
            message_id,
            failed_at=at,
            next_attempt_at=None,
            last_error=_("Mã xác thực đã hết hạn trước khi gửi được."),
            **blank,
        )
        log.warning("outbox message %s abandoned: its one-time code expired", message_id)
        return False
    try:
        _send(message)
    except NoGateway as exc:
        recheck = at + NO_GATEWAY_RECHECK
        if message.is_secret:
            recheck = min(
                recheck, message.created_at + dt.timedelta(minutes=settings.MOTCUA_OTP_MINUTES)
            )
        _finish(message_id, next_attempt_at=recheck, last_error=str(exc))
        log.info("outbox message %s waits: no %s gateway", message_id, message.channel)
        return False
    except Exception as exc:  # any backend error: record it, retry later
        attempts = message.attempts + 1
        error = f"{type(exc).__name__}: {exc}"[:2000]
        if attempts >= MAX_ATTEMPTS:
            _finish(
                message_id,
                attempts=attempts,
                failed_at=at,
                next_attempt_at=None,
                last_error=error,
                **blank,
            )
            log.error("outbox message %s abandoned after %s attempts", message_id, attempts)
        else:
            wait = BACKOFF[min(attempts, len(BACKOFF)) - 1]
            _finish(message_id, attempts=attempts, next_attempt_at=at + wait, last_error=error)
            log.warning("outbox message %s attempt %s failed: %s", message_id, attempts, error)
        return False
    _finish(
        message_id,
        attempts=message.attempts + 1,
        sent_at=at,
        next_attempt_at=None,
        last_error="",
        **blank,
    )
    log.info("outbox message %s sent (%s)", message_id, message.channel)
    return True


@dataclass(frozen=True)
class DeliverySummary:
    sent: int
    not_sent: int  # failed this time, waiting for a gateway, or taken by another worker


def deliver_pending(at: dt.datetime | None = None) -> DeliverySummary:
    """One pass over the messages due at ``at``, oldest first (at most ``BATCH``)."""
    at = at or timezone.now()
    due = list(
        OutboxMessage.objects.filter(
            sent_at__isnull=True, failed_at__isnull=True, next_attempt_at__lte=at
        )
        .order_by("next_attempt_at", "pk")
        .values_list("pk", flat=True)[:BATCH]
    )
    sent = sum(1 for pk in due if deliver(pk, at=at))
    return DeliverySummary(sent=sent, not_sent=len(due) - sent)
