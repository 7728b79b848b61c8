"""Back-office URLs of the result templates, mounted under
/backoffice/procedures/<uuid:public_id>/result-templates/ (next to the builder's pages)."""

from django.urls import path

from . import template_views

app_name = "result_templates"
urlpatterns = [
    path("", template_views.result_template_list, name="result-template-list"),
    path("<str:decision>/", template_views.result_template_edit, name="result-template-edit"),
    path("<str:decision>/preview/", template_views.result_template_preview, name="result-template-preview"),
    path("<str:decision>/delete/", template_views.result_template_delete, name="result-template-delete"),
]
