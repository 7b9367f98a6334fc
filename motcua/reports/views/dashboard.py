"""The 766 dashboard. (To be built.)"""

from django.http import HttpRequest, HttpResponse, HttpResponseNotFound


def dashboard(request: HttpRequest) -> HttpResponse:
    return HttpResponseNotFound()


def dossiers(request: HttpRequest) -> HttpResponse:
    return HttpResponseNotFound()
