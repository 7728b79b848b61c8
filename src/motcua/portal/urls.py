from django.urls import path

from . import views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("my-dossiers/", views.my_dossiers, name="my-dossiers"),
    path("language/", views.set_language, name="set-language"),
]
