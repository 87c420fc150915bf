from django.urls import path

from motcua.files import views

app_name = "files"

urlpatterns = [
    path("tep/<int:pk>/", views.download, name="download"),
]
