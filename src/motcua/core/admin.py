from django.contrib import admin
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from .models import CalendarDay


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin):
    """Extra days off and swapped working days. Public holidays come from the `holidays` library
    and are not listed here; a row here overrides them. Saving or deleting a row refreshes the
    working-day calendar (core/calendar_store.py)."""

    list_display = ["date", "weekday", "kind", "reason"]
    list_filter = ["kind"]
    date_hierarchy = "date"
    search_fields = ["reason"]

    @admin.display(description=_("weekday"), ordering="date")
    def weekday(self, obj: CalendarDay) -> str:
        return date_format(obj.date, "l")
