"""The Django admin, for site admins: every model, its history, and workflow buttons.

Transition buttons come from django-fsm's admin integration, but every click is
carried out by the services, so the admin obeys the same rules, permissions and
audit trail as the desk.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django_fsm import ConcurrentTransition, TransitionNotAllowed
from django_fsm.admin import FSMAdminMixin
from simple_history.admin import SimpleHistoryAdmin

from articles import services
from articles.errors import WorkflowConflict
from articles.models import (
    Article,
    ArticleApproval,
    ArticleTransition,
    ArticleVersion,
    BoardMember,
    Citation,
    Claim,
    ClaimReview,
    EditorialPolicy,
    Reference,
)


class RequiredCommentForm(forms.Form):
    comment = forms.CharField(widget=forms.Textarea, max_length=5000)


class OptionalCommentForm(forms.Form):
    comment = forms.CharField(widget=forms.Textarea, max_length=5000, required=False)


class SubmitForm(forms.Form):
    summary = forms.CharField(
        max_length=300,
        required=False,
        help_text="One line on what this revision changes (required when revising an approved article).",
    )


class ClaimInline(admin.TabularInline):
    model = Claim
    fields = ["position", "kind", "level", "text", "needs_no_citation", "version"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False


class TransitionInline(admin.TabularInline):
    model = ArticleTransition
    fields = ["created_at", "name", "source", "target", "actor", "comment"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Article)
class ArticleAdmin(FSMAdminMixin, SimpleHistoryAdmin):
    fsm_fields = ["state"]
    fsm_forms = {
        "submit": SubmitForm,
        "request_changes": RequiredCommentForm,
        "retract": RequiredCommentForm,
        "approve": OptionalCommentForm,
        "withdraw": OptionalCommentForm,
    }
    list_display = ["title", "state", "revision", "last_updated", "assigned_reviewer", "created_by"]
    list_filter = ["state", "last_updated", "assigned_reviewer"]
    search_fields = ["title", "slug", "display_heading"]
    readonly_fields = [
        "slug",
        "state",
        "revision",
        "content_version",
        "created_by",
        "created_at",
        "assigned_reviewer",
        "last_updated",
        "published_version",
        "change_summary",
    ]
    fields = ["title", "display_heading", *readonly_fields]
    inlines = [ClaimInline, TransitionInline]
    date_hierarchy = "last_updated"

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if obj is not None and not obj.is_content_editable:
            readonly += ["title", "display_heading"]
        return readonly

    def save_model(self, request, obj, form, change):
        editable = [f for f in ("title", "display_heading") if f in form.changed_data]
        if not change:
            created = services.article_create(
                by=request.user, title=obj.title, display_heading=obj.display_heading
            )
            obj.pk = created.pk
            return
        if editable:
            fresh = Article.objects.get(pk=obj.pk)
            services.article_update(
                article=fresh,
                by=request.user,
                expected_version=fresh.content_version,
                **{f: getattr(obj, f) for f in editable},
            )

    def _apply_fsm_transition(self, *, obj, transition_name, request, kwargs=None):
        service = services.TRANSITION_SERVICES.get(transition_name)
        if service is None:
            self.message_user(request, f"Unknown transition {transition_name}.", messages.ERROR)
            return False
        article = Article.objects.get(pk=obj.pk)
        try:
            service(article=article, by=request.user, **(kwargs or {}))
        except (
            PermissionDenied,
            TransitionNotAllowed,
            ConcurrentTransition,
            WorkflowConflict,
        ) as error:
            self.message_user(request, str(error) or "Not allowed.", messages.ERROR)
            return False
        except ValidationError as error:
            self.message_user(request, "; ".join(error.messages), messages.ERROR)
            return False
        self.message_user(
            request, f"{transition_name.replace('_', ' ').capitalize()}: done.", messages.SUCCESS
        )
        return True


class CitationInline(admin.TabularInline):
    model = Citation
    fields = ["position", "reference", "unresolved_label"]
    raw_id_fields = ["reference"]
    extra = 0


@admin.register(Claim)
class ClaimAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "article", "kind", "position", "needs_no_citation"]
    list_filter = ["kind", "needs_no_citation"]
    search_fields = ["text", "article__title"]
    readonly_fields = [
        "article",
        "uid",
        "position",
        "kind",
        "level",
        "text",
        "plain_text",
        "needs_no_citation",
        "version",
    ]
    inlines = [CitationInline]

    def has_add_permission(self, request):
        # Claims are written through the desk or an import, which keep versions and history.
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Reference)
class ReferenceAdmin(SimpleHistoryAdmin):
    list_display = ["title", "kind", "source", "year", "doi", "pmid"]
    list_filter = ["kind", "year"]
    search_fields = ["title", "source", "authors", "doi", "pmid"]


@admin.register(EditorialPolicy)
class EditorialPolicyAdmin(SimpleHistoryAdmin):
    list_display = ["version", "title", "effective_date"]
    ordering = ["-version"]


@admin.register(BoardMember)
class BoardMemberAdmin(SimpleHistoryAdmin):
    list_display = ["name", "credentials", "specialty", "is_active"]
    list_filter = ["is_active", "credentials"]
    search_fields = ["name", "specialty", "user__username"]


@admin.register(ArticleTransition)
class ArticleTransitionAdmin(admin.ModelAdmin):
    list_display = ["created_at", "article", "name", "source", "target", "actor"]
    list_filter = ["name", "target"]
    search_fields = ["article__title", "comment", "actor__username"]
    readonly_fields = [
        "article",
        "name",
        "source",
        "target",
        "actor",
        "comment",
        "revision",
        "created_at",
    ]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ArticleVersion)
class ArticleVersionAdmin(admin.ModelAdmin):
    list_display = ["article", "revision", "approved_at", "approved_by", "last_updated", "policy"]
    list_filter = ["approved_at"]
    search_fields = ["article__title", "change_summary"]
    readonly_fields = [f.name for f in ArticleVersion._meta.fields] + ["reviewers"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ClaimReview)
class ClaimReviewAdmin(admin.ModelAdmin):
    list_display = ["claim", "verdict", "reviewer", "created_at"]
    list_filter = ["verdict"]
    readonly_fields = ["claim", "claim_version", "reviewer", "verdict", "comment", "created_at"]

    def has_add_permission(self, request):
        return False


@admin.register(ArticleApproval)
class ArticleApprovalAdmin(admin.ModelAdmin):
    list_display = ["article", "revision", "reviewer", "created_at"]
    readonly_fields = [
        "article",
        "revision",
        "content_version",
        "reviewer",
        "comment",
        "created_at",
    ]

    def has_add_permission(self, request):
        return False
