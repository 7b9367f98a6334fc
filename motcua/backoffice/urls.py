from django.urls import path

from motcua.backoffice.views import auth, counter, dossier, home, printouts, worklists

app_name = "backoffice"

urlpatterns = [
    path("", home.home, name="home"),
    path("dang-nhap/", auth.sign_in, name="login"),
    path("dang-nhap/xac-thuc/", auth.second_factor, name="second_factor"),
    path("dang-xuat/", auth.sign_out, name="logout"),
    path("doi-mat-khau/", auth.change_password, name="change_password"),
    path("bao-mat/", auth.security, name="security"),
    path("co-quan/", auth.switch_agency, name="switch_agency"),
    path("danh-sach/<slug:slug>/", worklists.worklist, name="worklist"),
    path("tiep-nhan/", counter.counter, name="counter"),
    path("tiep-nhan/thu-tuc/", counter.procedure_search, name="counter_procedures"),
    path("tiep-nhan/nguoi-nop/", counter.applicant_lookup, name="counter_applicant"),
    path("tiep-nhan/hen-tra/", counter.appointment_preview, name="counter_appointment"),
    path("ho-so/<str:code>/", dossier.dossier_page, name="dossier"),
    path("ho-so/<str:code>/thao-tac/<slug:action>/", dossier.act, name="act"),
    path("ho-so/<str:code>/giay-to/<int:pk>/", dossier.document, name="document"),
    path("ho-so/<str:code>/bieu-mau/<slug:form>/", printouts.dossier_form, name="form"),
    path("so-theo-doi/", printouts.tracking_book, name="tracking_book"),
]
