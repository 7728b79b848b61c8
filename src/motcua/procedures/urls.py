"""Procedure builder URLs, mounted under /backoffice/procedures/."""

from django.urls import path

from . import views

app_name = "builder"
urlpatterns = [
    path("", views.procedure_list, name="procedure-list"),
    path("new/", views.procedure_create, name="procedure-create"),
    path("import/", views.procedure_import, name="procedure-import"),
    path("<uuid:public_id>/", views.procedure_detail, name="procedure-detail"),
    path("<uuid:public_id>/edit/", views.procedure_edit, name="procedure-edit"),
    path("<uuid:public_id>/preview/", views.procedure_preview, name="procedure-preview"),
    path("<uuid:public_id>/preview/pane/", views.procedure_preview_pane, name="procedure-preview-pane"),
    path("<uuid:public_id>/publish/", views.procedure_publish, name="procedure-publish"),
    path("<uuid:public_id>/clone/", views.procedure_clone, name="procedure-clone"),
    path("<uuid:public_id>/close/", views.procedure_close, name="procedure-close"),
    path("<uuid:public_id>/changes/", views.revision_diff, name="revision-diff"),
    path("<uuid:public_id>/rules/", views.rules_edit, name="rules-edit"),
    path("<uuid:public_id>/export.json", views.procedure_export, name="procedure-export"),
    path("<uuid:public_id>/fields/add/", views.field_add, name="field-add"),
    path("<uuid:public_id>/fields/<str:stable_id>/", views.field_edit, name="field-edit"),
    path("<uuid:public_id>/fields/<str:stable_id>/move/", views.field_move, name="field-move"),
    path("<uuid:public_id>/fields/<str:stable_id>/delete/", views.field_delete, name="field-delete"),
]
