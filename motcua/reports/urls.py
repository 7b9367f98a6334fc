from django.urls import path

from motcua.reports.views import bieu06, dashboard

app_name = "reports"
urlpatterns = [
    path("bieu-06/", bieu06.report, name="bieu06"),
    path("bieu-06/ho-so/", bieu06.dossiers, name="bieu06_dossiers"),
    path("bieu-06/xlsx/", bieu06.export_xlsx, name="bieu06_xlsx"),
    path("bieu-06/pdf/", bieu06.export_pdf, name="bieu06_pdf"),
    path("chi-so-766/", dashboard.dashboard, name="dashboard"),
    path("chi-so-766/ho-so/", dashboard.dossiers, name="dashboard_dossiers"),
]
