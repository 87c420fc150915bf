from django.urls import path

from motcua.web import views

app_name = "web"

urlpatterns = [
    path("", views.home, name="dashboard"),
    path("don-vi/<str:code>/", views.unit, name="unit"),
    path("chi-so/<str:indicator_code>/", views.indicator, name="indicator"),
]
