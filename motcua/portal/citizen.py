"""Who the portal's visitor is, and the one rule of the citizen's pages: a citizen
sees only what is theirs (their dossiers, their drafts, their documents)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from urllib.parse import urlencode

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.urls import reverse

from motcua.accounts.models import User
from motcua.dossiers.models import Document


def citizen_required(
    view: Callable[..., HttpResponseBase],
) -> Callable[..., HttpResponseBase]:
    """Send visitors who are not signed in to the portal's sign-in, then back here."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponseBase:
        if not request.user.is_authenticated:
            query = urlencode({"next": request.get_full_path()})
            return HttpResponseRedirect(f"{reverse('portal:sign_in')}?{query}")
        return view(request, *args, **kwargs)

    return wrapped


def citizen(request: HttpRequest) -> User:
    """The signed-in user (the view is wrapped in ``citizen_required``)."""
    user = request.user
    assert isinstance(user, User)
    return user


def documents_of(user: User) -> QuerySet[Document]:
    """ "My documents": the documents of the citizen's own dossiers that carry a file
    (results included), reusable in a new dossier."""
    return Document.objects.filter(dossier__citizen=user).exclude(file="")
