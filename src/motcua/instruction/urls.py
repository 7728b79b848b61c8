"""Back office (staff) pages. Every view here is wrapped in `accounts.decorators.staff_required`,
except the expert's opinion page (`opinion-answer`), reached by the token of an e-mailed link."""

from django.urls import path

from .views import actions, dossier_page, inbox, opinions

app_name = "backoffice"
urlpatterns = [
    path("", inbox.backoffice_home, name="home"),
    path("dossiers/", inbox.dossier_inbox, name="dossier-list"),
    path("dossiers/<uuid:public_id>/", dossier_page.dossier_detail, name="dossier-detail"),
    path("dossiers/<uuid:public_id>/receive/", actions.dossier_receive, name="dossier-receive"),
    path("dossiers/<uuid:public_id>/reject/", actions.dossier_reject_intake, name="dossier-reject"),
    path("dossiers/<uuid:public_id>/supplement/", actions.dossier_request_supplement, name="dossier-supplement"),
    path("dossiers/<uuid:public_id>/start/", actions.dossier_start_instruction, name="dossier-start"),
    path("dossiers/<uuid:public_id>/result/preview/", actions.dossier_result_preview, name="dossier-result-preview"),
    path("dossiers/<uuid:public_id>/decide/", actions.dossier_decide, name="dossier-decide"),
    path("dossiers/<uuid:public_id>/deliver/", actions.dossier_deliver, name="dossier-deliver"),
    path("dossiers/<uuid:public_id>/messages/", actions.dossier_message_send, name="dossier-message-send"),
    path("dossiers/<uuid:public_id>/files/<str:token>/", dossier_page.dossier_file, name="dossier-file"),
    path("dossiers/<uuid:public_id>/opinions/", opinions.dossier_request_opinion, name="dossier-opinion-request"),
    # The expert's page: no sign-in, the token is the credential (instruction/opinions.py).
    path("opinions/<str:token>/", opinions.opinion_answer, name="opinion-answer"),
]
