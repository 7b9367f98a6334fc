"""Sign-in through an OpenID Connect provider (VNeID, the national portal's SSO).

``start`` sends the citizen to the provider; ``callback`` is where the provider sends
them back. The protocol is ``motcua.accounts.oidc``; here are only the messages and the
redirects. Both answer 404 when no provider is configured (``MOTCUA_OIDC_ISSUER``).
"""

from __future__ import annotations

import logging
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth import login
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from motcua.accounts import oidc
from motcua.accounts.oidc import Failure, Provider, SignInFailed

log = logging.getLogger(__name__)


def _provider() -> Provider:
    provider = oidc.configured()
    if provider is None:
        raise Http404
    return provider


def _safe_next(request: HttpRequest, target: str | None) -> str:
    """``target`` when it is an address on this site, else ""."""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return ""


def _back_to_sign_in(
    request: HttpRequest, provider: Provider, error: SignInFailed
) -> HttpResponseRedirect:
    log.warning("sign-in through %s failed: %s", provider.name, error)
    name = {"name": provider.name}
    text = {
        Failure.DENIED: _(
            "Bạn đã không đồng ý cho %(name)s chia sẻ thông tin nên chưa đăng nhập được. "
            "Bạn có thể thử lại hoặc đăng nhập bằng số điện thoại, thư điện tử."
        ),
        Failure.UNAVAILABLE: _(
            "Chưa kết nối được với %(name)s. Vui lòng thử lại sau ít phút hoặc đăng nhập "
            "bằng số điện thoại, thư điện tử."
        ),
        Failure.EXPIRED: _(
            "Phiên đăng nhập bằng %(name)s đã hết hạn hoặc không hợp lệ. Vui lòng bấm "
            "đăng nhập bằng %(name)s lại."
        ),
        Failure.INVALID: _(
            "Không xác nhận được thông tin đăng nhập từ %(name)s. Vui lòng thử lại."
        ),
        Failure.INACTIVE: _(
            "Tài khoản của bạn đang bị khóa. Vui lòng liên hệ bộ phận một cửa để được hỗ trợ."
        ),
    }[error.failure]
    messages.error(request, text % name)
    target = reverse("portal:sign_in")
    next_url = _safe_next(request, error.next_url)
    if next_url:
        target += "?" + urlencode({"next": next_url})
    return HttpResponseRedirect(target)


@never_cache
@require_GET
def start(request: HttpRequest) -> HttpResponse:
    """Send the citizen to the provider's sign-in page; ``?next=`` is kept for after."""
    provider = _provider()
    next_url = _safe_next(request, request.GET.get("next"))
    redirect_uri = request.build_absolute_uri(reverse("portal:oidc_callback"))
    try:
        address = oidc.begin(request.session, provider, redirect_uri, next_url)
    except SignInFailed as error:
        error.next_url = next_url
        return _back_to_sign_in(request, provider, error)
    return HttpResponseRedirect(address)


@never_cache
@require_GET
def callback(request: HttpRequest) -> HttpResponse:
    """The provider's answer: sign the citizen in, or say on the sign-in page why not."""
    provider = _provider()
    params = {key: request.GET.get(key, "") for key in request.GET}
    try:
        result = oidc.finish(request.session, provider, params)
    except SignInFailed as error:
        return _back_to_sign_in(request, provider, error)
    login(request, result.user, backend="django.contrib.auth.backends.ModelBackend")
    messages.success(
        request,
        _("Bạn đã đăng nhập bằng %(name)s.") % {"name": provider.name},
    )
    return HttpResponseRedirect(
        _safe_next(request, result.next_url) or reverse("portal:my_dossiers")
    )
