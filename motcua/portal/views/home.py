from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from motcua.org.models import AdministrativeUnit, UnitEra, UnitLevel

# Searches offered on the home page: what people come for most at commune and
# provincial counters (civil status, certification, construction, land).
COMMON_SEARCHES = [
    "đăng ký khai sinh",
    "chứng thực bản sao",
    "đăng ký kết hôn",
    "cấp giấy phép xây dựng",
    "đăng ký khai tử",
    "lý lịch tư pháp",
]


def home(request: HttpRequest) -> HttpResponse:
    province = AdministrativeUnit.objects.filter(
        level=UnitLevel.PROVINCE, era=UnitEra.CURRENT, code=settings.MOTCUA_PROVINCE_CODE
    ).first()
    province_name = province.name if province else ""
    return render(
        request,
        "portal/home.html",
        {"province_name": province_name, "common_searches": COMMON_SEARCHES},
    )
