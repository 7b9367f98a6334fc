"""Sign-in through an OpenID Connect provider. (To be built.)"""

from django.http import HttpRequest, HttpResponse, HttpResponseNotFound


def _todo(request: HttpRequest) -> HttpResponse:
    return HttpResponseNotFound()


start = callback = _todo
