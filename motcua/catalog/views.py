from django.http import HttpRequest, HttpResponse


def search(request: HttpRequest) -> HttpResponse:
    return HttpResponse("")


def detail(request: HttpRequest, code: str) -> HttpResponse:
    return HttpResponse("")
