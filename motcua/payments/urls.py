from django.urls import path

from motcua.payments import views

app_name = "payments"

urlpatterns = [
    path("thanh-toan/ipn/<slug:key>/", views.ipn, name="ipn"),
    path("thanh-toan/ket-qua/<str:token>/", views.returned, name="return"),
    path("thanh-toan/doi-soat/", views.report, name="report"),
    path("thanh-toan/ho-so/<int:dossier_id>/", views.dossier_payments, name="dossier"),
    path("thanh-toan/ho-so/<int:dossier_id>/tham-dinh-phi/", views.assess, name="assess"),
    path("thanh-toan/ho-so/<int:dossier_id>/thu-tai-quay/", views.counter, name="counter"),
    path("thanh-toan/giao-dich/<int:payment_id>/hoan-tien/", views.refund, name="refund"),
    path("thanh-toan/<str:token>/", views.pay, name="pay"),
]
