from django.urls import include, path

app_name = "idp"
urlpatterns = [
    path("o/", include("oauth2_provider.urls", namespace="oauth2_provider")),
]
