from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path
from django.utils.translation import gettext_lazy as _

admin.site.site_header = _("MotCua — Quản trị hệ thống")
admin.site.site_title = _("MotCua")
admin.site.index_title = _("Quản trị")

urlpatterns: list[URLPattern | URLResolver] = [
    path("quan-tri/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("thu-tuc/", include("motcua.catalog.urls")),
    path("can-bo/", include("motcua.backoffice.urls")),
    path("bao-cao/", include("motcua.reports.urls")),
    path("", include("motcua.portal.urls")),
]
if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
