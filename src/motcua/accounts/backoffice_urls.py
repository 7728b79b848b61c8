from django.urls import path

from .views import staff

app_name = "backoffice"
urlpatterns = [
    path("", staff.backoffice_home, name="home"),
]
