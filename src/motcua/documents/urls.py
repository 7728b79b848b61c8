"""URLs of the documents app, mounted at /verify/ (public, no sign-in)."""

from django.urls import path

from . import views

app_name = "documents"
urlpatterns = [
    path("", views.document_lookup, name="document-lookup"),
    path("<str:code>/", views.document_detail, name="document-detail"),
    path("<str:code>/download/", views.document_download, name="document-download"),
]
