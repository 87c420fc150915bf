from django.urls import path

from motcua.feedback import views

app_name = "feedback"

urlpatterns = [
    path("phan-anh-kien-nghi/", views.petitions, name="petitions"),
    path("phan-anh-kien-nghi/gui", views.submit, name="submit"),
    path("phan-anh-kien-nghi/xu-ly/", views.handling, name="handling"),
    path("phan-anh-kien-nghi/xu-ly/<str:code>/", views.handle, name="handle"),
    path("phan-anh-kien-nghi/<str:code>/binh-chon", views.vote, name="vote"),
    path("danh-gia/quay/<str:unit_code>/", views.kiosk, name="kiosk"),
    path("danh-gia/<str:token>/", views.rate, name="rate"),
]
