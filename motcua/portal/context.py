from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext as _

from motcua.org.models import AdministrativeUnit, UnitEra, UnitLevel

_province_names: dict[str, str] = {}


def _province_name() -> str:
    code = settings.MOTCUA_PROVINCE_CODE
    if code not in _province_names:
        unit = AdministrativeUnit.objects.filter(
            level=UnitLevel.PROVINCE, era=UnitEra.CURRENT, code=code
        ).first()
        if unit is None:
            return ""  # not loaded yet: ask again next time
        _province_names[code] = unit.name
    return _province_names[code]


def site(request: HttpRequest) -> dict[str, object]:
    """Values every public page needs, including the province's branding (settings)."""
    province = _province_name()
    return {
        "PROVINCE_CODE": settings.MOTCUA_PROVINCE_CODE,
        "PROVINCE_NAME": province,
        "BRAND_NAME": settings.MOTCUA_BRAND_NAME
        or (_("Dịch vụ công %(province)s") % {"province": province} if province else "MotCua"),
        "BRAND_LOGO": settings.MOTCUA_BRAND_LOGO,
        "BRAND_COLOR": settings.MOTCUA_BRAND_COLOR,
        "BRAND_ACCENT": settings.MOTCUA_BRAND_ACCENT,
    }
