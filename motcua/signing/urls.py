from django.urls import path

from motcua.signing import views

app_name = "signing"

urlpatterns = [
    path("ket-qua/xac-thuc/", views.verify, name="verify"),
    path("ket-qua/<str:key>/tai-ve.pdf", views.download, name="download"),
]
