from django.contrib import admin
from django.urls import include, path

from motcua.api.main import api
from motcua.web import views

admin.site.site_header = "motcua"
admin.site.site_title = "motcua"

urlpatterns = [
    path("", views.home, name="home"),
    path("", include("motcua.web.urls")),
    path("healthz", views.health, name="health"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("accounts/", include("motcua.accounts.urls")),
    path("api/", api.urls),
    path("", include("motcua.dossiers.urls")),
    path("", include("motcua.campaigns.urls")),
    path("", include("motcua.sync.urls")),
    path("", include("motcua.feedback.urls")),
    path("mot-cua/", include("motcua.onestop.urls")),
    path("", include("motcua.files.urls")),
    path("", include("motcua.portal.urls")),
    path("", include("motcua.signing.urls")),
    path("", include("motcua.payments.urls")),
    path("sandbox/vnpay/", include("motcua.sandboxgateway.urls")),
]
