from django.contrib import admin

from .models import ApiClient


@admin.register(ApiClient)
class ApiClientAdmin(admin.ModelAdmin):
    """Scopes of the registered API clients (register one with `manage.py api_client_create`)."""

    list_display = ("__str__", "application", "scopes", "created_at")
    list_select_related = ("application",)
    readonly_fields = ("application", "created_at")

    def has_add_permission(self, request):
        return False  # the secret must be shown once: use the management command
