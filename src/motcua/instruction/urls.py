"""Back office (staff) pages. Every view here is wrapped in `accounts.decorators.staff_required`,
except the expert's opinion page (`opinion-answer`), reached by the token of an e-mailed link."""

from django.urls import path

from . import views

app_name = "backoffice"
urlpatterns = [
    path("", views.backoffice_home, name="home"),
    path("dossiers/", views.dossier_inbox, name="dossier-list"),
    path("dossiers/<uuid:public_id>/", views.dossier_detail, name="dossier-detail"),
    path("dossiers/<uuid:public_id>/receive/", views.dossier_receive, name="dossier-receive"),
    path("dossiers/<uuid:public_id>/reject/", views.dossier_reject_intake, name="dossier-reject"),
    path("dossiers/<uuid:public_id>/supplement/", views.dossier_request_supplement, name="dossier-supplement"),
    path("dossiers/<uuid:public_id>/start/", views.dossier_start_instruction, name="dossier-start"),
    path("dossiers/<uuid:public_id>/result/preview/", views.dossier_result_preview, name="dossier-result-preview"),
    path("dossiers/<uuid:public_id>/decide/", views.dossier_decide, name="dossier-decide"),
    path("dossiers/<uuid:public_id>/deliver/", views.dossier_deliver, name="dossier-deliver"),
    path("dossiers/<uuid:public_id>/messages/", views.dossier_message_send, name="dossier-message-send"),
    path("dossiers/<uuid:public_id>/files/<str:token>/", views.dossier_file, name="dossier-file"),
    path("dossiers/<uuid:public_id>/opinions/", views.dossier_request_opinion, name="dossier-opinion-request"),
    # The expert's page: no sign-in, the token is the credential (instruction/opinions.py).
    path("opinions/<str:token>/", views.opinion_answer, name="opinion-answer"),
]
