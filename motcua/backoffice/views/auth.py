"""Officials' sign-in: password, an optional TOTP second factor, lock-out after
repeated failures, sign-out, password change, choosing the agency to work for."""

from __future__ import annotations

import datetime as dt
import io

import segno
from django import forms
from django.contrib import messages
from django.contrib.auth import authenticate, login, logout, update_session_auth_hash
from django.contrib.auth.forms import PasswordChangeForm
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from motcua.accounts import throttle, totp
from motcua.accounts.models import User
from motcua.backoffice.scope import SESSION_AGENCY, officer_view
from motcua.workdays.calendar import LOCAL_TZ

PENDING_2FA = "backoffice_pending_2fa"
PENDING_NEXT = "backoffice_pending_next"


class SignInForm(forms.Form):
    username = forms.CharField(
        label=gettext_lazy("Tên đăng nhập"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "username", "autofocus": True}),
    )
    password = forms.CharField(
        label=gettext_lazy("Mật khẩu"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class CodeForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Mã xác thực 6 chữ số"),
        max_length=12,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )


def _safe_next(request: HttpRequest, target: str | None) -> str:
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("backoffice:home")


def _lock_message(until: dt.datetime) -> str:
    return _(
        "Tài khoản tạm khóa vì đăng nhập sai nhiều lần. Vui lòng thử lại sau %(time)s "
        "hoặc liên hệ quản trị hệ thống."
    ) % {"time": until.astimezone(LOCAL_TZ).strftime("%H:%M")}


@sensitive_post_parameters("password")
@never_cache
def sign_in(request: HttpRequest) -> HttpResponse:
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    form = SignInForm(request.POST or None)
    error = ""
    if request.method == "POST" and form.is_valid():
        key = form.cleaned_data["username"].strip().lower()
        now = timezone.now()
        until = throttle.locked_until(key, now)
        if until:
            error = _lock_message(until)
        else:
            user = authenticate(
                request,
                username=form.cleaned_data["username"].strip(),
                password=form.cleaned_data["password"],
            )
            if user is None:
                throttle.record_failure(key, now)
                until = throttle.locked_until(key, now)
                error = (
                    _lock_message(until) if until else _("Tên đăng nhập hoặc mật khẩu không đúng.")
                )
            else:
                throttle.clear_failures(key)
                assert isinstance(user, User)
                if user.totp_secret:
                    request.session[PENDING_2FA] = user.pk
                    request.session[PENDING_NEXT] = next_url
                    return redirect("backoffice:second_factor")
                login(request, user)
                return HttpResponseRedirect(_safe_next(request, next_url))
    return render(
        request,
        "backoffice/sign_in.html",
        {"form": form, "error": error, "next": next_url},
        status=200 if not error else 400,
    )


@sensitive_post_parameters("code")
@never_cache
def second_factor(request: HttpRequest) -> HttpResponse:
    pending = request.session.get(PENDING_2FA)
    user = User.objects.filter(pk=pending, is_active=True).first() if pending else None
    if user is None:
        return redirect("backoffice:login")
    form = CodeForm(request.POST or None)
    error = ""
    if request.method == "POST" and form.is_valid():
        key = f"2fa:{user.pk}"
        now = timezone.now()
        until = throttle.locked_until(key, now)
        if until:
            error = _lock_message(until)
        else:
            with transaction.atomic():
                locked = User.objects.select_for_update().get(pk=user.pk)
                step = totp.verify(
                    locked.totp_secret, form.cleaned_data["code"], last_step=locked.totp_last_step
                )
                if step is not None:
                    locked.totp_last_step = step
                    locked.save(update_fields=["totp_last_step"])
            if step is None:
                throttle.record_failure(key, now)
                error = _("Mã xác thực không đúng hoặc đã hết hạn.")
            else:
                throttle.clear_failures(key)
                next_url = request.session.get(PENDING_NEXT, "")
                login(request, locked)
                return HttpResponseRedirect(_safe_next(request, next_url))
    return render(
        request,
        "backoffice/second_factor.html",
        {"form": form, "error": error},
        status=200 if not error else 400,
    )


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    logout(request)
    messages.info(request, _("Bạn đã đăng xuất."))
    return redirect("backoffice:login")


@sensitive_post_parameters()
@officer_view
def change_password(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    form = PasswordChangeForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        form.save()
        update_session_auth_hash(request, form.user)
        messages.success(request, _("Đã đổi mật khẩu."))
        return redirect("backoffice:home")
    return render(request, "backoffice/change_password.html", {"form": form})


def _qr_svg(data: str) -> str:
    out = io.BytesIO()
    segno.make(data, error="m").save(out, kind="svg", scale=4, xmldecl=False, svgns=True)
    return out.getvalue().decode("utf-8")


SETUP_SECRET = "backoffice_totp_setup"


@sensitive_post_parameters("code")
@officer_view
def security(request: HttpRequest) -> HttpResponse:
    """Turn the second factor on (scan the QR code, type one code) or off."""
    user = request.user
    assert isinstance(user, User)
    error = ""
    if request.method == "POST" and request.POST.get("do") == "off":
        user.totp_secret, user.totp_last_step = "", 0
        user.save(update_fields=["totp_secret", "totp_last_step"])
        messages.success(request, _("Đã tắt xác thực hai lớp."))
        return redirect("backoffice:security")
    secret = request.session.get(SETUP_SECRET) or totp.new_secret()
    request.session[SETUP_SECRET] = secret
    form = CodeForm(request.POST or None)
    if request.method == "POST" and request.POST.get("do") == "on" and form.is_valid():
        step = totp.verify(secret, form.cleaned_data["code"])
        if step is None:
            error = _("Mã xác thực không đúng. Kiểm tra giờ trên điện thoại và thử lại.")
        else:
            user.totp_secret, user.totp_last_step = secret, step
            user.save(update_fields=["totp_secret", "totp_last_step"])
            del request.session[SETUP_SECRET]
            messages.success(request, _("Đã bật xác thực hai lớp."))
            return redirect("backoffice:security")
    uri = totp.provisioning_uri(secret, user.username)
    return render(
        request,
        "backoffice/security.html",
        {
            "enabled": bool(user.totp_secret),
            "secret": secret,
            "qr": _qr_svg(uri),
            "form": form,
            "error": error,
        },
        status=400 if error else 200,
    )


@require_POST
@officer_view
def switch_agency(request: HttpRequest) -> HttpResponse:
    desk = request.desk  # type: ignore[attr-defined]
    try:
        chosen = int(request.POST.get("agency", ""))
    except ValueError:
        chosen = 0
    if chosen in desk.agency_ids:
        request.session[SESSION_AGENCY] = chosen
    else:
        messages.error(request, _("Bạn không làm việc tại cơ quan đã chọn."))
    return HttpResponseRedirect(_safe_next(request, request.POST.get("next")))
