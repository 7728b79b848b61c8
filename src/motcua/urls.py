"""Root URL configuration: each app owns its urls.py."""

from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django_otp.admin import OTPAdminSite

# The Django admin also requires a verified second factor (staff TOTP).
admin.site.__class__ = OTPAdminSite

handler400 = "motcua.core.views.bad_request"
handler403 = "motcua.core.views.permission_denied"
handler404 = "motcua.core.views.page_not_found"
handler500 = "motcua.core.views.server_error"

urlpatterns = [
    path("", include("motcua.portal.urls")),
    path("accounts/", include("motcua.accounts.urls")),
    path("oidc/", include("mozilla_django_oidc.urls")),
    path("agencies/", include("motcua.agencies.urls")),
    path("dossiers/", include("motcua.dossiers.urls")),
    path("verify/", include("motcua.documents.urls")),
    path("backoffice/procedures/<uuid:public_id>/result-templates/", include("motcua.documents.template_urls")),
    path("backoffice/procedures/", include("motcua.procedures.urls")),
    path("backoffice/notifications/", include("motcua.notifications.urls")),
    path("backoffice/", include("motcua.instruction.urls")),
    path("django-admin/", admin.site.urls),
    path("api/", include("motcua.api.urls")),  # /api/v1/ (ninja) and /api/oauth/token/
]
if settings.IDP_ENABLED:
    urlpatterns.append(path("idp/", include("motcua.accounts.idp.urls")))
