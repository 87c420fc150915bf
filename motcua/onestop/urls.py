from django.urls import path

from motcua.onestop import views, views_forms

app_name = "onestop"

urlpatterns = [
    path("", views.worklist, name="worklist"),
    path("tiep-nhan/", views.intake_page, name="intake"),
    path("so-theo-doi/", views.register_redirect, name="register_pick"),
    path("so-theo-doi/<str:unit_code>.pdf", views_forms.register, name="register"),
    path("ho-so/<str:code>/", views.dossier_page, name="dossier"),
    path("ho-so/<str:code>/<slug:action>", views.act, name="act"),
    path("<str:code>/phieu-tiep-nhan.pdf", views_forms.receipt, name="receipt"),
    path(
        "<str:code>/phieu-yeu-cau-bo-sung.pdf",
        views_forms.supplement_form,
        name="supplement_form",
    ),
    path("<str:code>/phieu-tu-choi.pdf", views_forms.refusal_form, name="refusal_form"),
    path("<str:code>/phieu-xin-loi.pdf", views_forms.apology_form, name="apology_form"),
    path("<str:code>/phieu-kiem-soat.pdf", views_forms.control_slip, name="control_slip"),
]
