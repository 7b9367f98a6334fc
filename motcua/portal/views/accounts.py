"""Citizens' accounts: sign-up with a phone number or an e-mail address confirmed by a
one-time code, sign-in with a password (locked after repeated failures), recovery by
code, sign-out and the profile.

The code travels through the outbox (``motcua.accounts.otp``); the session keeps only
what the next step needs (``accounts_flow.Pending``), never the code."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, login, logout, update_session_auth_hash
from django.contrib.auth.hashers import make_password
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from motcua.accounts import otp, throttle
from motcua.accounts.models import User
from motcua.accounts.ratelimit import client_address, hit
from motcua.notifications.models import MessageChannel
from motcua.notifications.outbox import channel_available
from motcua.portal import accounts_flow as flow
from motcua.portal.citizen import citizen, citizen_required
from motcua.portal.forms_accounts import (
    ChangePasswordForm,
    CodeForm,
    ProfileForm,
    RecoverForm,
    SetPasswordForm,
    SignInForm,
    SignUpForm,
)

Purpose = otp.Purpose
TEMPLATES = "portal/accounts/"


def _oidc(next_url: str) -> dict[str, Any]:
    """Context for the OpenID Connect button (``_oidc_button.html``)."""
    return {
        "OIDC_ENABLED": bool(settings.MOTCUA_OIDC_ISSUER),
        "OIDC_NAME": settings.MOTCUA_OIDC_NAME,
        "next": next_url,
    }


# Sign-up attempts (each tells whether an address has an account) per client per hour.
SIGN_UP_CHECKS_PER_HOUR = 20


def _too_many() -> str:
    return _(
        "Bạn đã yêu cầu quá nhiều mã xác thực trong một giờ. Vui lòng thử lại sau, "
        "hoặc đến bộ phận một cửa để được hỗ trợ."
    )


def _no_channel() -> str:
    return _(
        "Hệ thống chưa gửi được tin nhắn SMS đến số điện thoại. Vui lòng dùng địa chỉ "
        "e-mail, hoặc đến bộ phận một cửa để được hỗ trợ."
    )


@sensitive_post_parameters("password1", "password2")
@never_cache
def sign_up(request: HttpRequest) -> HttpResponse:
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if request.user.is_authenticated:
        return HttpResponseRedirect(flow.safe_next(request, next_url, "portal:profile"))
    form = SignUpForm(request.POST or None)
    exists = False
    if request.method == "POST" and form.is_valid():
        target: otp.Destination = form.cleaned_data["destination"]
        # Whether an address has an account is answered at most so often per client,
        # so the sign-up form cannot be used to list who has one.
        if not hit(
            f"portal-signup:{client_address(request)}",
            limit=SIGN_UP_CHECKS_PER_HOUR,
            window=dt.timedelta(hours=1),
        ):
            form.add_error(None, _too_many())
        elif flow.account_for(target) is not None:
            exists = True
        elif not channel_available(target.channel):
            form.add_error("destination", _no_channel())
        else:
            try:
                flow.send_code(request, target, Purpose.SIGN_UP)
            except otp.TooManyCodes:
                form.add_error(None, _too_many())
            else:
                flow.Pending(
                    purpose=Purpose.SIGN_UP,
                    destination=target.value,
                    channel=target.channel,
                    next=next_url,
                    full_name=" ".join(form.cleaned_data["full_name"].split()),
                    password_hash=make_password(form.cleaned_data["password1"]),
                ).save(request)
                return redirect("portal:confirm_code")
    failed = request.method == "POST"
    return render(
        request,
        TEMPLATES + "sign_up.html",
        {"form": form, "exists": exists, **_oidc(next_url)},
        status=400 if failed else 200,
    )


def _code_error(verdict: otp.Verdict) -> str:
    if verdict.check is otp.Check.WRONG:
        return _("Mã xác thực không đúng. Bạn còn %(left)s lần thử.") % {
            "left": verdict.attempts_left
        }
    if verdict.check is otp.Check.VOID:
        return _(
            "Bạn đã nhập sai quá số lần cho phép nên mã này không còn dùng được. "
            "Hãy bấm «Gửi lại mã» để nhận mã mới."
        )
    return _(
        "Mã xác thực đã hết hạn hoặc đã được thay bằng mã mới hơn. "
        "Hãy bấm «Gửi lại mã» để nhận mã mới."
    )


def _accepted(request: HttpRequest, pending: flow.Pending) -> HttpResponse:
    flow.Pending.clear(request)
    if pending.purpose == Purpose.SIGN_UP:
        user = flow.create_account(request, pending)
        if user is None:
            messages.warning(
                request,
                _("Số điện thoại hoặc e-mail này đã có tài khoản. Vui lòng đăng nhập."),
            )
            return redirect("portal:sign_in")
        messages.success(
            request,
            _("Đã tạo tài khoản. Bạn có thể bổ sung số định danh cá nhân để điền hồ sơ nhanh hơn."),
        )
        return HttpResponseRedirect(flow.safe_next(request, pending.next, "portal:profile"))
    account = flow.account_for(pending.target)
    if account is None:  # cannot happen: no code was sent for an unknown address
        return redirect("portal:recover")
    flow.mark_recovered(request, account)
    return redirect("portal:set_password")


@sensitive_post_parameters("code")
@never_cache
def confirm_code(request: HttpRequest) -> HttpResponse:
    pending = flow.Pending.load(request)
    if pending is None:
        messages.info(request, _("Phiên xác thực đã kết thúc. Vui lòng bắt đầu lại."))
        return redirect("portal:sign_up")
    error = ""
    if request.method == "POST" and "resend" in request.POST:
        form = CodeForm()
        try:
            if pending.purpose == Purpose.RECOVER:
                flow.send_recovery(request, pending.target)
            else:
                flow.send_code(request, pending.target, pending.purpose)
        except otp.TooManyCodes:
            error = _too_many()
        else:
            messages.success(request, _("Đã gửi mã xác thực mới. Mã cũ không còn dùng được."))
            return redirect("portal:confirm_code")
    else:
        form = CodeForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            verdict = otp.verify(
                pending.destination, pending.purpose, form.cleaned_data["code"], at=timezone.now()
            )
            if verdict.accepted:
                return _accepted(request, pending)
            form.add_error("code", _code_error(verdict))
    failed = bool(error) or (request.method == "POST" and not form.is_valid())
    return render(
        request,
        TEMPLATES + "confirm_code.html",
        {
            "form": form,
            "error": error,
            "pending": pending,
            "is_phone": pending.channel == MessageChannel.SMS,
            "recovering": pending.purpose == Purpose.RECOVER,
            "minutes": settings.MOTCUA_OTP_MINUTES,
            "console_banner": pending.channel == MessageChannel.SMS and settings.MOTCUA_SMS_CONSOLE,
            "restart_url": "portal:recover"
            if pending.purpose == Purpose.RECOVER
            else "portal:sign_up",
        },
        status=400 if failed else 200,
    )


@sensitive_post_parameters("password")
@never_cache
def sign_in(request: HttpRequest) -> HttpResponse:
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if request.user.is_authenticated and request.method != "POST":
        return HttpResponseRedirect(flow.safe_next(request, next_url, "portal:my_dossiers"))
    form = SignInForm(request.POST or None)
    error = ""
    if request.method == "POST" and form.is_valid():
        target: otp.Destination = form.cleaned_data["destination"]
        key = flow.throttle_key(target)
        now = timezone.now()
        until = throttle.locked_until(key, now)
        if until:
            error = flow.lock_message(until)
        else:
            account = flow.account_for(target)
            # Authenticate even for an unknown address, so the answer takes as long.
            user = authenticate(
                request,
                username=account.username if account else target.value,
                password=form.cleaned_data["password"],
            )
            if user is None:
                throttle.record_failure(key, now)
                until = throttle.locked_until(key, now)
                error = (
                    flow.lock_message(until)
                    if until
                    else _("Số điện thoại/e-mail hoặc mật khẩu không đúng.")
                )
            elif flow.is_official(user):
                # The back office asks officials for their second factor; signing in
                # here would skip it.
                error = _("Tài khoản cán bộ đăng nhập tại trang dành cho cán bộ (/can-bo/).")
            else:
                throttle.clear_failures(key)
                login(request, user)
                return HttpResponseRedirect(flow.safe_next(request, next_url, "portal:my_dossiers"))
    failed = request.method == "POST"
    return render(
        request,
        TEMPLATES + "sign_in.html",
        {"form": form, "error": error, **_oidc(next_url)},
        status=400 if failed else 200,
    )


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    logout(request)
    messages.info(request, _("Bạn đã đăng xuất."))
    return redirect("portal:home")


@never_cache
def recover(request: HttpRequest) -> HttpResponse:
    form = RecoverForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        target: otp.Destination = form.cleaned_data["destination"]
        if not channel_available(target.channel):
            form.add_error("destination", _no_channel())
        else:
            try:
                flow.send_recovery(request, target)
            except otp.TooManyCodes:
                form.add_error(None, _too_many())
            else:
                flow.Pending(
                    purpose=Purpose.RECOVER, destination=target.value, channel=target.channel
                ).save(request)
                return redirect("portal:confirm_code")
    return render(
        request,
        TEMPLATES + "recover.html",
        {"form": form},
        status=400 if request.method == "POST" else 200,
    )


@sensitive_post_parameters("current", "password1", "password2")
@never_cache
def set_password(request: HttpRequest) -> HttpResponse:
    """A new password after recovery by code, or a signed-in citizen's password change."""
    recovering = flow.recovered_user(request)
    form: SetPasswordForm
    if recovering is not None:
        form = SetPasswordForm(recovering, request.POST or None)
    elif request.user.is_authenticated:
        form = ChangePasswordForm(citizen(request), request.POST or None)
    else:
        messages.info(request, _("Vui lòng nhận mã xác thực trước khi đặt mật khẩu mới."))
        return redirect("portal:recover")
    if recovering is not None and flow.is_official(recovering):
        # An official's password is reset by an administrator, never by a code sent
        # to an address: that would bypass their second factor.
        request.session.pop(flow.RECOVERED, None)
        messages.error(
            request,
            _("Tài khoản cán bộ được cấp lại mật khẩu bởi quản trị hệ thống của đơn vị."),
        )
        return redirect("backoffice:login")
    if request.method == "POST" and form.is_valid():
        user: User = form.user
        user.set_password(form.cleaned_data["password1"])
        user.save(update_fields=["password"])
        request.session.pop(flow.RECOVERED, None)
        if recovering is not None:
            # A recovered account is unlocked: the person proved they hold the address.
            for address in {user.username, user.phone, user.email.lower()} - {""}:
                throttle.clear_failures(f"portal:{address}")
            login(request, user, backend=flow.MODEL_BACKEND)
        else:
            update_session_auth_hash(request, user)
        messages.success(request, _("Đã đặt mật khẩu mới."))
        return redirect("portal:profile")
    return render(
        request,
        TEMPLATES + "set_password.html",
        {"form": form, "recovering": recovering is not None},
        status=400 if request.method == "POST" else 200,
    )


@citizen_required
@never_cache
def profile(request: HttpRequest) -> HttpResponse:
    user = citizen(request)
    form = ProfileForm(request.POST or None, instance=user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Đã lưu thông tin cá nhân."))
        return redirect("portal:profile")
    return render(
        request,
        TEMPLATES + "profile.html",
        {"form": form, "account": user},
        status=400 if request.method == "POST" else 200,
    )
