"""The board in the admin: members, the specialty list, and declarations and assignments as
audit records.

Credentials are kept inline on the board member (``BoardMemberAdmin``).
Declarations and assignments are written only by the services (``board.services``),
so the admin shows them and changes nothing.
"""

from __future__ import annotations

from django.contrib import admin
from django.db.models import BooleanField, ExpressionWrapper
from django.utils import timezone
from simple_history.admin import SimpleHistoryAdmin

from articles.admin import ReadOnlyAdmin
from board.models import BoardMember, ConflictDeclaration, Credential, ReviewAssignment, Specialty
from board.selectors import expired_q


@admin.register(Specialty)
class SpecialtyAdmin(SimpleHistoryAdmin):
    list_display = ["name", "required_approvals", "rereview_after_days"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


class CredentialInline(admin.TabularInline):
    model = Credential
    extra = 1
    fields = ["name", "issued_by", "identifier", "expires_on", "is_expired", "reminded_at"]
    readonly_fields = ["is_expired", "reminded_at"]

    @admin.display(boolean=True, description="expired")
    def is_expired(self, credential: Credential) -> bool | None:
        return credential.is_expired() if credential.pk else None


@admin.register(BoardMember)
class BoardMemberAdmin(SimpleHistoryAdmin):
    list_display = ["name", "credentials", "specialty", "is_active", "credentials_expired"]
    list_filter = ["is_active", "credentials", "specialties"]
    search_fields = ["name", "specialty", "user__username"]
    filter_horizontal = ["specialties"]
    inlines = [CredentialInline]

    def get_queryset(self, request):
        # The flag the list shows: every credential record expired (``board.rules``).
        expired = expired_q(timezone.localdate(), user="user_id")
        return (
            super()
            .get_queryset(request)
            .annotate(all_expired=ExpressionWrapper(expired, output_field=BooleanField()))
        )

    @admin.display(boolean=True, description="credentials expired", ordering="all_expired")
    def credentials_expired(self, member: BoardMember) -> bool:
        return member.all_expired


@admin.register(Credential)
class CredentialAdmin(SimpleHistoryAdmin):
    list_display = ["name", "member", "issued_by", "expires_on", "expired"]
    list_filter = ["expires_on", "issued_by"]
    search_fields = ["name", "issued_by", "member__name"]
    readonly_fields = ["reminded_at"]

    @admin.display(boolean=True, description="expired", ordering="expires_on")
    def expired(self, credential: Credential) -> bool:
        return credential.is_expired()


@admin.register(ConflictDeclaration)
class ConflictDeclarationAdmin(ReadOnlyAdmin):
    list_display = ["article", "reviewer", "has_conflict", "declared_at"]
    list_filter = ["has_conflict", "declared_at"]
    search_fields = ["article__title", "reviewer__username", "note"]
    readonly_fields = ["article", "reviewer", "has_conflict", "note", "declared_at"]


@admin.register(ReviewAssignment)
class ReviewAssignmentAdmin(ReadOnlyAdmin):
    list_display = ["article", "reviewer", "due_on", "status", "overdue", "assigned_by"]
    list_filter = ["status", "due_on"]
    search_fields = ["article__title", "reviewer__username"]
    readonly_fields = [
        "article",
        "reviewer",
        "assigned_by",
        "assigned_at",
        "due_on",
        "status",
        "completed_at",
        "reminded_at",
        "escalated_at",
    ]

    @admin.display(boolean=True, description="overdue")
    def overdue(self, assignment: ReviewAssignment) -> bool:
        return (
            assignment.status == ReviewAssignment.Status.OPEN
            and assignment.due_on < timezone.localdate()
        )
