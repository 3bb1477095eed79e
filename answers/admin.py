from django.contrib import admin

from answers.models import ClaimEntry, EmergencyTerm, FollowUpAnswer


@admin.register(EmergencyTerm)
class EmergencyTermAdmin(admin.ModelAdmin):
    """The words that put the urgent-care notice (site text "answers-urgent-care") first."""

    list_display = ["phrase", "active"]
    list_editable = ["active"]
    search_fields = ["phrase"]


class ReadOnlyAdmin(admin.ModelAdmin):
    # Written by answers.services from approved versions and readers' questions only.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ClaimEntry)
class ClaimEntryAdmin(ReadOnlyAdmin):
    list_display = ["text", "article", "audience", "number", "reviewer", "reviewed_on"]
    list_filter = ["audience"]
    search_fields = ["text", "question"]
    list_select_related = ["article"]


@admin.register(FollowUpAnswer)
class FollowUpAnswerAdmin(ReadOnlyAdmin):
    list_display = ["question", "answered", "urgent", "key"]
    list_filter = ["answered", "urgent"]
    list_select_related = ["question"]
