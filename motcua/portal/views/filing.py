"""Filing online. (To be built.)"""

from django.http import HttpRequest, HttpResponse, HttpResponseNotFound


def start(request: HttpRequest, code: str) -> HttpResponse:
    return HttpResponseNotFound()


def edit_draft(request: HttpRequest, draft_id: int) -> HttpResponse:
    return HttpResponseNotFound()


def delete_draft(request: HttpRequest, draft_id: int) -> HttpResponse:
    return HttpResponseNotFound()
