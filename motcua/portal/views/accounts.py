"""Citizens' accounts: sign-up, sign-in and recovery by one-time code. (To be built.)"""

from django.http import HttpRequest, HttpResponse, HttpResponseNotFound


def _todo(request: HttpRequest) -> HttpResponse:
    return HttpResponseNotFound()


sign_up = confirm_code = sign_in = sign_out = recover = set_password = profile = _todo
