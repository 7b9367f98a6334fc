from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, QueryDict
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


class VietnameseFirstLocaleMiddleware(LocaleMiddleware):
    """Vietnamese unless the person chose English with the language switch.

    Django's LocaleMiddleware follows the browser's Accept-Language, and many phones in
    Vietnam run with an English system language: their owners would land on an English
    site they did not ask for. Only the language cookie, set by the switch, counts.
    """

    def process_request(self, request: HttpRequest) -> None:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        available = {code for code, _ in settings.LANGUAGES}
        language = chosen if chosen in available else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


class RejectNulMiddleware:
    """A NUL character in the address, the query or a form field is never legitimate
    input, and PostgreSQL refuses it in text: answer 400 with a message rather than
    let it reach a query and fail there (500)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if "\x00" in request.path or _has_nul(request.GET):
            return _bad_input()
        is_form = request.method == "POST" and request.content_type in _FORM_TYPES
        if is_form and _has_nul(request.POST):
            return _bad_input()
        return self.get_response(request)


_FORM_TYPES = {"application/x-www-form-urlencoded", "multipart/form-data"}


def _has_nul(data: QueryDict) -> bool:
    return any("\x00" in key or any("\x00" in v for v in data.getlist(key)) for key in data)


def _bad_input() -> HttpResponse:
    return HttpResponseBadRequest(
        translation.gettext("Dữ liệu gửi lên có ký tự không hợp lệ."),
        content_type="text/plain; charset=utf-8",
    )
