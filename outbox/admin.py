from django.contrib import admin, messages

from outbox.models import OutboundEmail, WorkerHeartbeat
from outbox.services import email_retry


@admin.register(OutboundEmail)
class OutboundEmailAdmin(admin.ModelAdmin):
    list_display = ("subject", "to", "kind", "status", "attempts", "created_at", "sent_at")
    list_filter = ("status", "kind")
    search_fields = ("to", "subject")
    readonly_fields = [f.name for f in OutboundEmail._meta.fields]
    actions = ["retry_delivery"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.action(description="Retry delivery of the selected failed emails")
    def retry_delivery(self, request, queryset):
        count = email_retry(emails=queryset)
        self.message_user(request, f"{count} email(s) queued again.", messages.SUCCESS)


@admin.register(WorkerHeartbeat)
class WorkerHeartbeatAdmin(admin.ModelAdmin):
    """Which mail workers run, and when each last went round its loop (written by the workers)."""

    list_display = ("name", "host", "pid", "seen_at")
    readonly_fields = [f.name for f in WorkerHeartbeat._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
