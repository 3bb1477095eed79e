from django.contrib import admin

from public.models import FollowUpQuestion, SiteText


@admin.register(SiteText)
class SiteTextAdmin(admin.ModelAdmin):
    list_display = ["key", "updated_at"]
    readonly_fields = ["updated_at"]


@admin.register(FollowUpQuestion)
class FollowUpQuestionAdmin(admin.ModelAdmin):
    list_display = ["question", "article", "status", "created_at"]
    list_filter = ["status"]
    search_fields = ["question"]
    raw_id_fields = ["article", "converted_article"]
    # The reader's words are theirs: editors triage them, they do not rewrite them.
    readonly_fields = ["article", "question", "audience", "created_at", "client_hash"]
