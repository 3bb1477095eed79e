"""Notification pages, included in the desk's URLs (so their names are "desk:notifications" ...)."""

from django.urls import path

from notifications import views

urlpatterns = [
    path("", views.notification_list, name="notifications"),
    path("read/", views.notifications_read, name="notifications_read"),
    path("settings/", views.notification_settings, name="notification_settings"),
    path("<int:pk>/", views.notification_open, name="notification"),
]
