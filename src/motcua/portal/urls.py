from django.urls import path

from . import views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("procedures/", views.procedure_list, name="procedure-list"),
    path("procedures/<uuid:public_id>/", views.procedure_detail, name="procedure-detail"),
    path("my-dossiers/", views.my_dossiers, name="my-dossiers"),
    path("language/", views.set_language, name="set-language"),
]
