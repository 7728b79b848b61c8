from django.contrib import admin

from .models import IssuedDocument


@admin.register(IssuedDocument)
class IssuedDocumentAdmin(admin.ModelAdmin):
    """Issued documents are records: read-only here (documents.services issues them)."""

    list_display = ["code", "kind", "reference", "title", "agency", "signer_name", "signed_at"]
    list_filter = ["kind", "signature_provider"]
    search_fields = ["code", "reference", "sha256"]
    list_select_related = ["agency"]
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
