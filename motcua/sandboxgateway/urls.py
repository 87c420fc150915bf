from django.urls import path

from motcua.sandboxgateway import views

app_name = "sandboxgateway"

urlpatterns = [
    path("paymentv2/vpcpay.html", views.pay_page, name="pay"),
    path("paymentv2/<int:txn_id>/choose", views.choose, name="choose"),
    path("merchant_webapi/api/transaction", views.api, name="api"),
]
