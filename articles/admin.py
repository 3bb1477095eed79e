"""The Django admin, for site admins: every model, its history, and workflow buttons.

The admin is no side door. Content (articles, claims, citations) changes only
through the services and the desk's rules; workflow buttons come from
``articles.steps`` and are carried out by the services, with the same
permissions, checks and audit trail as the desk; cited library references
change copy-on-write; audit records (transitions, verdicts, approvals,
published versions, history rows) are read-only.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django_fsm import ConcurrentTransition, TransitionNotAllowed
from django_fsm.admin import FSMAdminMixin
from simple_history.admin import SimpleHistoryAdmin
from simple_history.models import DeletedObject
from simple_history.template_utils import HistoricalRecordContextHelper

from articles import policy, services, steps
from articles.errors import WorkflowConflict, as_editorial_error
from articles.models import (
    Article,
    ArticleApproval,
    ArticleTransition,
    ArticleVersion,
    Citation,
    Claim,
    ClaimReview,
    ClaimThread,
    EditorialPolicy,
    Reference,
    ThreadMessage,
)
from articles.reviewed import content_fingerprint
from articles.selectors import article_get_content

# Refusals by the rules, told to the user on the page (a plain 403 stays a 403).
RULE_ERRORS = (TransitionNotAllowed, ConcurrentTransition, WorkflowConflict, ValidationError)
ADMIN_ERRORS = (PermissionDenied, *RULE_ERRORS)


def error_text(error: Exception) -> str:
    """The admin's message for a refusal: its one-line message (``articles.errors``)."""
    return as_editorial_error(error).message


class HistoryAdmin(SimpleHistoryAdmin):
    """History pages that only show: restoring a past version is the desk's, through review."""

    def revert_disabled(self, request, obj=None):
        return True

    def has_change_history_permission(self, request, obj=None):
        return False

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method != "GET":
            raise PermissionDenied("Past versions are restored at the desk, through review.")
        return super().history_form_view(request, object_id, version_id, extra_context)

    def get_historical_record_context_helper(self, request, historical_record):
        return HistoryContext(self.model, historical_record)


class HistoryContext(HistoricalRecordContextHelper):
    def prepare_delta_change_value(self, change, value):
        # A link that was empty (an unassigned reviewer) is no deleted object: show "—".
        if isinstance(value, DeletedObject) and value.pk is None:
            return "—"
        return super().prepare_delta_change_value(change, value)


class ReadOnly:
    """Shown in the admin, never added, changed or deleted there."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyAdmin(ReadOnly, admin.ModelAdmin):
    """Audit records: their only writers are the services."""


def transition_form(step: steps.Step) -> type[forms.ModelForm] | None:
    """The admin form of one workflow step: the inputs the step takes (None when it takes none)."""
    if not (step.takes_comment or step.takes_summary or step.names_content):
        return None
    fields: dict[str, forms.Field] = {}
    if step.takes_summary:
        fields["summary"] = forms.CharField(
            label="Public change summary",
            max_length=300,
            required=False,
            help_text="Readers see it in the review history and the feed (required when "
            "revising an approved article).",
        )
        fields["note"] = forms.CharField(
            label="Note to the board (private)",
            widget=forms.Textarea,
            max_length=5000,
            required=False,
        )
    if step.takes_comment:
        fields["comment"] = forms.CharField(
            widget=forms.Textarea, max_length=5000, required=step.comment_required
        )
    if step.takes_thread_confirmation:
        fields["confirm_open_threads"] = forms.BooleanField(
            label="Resubmit although “Needs change” threads are still open",
            required=False,
            help_text="Needed only while a board reviewer's thread is open (not marked addressed).",
        )
    if step.names_content:
        fields["expected_hash"] = forms.CharField(widget=forms.HiddenInput, max_length=64)

    def __init__(self, *args, **kwargs):
        forms.ModelForm.__init__(self, *args, **kwargs)
        if "expected_hash" in self.fields and self.instance.pk:
            # The step names the content this page shows; a later change refuses it.
            self.fields["expected_hash"].initial = content_fingerprint(
                article_get_content(article=self.instance)
            )

    meta = type("Meta", (), {"model": Article, "fields": []})
    return type(
        f"{step.name.title().replace('_', '')}Form",
        (forms.ModelForm,),
        {**fields, "Meta": meta, "__init__": __init__},
    )


class ReadOnlyInline(ReadOnly, admin.TabularInline):
    """Rows shown beside their article, written only by the services."""

    extra = 0
    can_delete = False


class ClaimInline(ReadOnlyInline):
    model = Claim
    fields = [
        "position",
        "kind",
        "level",
        "text",
        "plain_text",
        "needs_no_citation",
        "evidence",
        "version",
    ]
    readonly_fields = fields
    show_change_link = True


class TransitionInline(ReadOnlyInline):
    model = ArticleTransition
    fields = ["created_at", "name", "source", "target", "actor", "comment"]
    readonly_fields = fields


@admin.register(Article)
class ArticleAdmin(FSMAdminMixin, HistoryAdmin):
    fsm_fields = ["state"]
    fsm_forms = {step.name: transition_form(step) for step in steps.for_door(steps.ADMIN)}
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
        "changes_requested_by",
        "last_updated",
        "published_version",
        "change_summary",
        "topics",
    ]
    fields = ["title", "display_heading", *readonly_fields]
    inlines = [ClaimInline, TransitionInline]
    date_hierarchy = "last_updated"

    def has_delete_permission(self, request, obj=None):
        # Articles are retracted, never deleted: their audit trail must survive.
        return False

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if obj is not None and not policy.can(request.user, policy.EDIT, obj):
            readonly += ["title", "display_heading"]
        return readonly

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except RULE_ERRORS as error:
            # Refused by the rules (content locked in review, an edit conflict...): nothing
            # was saved; say why on the page the user came from.
            self.message_user(request, error_text(error), messages.ERROR)
            return redirect(request.get_full_path())

    def save_model(self, request, obj, form, change):
        if not change:
            created = services.article_create(
                by=request.user, title=obj.title, display_heading=obj.display_heading
            )
            obj.pk = created.pk
            return
        edited = [f for f in ("title", "display_heading") if f in form.changed_data]
        if edited:
            fresh = Article.objects.get(pk=obj.pk)
            services.article_update(
                article=fresh,
                by=request.user,
                expected_version=fresh.content_version,
                **{f: getattr(obj, f) for f in edited},
            )

    def fsm_transition_view(self, request, object_id, transition_name, **kwargs):
        # django-fsm's own refusal names no reason ("transition ... is not allowed"): say the
        # policy's (a declared conflict, a revision the user wrote) before its check runs.
        article = self.get_object(request, object_id)
        step = steps.get(transition_name, door=steps.ADMIN)
        if article is not None and step is not None:
            try:
                step.check(request.user, article)
            except PermissionDenied as error:
                self.message_user(request, error_text(error), messages.ERROR)
                return redirect("admin:articles_article_change", object_id=article.pk)
            except (TransitionNotAllowed, ValidationError, WorkflowConflict):
                pass  # the form and the step itself say these
        return super().fsm_transition_view(request, object_id, transition_name, **kwargs)

    def _get_fsm_extra_context(self, *, request, obj):
        # The state graph holds no permissions: the buttons are the steps the user may take
        # now at this door, as each step's record says.
        if obj is None:
            return
        offered = {step.name for step in steps.open_to(request.user, obj, door=steps.ADMIN)}
        for block in super()._get_fsm_extra_context(request=request, obj=obj):
            block.available_transitions[:] = [
                t for t in block.available_transitions if t.name in offered
            ]
            if block.available_transitions:
                yield block

    def is_fsm_transition_visible(self, transition) -> bool:
        return steps.get(transition.name, door=steps.ADMIN) is not None

    def get_help_text(self, transition) -> str:
        step = steps.get(transition.name, door=steps.ADMIN)
        return step.help_text if step else ""

    def get_fsm_label(self, transition) -> str:
        step = steps.get(transition.name, door=steps.ADMIN)
        return step.label if step else transition.name

    def _apply_fsm_transition(self, *, obj, transition_name, request, kwargs=None):
        step = steps.get(transition_name, door=steps.ADMIN)
        if step is None:
            self.message_user(request, "This step is not taken in the admin.", messages.ERROR)
            return False
        article = Article.objects.get(pk=obj.pk)
        try:
            step.run(article=article, by=request.user, data=dict(kwargs or {}))
        except ADMIN_ERRORS as error:
            self.message_user(request, error_text(error), messages.ERROR)
            return False
        self.message_user(request, step.done, messages.SUCCESS)
        return True


class CitationInline(ReadOnlyInline):
    model = Citation
    fields = ["position", "reference", "unresolved_label", "passage", "passage_locator"]
    readonly_fields = fields


@admin.register(Claim)
class ClaimAdmin(ReadOnly, HistoryAdmin):
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
        "evidence",
        "version",
    ]
    # Claims are written through the desk, the API or an import, which keep the
    # review rules, versions and history; the admin only shows them.
    inlines = [CitationInline]


@admin.register(Reference)
class ReferenceAdmin(HistoryAdmin):
    list_display = ["title", "kind", "source", "year", "doi", "pmid", "is_current"]
    list_filter = ["is_current", "kind", "year"]
    search_fields = ["title", "source", "authors", "doi", "pmid"]
    readonly_fields = ["is_current", "replaces"]

    def has_change_permission(self, request, obj=None):
        # Only the library's current version of a work takes changes.
        if obj is not None and not obj.is_current:
            return False
        return super().has_change_permission(request, obj)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except RULE_ERRORS as error:
            self.message_user(request, error_text(error), messages.ERROR)
            return redirect(request.get_full_path())

    def save_model(self, request, obj, form, change):
        if not change:
            obj._history_user = request.user
            obj.save()
            return
        # A reference cited in review or published is changed copy-on-write.
        original = Reference.objects.get(pk=obj.pk)
        changes = {field: getattr(obj, field) for field in form.changed_data}
        successor = services.reference_update(
            reference=original, by=request.user, changes=changes, reason="Changed in the admin"
        )
        if successor.pk != original.pk:
            obj.pk = successor.pk
            self.message_user(
                request,
                "This reference is cited by an article in review or published, so it was kept "
                "as reviewed; your change is a new version of it in the library.",
                messages.WARNING,
            )


@admin.register(EditorialPolicy)
class EditorialPolicyAdmin(SimpleHistoryAdmin):
    list_display = ["version", "title", "effective_date"]
    ordering = ["-version"]


@admin.register(ArticleTransition)
class ArticleTransitionAdmin(ReadOnlyAdmin):
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


@admin.register(ArticleVersion)
class ArticleVersionAdmin(ReadOnlyAdmin):
    list_display = ["article", "revision", "approved_at", "approved_by", "last_updated", "policy"]
    list_filter = ["approved_at"]
    search_fields = ["article__title", "change_summary"]
    readonly_fields = [f.name for f in ArticleVersion._meta.fields] + ["reviewers"]


@admin.register(ClaimReview)
class ClaimReviewAdmin(ReadOnlyAdmin):
    list_display = ["claim", "verdict", "reviewer", "created_at"]
    list_filter = ["verdict"]
    readonly_fields = [
        "claim",
        "claim_version",
        "content_hash",
        "reviewer",
        "verdict",
        "comment",
        "created_at",
    ]


@admin.register(ArticleApproval)
class ArticleApprovalAdmin(ReadOnlyAdmin):
    list_display = ["article", "revision", "reviewer", "created_at"]
    readonly_fields = [
        "article",
        "revision",
        "content_version",
        "content_hash",
        "reviewer",
        "comment",
        "created_at",
    ]


class ThreadMessageInline(ReadOnly, admin.TabularInline):
    model = ThreadMessage
    fields = ["created_at", "author", "event", "body"]
    readonly_fields = fields
    extra = 0


@admin.register(ClaimThread)
class ClaimThreadAdmin(ReadOnlyAdmin):
    """The board's threads with the editors: read here, written at the desk (the services)."""

    list_display = ["article", "claim_text", "status", "opened_by", "created_at", "updated_at"]
    list_filter = ["status"]
    search_fields = ["article__title", "claim_text"]
    readonly_fields = [f.name for f in ClaimThread._meta.fields]
    inlines = [ThreadMessageInline]
