"""Back-office notification pages, under /backoffice/notifications/ (every view is staff only)."""

from django.urls import path

from . import views

app_name = "notifications"
urlpatterns = [
    path("", views.notification_list, name="notification-list"),
    path("settings/", views.notification_settings, name="notification-settings"),
    path("read/", views.notification_read_all, name="notification-read-all"),
    path("<int:notification_id>/", views.notification_open, name="notification-open"),
    path("<int:notification_id>/read/", views.notification_read, name="notification-read"),
]
