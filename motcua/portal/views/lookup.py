"""Status lookup by dossier code. (To be built.)"""

from django.http import HttpRequest, HttpResponse, HttpResponseNotFound


def lookup(request: HttpRequest) -> HttpResponse:
    return HttpResponseNotFound()
