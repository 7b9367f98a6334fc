from django.conf import settings
from django.http import HttpRequest


def site(request: HttpRequest) -> dict[str, object]:
    """Values every public page needs."""
    return {"PROVINCE_CODE": settings.MOTCUA_PROVINCE_CODE}
