from django.urls import path

from motcua.sync import views

app_name = "sync"

urlpatterns = [
    path("sync/", views.outbox_page, name="outbox"),
    path("sync/retry", views.retry, name="retry"),
    path("api/sync/dossiers", views.receive_dossiers, name="receive"),
]
