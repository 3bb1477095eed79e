from django.contrib import admin

from notifications.models import DailyMail, Notification, NotificationPreference, Reminder


class RecordAdmin(admin.ModelAdmin):
    """Records of what was said and sent: looked at, never written here."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Notification)
class NotificationAdmin(RecordAdmin):
    list_display = ["subject", "recipient", "kind", "created_at", "read_at", "mail"]
    list_filter = ["kind", "mail", "created_at"]
    search_fields = ["subject", "recipient__username", "recipient__email"]
    list_select_related = ["recipient"]
    date_hierarchy = "created_at"


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(admin.ModelAdmin):
    list_display = ["user", "kind", "delivery"]
    list_filter = ["kind", "delivery"]
    search_fields = ["user__username", "user__email"]
    list_select_related = ["user"]
    raw_id_fields = ["user"]


@admin.register(DailyMail)
class DailyMailAdmin(RecordAdmin):
    list_display = ["user", "day", "notifications", "sent_at"]
    list_filter = ["day"]
    search_fields = ["user__username"]
    list_select_related = ["user"]


@admin.register(Reminder)
class ReminderAdmin(RecordAdmin):
    list_display = ["assignment", "kind", "due_on", "created_at"]
    list_filter = ["kind"]
