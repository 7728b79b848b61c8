"""Back office (staff) pages. Every view here is wrapped in `accounts.decorators.staff_required`,
except the expert's opinion page (`opinion-answer`), reached by the token of an e-mailed link."""

from django.urls import path

from .views import actions, annotations, counter, delays, dossier_page, inbox, opinions
from .views import exports as export_views
from .views import groups as group_views
from .views import jobs as job_views
from .views import result_signing
from .views import bulk as bulk_views
from .views import routing as routing_views

app_name = "backoffice"
urlpatterns = [
    path("", inbox.backoffice_home, name="home"),
    path("dossiers/", inbox.dossier_inbox, name="dossier-list"),
    path("dossiers/columns/", inbox.inbox_columns, name="inbox-columns"),
    path("dossiers/saved-filters/", inbox.inbox_filter_save, name="inbox-filter-save"),
    path("dossiers/saved-filters/delete/", inbox.inbox_filter_delete, name="inbox-filter-delete"),
    path("dossiers/<uuid:public_id>/", dossier_page.dossier_detail, name="dossier-detail"),
    path("dossiers/<uuid:public_id>/receive/", actions.dossier_receive, name="dossier-receive"),
    path("dossiers/<uuid:public_id>/reject/", actions.dossier_reject_intake, name="dossier-reject"),
    path("dossiers/<uuid:public_id>/supplement/", actions.dossier_request_supplement, name="dossier-supplement"),
    path("dossiers/<uuid:public_id>/start/", actions.dossier_start_instruction, name="dossier-start"),
    path("dossiers/<uuid:public_id>/result/preview/", actions.dossier_result_preview, name="dossier-result-preview"),
    path("dossiers/<uuid:public_id>/decide/", actions.dossier_decide, name="dossier-decide"),
    path("dossiers/<uuid:public_id>/result/sign-again/", result_signing.dossier_result_sign_again,
         name="dossier-result-sign-again"),
    path("dossiers/<uuid:public_id>/deliver/", actions.dossier_deliver, name="dossier-deliver"),
    path("dossiers/<uuid:public_id>/messages/", actions.dossier_message_send, name="dossier-message-send"),
    path("dossiers/<uuid:public_id>/files/<str:token>/", dossier_page.dossier_file, name="dossier-file"),
    path("dossiers/<uuid:public_id>/receipt.pdf", counter.dossier_receipt, name="dossier-receipt"),
    # Filing at the one-stop desk for a walk-in applicant (instruction/counter.py).
    path("counter/", counter.counter_procedures, name="counter-procedures"),
    path("counter/<uuid:public_id>/", counter.counter_file, name="counter-file"),
    path("counter/filed/<uuid:public_id>/", counter.counter_done, name="counter-done"),
    path("dossiers/<uuid:public_id>/opinions/", opinions.dossier_request_opinion, name="dossier-opinion-request"),
    path("dossiers/<uuid:public_id>/apology/", delays.dossier_apology, name="dossier-apology"),
    path("dossiers/<uuid:public_id>/stop/", delays.dossier_stop, name="dossier-stop"),
    path("dossiers/<uuid:public_id>/annotations/", annotations.dossier_annotations, name="dossier-annotations"),
    path("dossiers/<uuid:public_id>/assign/", routing_views.dossier_assign, name="dossier-assign"),
    path("dossiers/<uuid:public_id>/take/", routing_views.dossier_take, name="dossier-take"),
    path("dossiers/<uuid:public_id>/reroute/", routing_views.dossier_reroute, name="dossier-reroute"),
    path("dossiers/<uuid:public_id>/follow/", routing_views.dossier_follow, name="dossier-follow"),
    path("dossiers/<uuid:public_id>/control-sheet.pdf", routing_views.dossier_control_sheet, name="dossier-control-sheet"),
    path("dossiers/bulk/", bulk_views.bulk_action, name="bulk-action"),
    path("procedures/<uuid:public_id>/groups/", group_views.group_list, name="group-list"),
    path("procedures/<uuid:public_id>/groups/import/", group_views.group_import, name="group-import"),
    path("procedures/<uuid:public_id>/groups/<int:group_id>/", group_views.group_action, name="group-action"),
    # Exports (instruction/exports/) and the page of a background job (its progress, its file).
    path("exports/", export_views.export_list, name="export-list"),
    path("exports/new/", export_views.export_new, name="export-new"),
    path("exports/templates/<int:template_id>/delete/", export_views.export_template_delete,
         name="export-template-delete"),
    path("jobs/<uuid:public_id>/", job_views.job_detail, name="job-detail"),
    path("jobs/<uuid:public_id>/download/", job_views.job_download, name="job-download"),
    # The expert's page: no sign-in, the token is the credential (instruction/opinions.py).
    path("opinions/<str:token>/", opinions.opinion_answer, name="opinion-answer"),
]
