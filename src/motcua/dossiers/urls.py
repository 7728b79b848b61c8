"""Citizen filing pages, under /dossiers/."""

from django.urls import path

from . import views

app_name = "dossiers"
urlpatterns = [
    path("start/<uuid:public_id>/", views.dossier_start, name="dossier-start"),
    path("test/<uuid:public_id>/", views.test_dossiers, name="test-dossiers"),
    path("<uuid:public_id>/", views.dossier_detail, name="dossier-detail"),
    path("<uuid:public_id>/steps/<int:step>/", views.dossier_step, name="dossier-step"),
    path("<uuid:public_id>/summary/", views.dossier_summary, name="dossier-summary"),
    path("<uuid:public_id>/delete/", views.dossier_delete, name="dossier-delete"),
    path("<uuid:public_id>/track/", views.dossier_track, name="dossier-track"),
    path("<uuid:public_id>/receipt.pdf", views.dossier_receipt, name="dossier-receipt"),
    path("<uuid:public_id>/result.pdf", views.dossier_result, name="dossier-result"),
    path("<uuid:public_id>/files/<str:token>/", views.attachment_download, name="attachment-download"),
    path("<uuid:public_id>/messages/", views.dossier_message_send, name="dossier-message-send"),
    path("<uuid:public_id>/supplement/", views.dossier_supplement, name="dossier-supplement"),
    path("<uuid:public_id>/withdraw/", views.dossier_withdraw, name="dossier-withdraw"),
    path("<uuid:public_id>/survey/", views.dossier_survey, name="dossier-survey"),
    path("lookup/", views.dossier_lookup, name="dossier-lookup"),
]
