"""The admin's view of retraction screening: read-only records, searchable.

Notices come only from imports and flags only from screening runs, so none of
them is edited by hand; an admin who must act on an article retracts it as today.
"""

from django.contrib import admin

from articles.admin import ReadOnlyAdmin
from screening.models import CitationJustification, RetractionFlag, RetractionNotice, ScreeningRun


@admin.register(RetractionNotice)
class RetractionNoticeAdmin(ReadOnlyAdmin):
    list_display = [
        "record_id",
        "nature",
        "retraction_date",
        "original_doi",
        "original_pmid",
        "withdrawn_at",
    ]
    list_filter = ["nature", ("withdrawn_at", admin.EmptyFieldListFilter)]
    search_fields = ["=record_id", "=original_doi", "=original_pmid", "title", "journal"]
    date_hierarchy = "retraction_date"


class FlagInline(admin.TabularInline):
    model = RetractionFlag
    fk_name = "run"
    fields = ["article", "reference_number", "reference_title", "notice", "cleared_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(ScreeningRun)
class ScreeningRunAdmin(ReadOnlyAdmin):
    list_display = [
        "started_at",
        "kind",
        "file_name",
        "status",
        "notices_in_force",
        "references_matched",
        "articles_flagged",
        "rows_skipped",
    ]
    list_filter = ["kind", "status"]
    inlines = [FlagInline]


@admin.register(RetractionFlag)
class RetractionFlagAdmin(ReadOnlyAdmin):
    list_display = ["article", "reference_number", "notice", "created_at", "cleared_at", "run"]
    list_filter = [("cleared_at", admin.EmptyFieldListFilter)]
    search_fields = ["article__title", "reference_title"]
    list_select_related = ["article", "notice", "run"]


@admin.register(CitationJustification)
class CitationJustificationAdmin(ReadOnlyAdmin):
    list_display = ["claim", "reference", "reviewer", "created_at"]
    list_select_related = ["claim", "reference", "reviewer"]
