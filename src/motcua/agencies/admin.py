from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from . import services
from .models import AdminUnit, Agency, Membership


@admin.register(AdminUnit)
class AdminUnitAdmin(admin.ModelAdmin):
    """Reference data loaded by `manage.py load_admin_units`: read-only here."""

    list_display = ["code", "name", "division_type", "level", "parent"]
    list_filter = ["level", "division_type"]
    search_fields = ["code", "name", "search_key", "codename"]
    list_select_related = ["parent"]
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    raw_id_fields = ["user"]


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ["eid_code", "name_vi", "level", "admin_unit", "is_one_stop_centre"]
    list_filter = ["level", "is_one_stop_centre"]
    search_fields = ["eid_code", "name_vi", "name_en", "name_fr", "search_key"]
    list_select_related = ["admin_unit"]
    autocomplete_fields = ["parent", "admin_unit"]
    inlines = [MembershipInline]
    fieldsets = [
        (None, {"fields": [
            "eid_code", "name_vi", "name_en", "name_fr", "level", "parent", "admin_unit", "is_one_stop_centre",
        ]}),
        (_("Contact details"), {"fields": [
            "address", "phone", "email", "website", "opening_hours", "latitude", "longitude",
        ]}),
    ]

    def save_model(self, request, obj, form, change):
        services.save_agency(agency=obj)


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "agency", "role"]
    list_filter = ["role"]
    search_fields = ["user__username", "user__full_name", "agency__eid_code", "agency__name_vi"]
    list_select_related = ["user", "agency"]
    raw_id_fields = ["user"]
    autocomplete_fields = ["agency"]
