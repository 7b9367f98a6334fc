"""Biểu 06 pages. (To be built.)"""

from django.http import HttpRequest, HttpResponse, HttpResponseNotFound


def report(request: HttpRequest) -> HttpResponse:
    return HttpResponseNotFound()


def dossiers(request: HttpRequest) -> HttpResponse:
    return HttpResponseNotFound()


def export_xlsx(request: HttpRequest) -> HttpResponse:
    return HttpResponseNotFound()


def export_pdf(request: HttpRequest) -> HttpResponse:
    return HttpResponseNotFound()
