from django.urls import path

from motcua.campaigns import views

app_name = "campaigns"

urlpatterns = [
    path("chien-dich/", views.campaign_list, name="list"),
    path("chien-dich/<int:pk>/", views.campaign_detail, name="detail"),
    path(
        "chien-dich/<int:pk>/bao-cao/<str:kind>.<str:fmt>",
        views.campaign_download,
        name="download",
    ),
    path(
        "chien-dich/<int:pk>/nhiem-vu/<int:task_id>/bao-cao",
        views.task_report,
        name="task_report",
    ),
    path("chien-dich/<int:pk>/chot-so-lieu", views.take_snapshots, name="snapshot"),
]
