from django.urls import path

from motcua.onestop import documents, views, views_forms

# Forms 01–05 of a dossier: /mot-cua/<code>/<slug>.pdf (the slugs are in documents.FORMS).
FORM_URLS = {
    1: "receipt",
    2: "supplement_form",
    3: "refusal_form",
    4: "apology_form",
    5: "control_slip",
}

app_name = "onestop"

urlpatterns = [
    path("", views.worklist, name="worklist"),
    path("tiep-nhan/", views.intake_page, name="intake"),
    path("so-theo-doi/", views.register_redirect, name="register_pick"),
    path("so-theo-doi/<str:unit_code>.pdf", views_forms.register, name="register"),
    path("ho-so/<str:code>/", views.dossier_page, name="dossier"),
    path("ho-so/<str:code>/<slug:action>", views.act, name="act"),
    *[
        path(
            f"<str:code>/{documents.FORMS[number].slug}.pdf",
            views_forms.form,
            {"number": number},
            name=name,
        )
        for number, name in FORM_URLS.items()
    ],
]
