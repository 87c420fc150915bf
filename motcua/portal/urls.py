from django.urls import path

from motcua.portal import oidc, views

app_name = "portal"

urlpatterns = [
    path("dich-vu-cong/", views.home, name="home"),
    path("dich-vu-cong/thu-tuc/<str:code>/", views.procedure_detail, name="procedure"),
    path("dich-vu-cong/thu-tuc/<str:code>/nop/", views.file_dossier, name="file"),
    path("dich-vu-cong/dang-ky/", views.signup, name="signup"),
    path("dich-vu-cong/dang-nhap/", views.signin, name="signin"),
    path("dich-vu-cong/dang-xuat/", views.signout, name="signout"),
    path("dich-vu-cong/vneid/", oidc.StartView.as_view(), name="oidc_start"),
    path("dich-vu-cong/vneid/callback/", oidc.CallbackView.as_view(), name="oidc_callback"),
    path("dich-vu-cong/ho-so/", views.my_dossiers, name="dossiers"),
    path("dich-vu-cong/ho-so/<str:code>/", views.dossier_detail, name="dossier"),
    path("dich-vu-cong/ho-so/<str:code>/bo-sung/", views.supplement, name="supplement"),
    path("dich-vu-cong/ho-so/<str:code>/bien-nhan/", views.confirmation, name="confirmation"),
    path("dich-vu-cong/ho-so/<str:code>/mau-<int:number>.pdf", views.official_form, name="form"),
    path("dich-vu-cong/kho-du-lieu/", views.data_store, name="store"),
    path("tra-cuu/", views.lookup, name="lookup"),
    path("tra-cuu/<str:code>/", views.status_page, name="status"),
]
