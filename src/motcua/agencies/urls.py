from django.urls import path

from . import views

app_name = "agencies"
urlpatterns = [
    path("", views.agency_list, name="agency-list"),
    path("<str:eid_code>/", views.agency_detail, name="agency-detail"),
]
