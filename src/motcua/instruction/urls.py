"""Back office (staff) pages. Every view here is wrapped in `accounts.decorators.staff_required`."""

from django.urls import path

from . import views

app_name = "backoffice"
urlpatterns = [
    path("", views.backoffice_home, name="home"),
]
