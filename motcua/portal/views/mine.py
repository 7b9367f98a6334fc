"""The citizen's own dossiers and documents. (To be built.)"""

from django.http import HttpRequest, HttpResponse, HttpResponseNotFound


def my_dossiers(request: HttpRequest) -> HttpResponse:
    return HttpResponseNotFound()


def my_dossier(request: HttpRequest, code: str) -> HttpResponse:
    return HttpResponseNotFound()


supplement = withdraw = rate = my_dossier


def my_documents(request: HttpRequest) -> HttpResponse:
    return HttpResponseNotFound()


def document_file(request: HttpRequest, document_id: int) -> HttpResponse:
    return HttpResponseNotFound()
