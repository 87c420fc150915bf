from django.urls import path

from motcua.dossiers import views

app_name = "dossiers"

urlpatterns = [
    path("ho-so/", views.dossier_list, name="list"),
    path("ho-so/<str:code>/", views.dossier_detail, name="detail"),
    path("ho-so/<str:code>/xem-thong-tin-ca-nhan", views.dossier_unmask, name="unmask"),
    path("nhap-ho-so/", views.import_page, name="import"),
    path("nhap-ho-so/<str:token>/", views.import_upload, name="import_upload"),
    path("nhap-ho-so/<str:token>/xac-nhan", views.import_confirm, name="import_confirm"),
]
