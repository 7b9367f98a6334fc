from django.urls import path

from motcua.portal.views import accounts, filing, home, lookup, mine, oidc

app_name = "portal"
urlpatterns = [
    path("", home.home, name="home"),
    # Accounts: phone number or e-mail, a one-time code, a password (accounts.py).
    path("tai-khoan/dang-ky/", accounts.sign_up, name="sign_up"),
    path("tai-khoan/xac-nhan/", accounts.confirm_code, name="confirm_code"),
    path("tai-khoan/dang-nhap/", accounts.sign_in, name="sign_in"),
    path("tai-khoan/dang-xuat/", accounts.sign_out, name="sign_out"),
    path("tai-khoan/quen-mat-khau/", accounts.recover, name="recover"),
    path("tai-khoan/dat-mat-khau/", accounts.set_password, name="set_password"),
    path("tai-khoan/ca-nhan/", accounts.profile, name="profile"),
    # OpenID Connect (VNeID, the national portal's SSO) (oidc.py).
    path("tai-khoan/dinh-danh/bat-dau/", oidc.start, name="oidc_start"),
    path("tai-khoan/dinh-danh/ve/", oidc.callback, name="oidc_callback"),
    # Filing online (filing.py).
    path("nop-truc-tuyen/<str:code>/", filing.start, name="file_start"),
    path("ho-so-nhap/<int:draft_id>/", filing.edit_draft, name="draft"),
    path("ho-so-nhap/<int:draft_id>/xoa/", filing.delete_draft, name="draft_delete"),
    # The citizen's own dossiers and documents (mine.py).
    path("ho-so-cua-toi/", mine.my_dossiers, name="my_dossiers"),
    path("ho-so-cua-toi/<str:code>/", mine.my_dossier, name="my_dossier"),
    path("ho-so-cua-toi/<str:code>/bo-sung/", mine.supplement, name="my_supplement"),
    path("ho-so-cua-toi/<str:code>/rut/", mine.withdraw, name="my_withdraw"),
    path("ho-so-cua-toi/<str:code>/danh-gia/", mine.rate, name="my_rating"),
    path("giay-to-cua-toi/", mine.my_documents, name="my_documents"),
    path("giay-to-cua-toi/<int:document_id>/", mine.document_file, name="my_document"),
    # Status lookup without an account, the address on the receipt's QR code (lookup.py).
    path("tra-cuu/", lookup.lookup, name="lookup"),
]
