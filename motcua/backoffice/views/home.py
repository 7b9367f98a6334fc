from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from motcua.backoffice.scope import officer_view


@officer_view
def home(request: HttpRequest) -> HttpResponse:
    """A counter officer starts at the online submissions waiting; everyone else at
    their own tasks."""
    desk = request.desk  # type: ignore[attr-defined]
    slug = "cho-tiep-nhan" if desk.receives else "viec-cua-toi"
    return redirect("backoffice:worklist", slug=slug)
