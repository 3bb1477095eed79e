"""The editorial desk: pages for editors and board reviewers.

Views parse a form, call one service or selector and answer; the rules are in
``articles.workflow`` and ``articles.services``, the error mapping in
``desk.errors``.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.dateparse import parse_datetime
from django.views.decorators.http import require_GET, require_POST

from articles import services, workflow
from articles.content import ContentParseError
from articles.errors import ContentLocked, EditConflict
from articles.history import (
    article_content_as_of,
    article_list_changes_since,
    article_list_timeline,
)
from articles.models import Article, Claim, Reference
from articles.selectors import article_get_content
from desk import forms, selectors
from desk import services as desk_services
from desk.body import FORMATS, render_body
from desk.diff import content_diff
from desk.errors import DESK_ERRORS, add_form_errors, desk_view, error_messages, error_status


def _article(pk: int) -> Article:
    return get_object_or_404(
        Article.objects.select_related("published_version", "assigned_reviewer"), pk=pk
    )


def _ensure_can_edit(article: Article | None, user) -> None:
    """Open an editing page only to those the services would let save it."""
    if not workflow.can_edit(article, user):
        raise PermissionDenied("Only editors write articles.")
    if article is not None and not workflow.is_content_editable(article):
        raise ContentLocked(
            f"The article is {article.get_state_display().lower()}; its content changes only in draft "
            "(withdraw it, or start a new revision with “Revise”)."
        )


def _is_async(request) -> bool:
    return request.headers.get("X-Requested-With") == "fetch"


@require_GET
@desk_view
def dashboard(request):
    return render(
        request, "desk/dashboard.html", {"board": selectors.dashboard_get(user=request.user)}
    )


@require_GET
@desk_view
def article_list(request):
    state, query = request.GET.get("state", ""), request.GET.get("q", "")
    articles = list(selectors.article_list_all(state=state, query=query)[:200])
    return render(
        request,
        "desk/article_list.html",
        {
            "articles": articles,
            "state": state,
            "q": query,
            "states": workflow.ArticleState.choices,
        },
    )


@desk_view
def article_new(request):
    _ensure_can_edit(None, request.user)
    form = forms.NewArticleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            article = services.article_create(by=request.user, title=form.cleaned_data["title"])
        except DESK_ERRORS as error:
            add_form_errors(form, error)
            return render(
                request, "desk/article_new.html", {"form": form}, status=error_status(error)
            )
        messages.success(request, "Draft created. Write its body below.")
        return redirect("desk:edit", pk=article.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "desk/article_new.html", {"form": form}, status=status)


def _transition_buttons(article: Article, user) -> list[dict]:
    """The workflow steps this user may take now, as fsm and the predicates say."""
    available = {t.name: t for t in article.get_available_user_state_transitions(user)}
    return [
        {
            "name": name,
            "label": available[name].custom.get("label", name),
            "comment_required": available[name].custom.get("comment_required", False),
        }
        for name in workflow.TRANSITION_NAMES
        if name in available
    ]


def _blockers(article: Article, user) -> list[str]:
    """Why "Submit for review" or "Approve" is not offered, when the user could otherwise take it."""
    if article.state == workflow.ArticleState.DRAFT and workflow.can_submit(article, user):
        conditions = workflow.SUBMIT_CONDITIONS
    elif article.state == workflow.ArticleState.UNDER_REVIEW and workflow.can_review(article, user):
        conditions = workflow.APPROVE_CONDITIONS
        if not workflow.can_approve(article, user):
            return ["You drafted or edited this revision, so another board member must approve it."]
    else:
        return []
    return [services.CONDITION_MESSAGES[c] for c in conditions if not c(article)]


def _detail_context(request, article: Article, **extra) -> dict:
    version = article.content_version
    context = {
        "article": article,
        "rows": selectors.claim_list_for_desk(article=article),
        "buttons": _transition_buttons(article, request.user),
        "blockers": _blockers(article, request.user),
        "can_edit": workflow.can_edit(article, request.user) and article.is_content_editable,
        "can_review": workflow.can_review(article, request.user),
        "last_comment": article.transitions.exclude(comment="")
        .order_by("-created_at", "-pk")
        .first(),
        "submit_form": forms.SubmitForm(initial={"expected_version": version}),
        "comment_form": forms.CommentForm(initial={"expected_version": version}),
    }
    context.update(extra)
    return context


@require_GET
@desk_view
def article_detail(request, pk):
    article = _article(pk)
    return render(request, "desk/article_detail.html", _detail_context(request, article))


TRANSITION_FORMS = {"submit": forms.SubmitForm}


@require_POST
@desk_view
def article_transition(request, pk, name):
    article = _article(pk)
    if name not in services.TRANSITION_SERVICES:
        return render(
            request,
            "desk/error.html",
            {"status": 404, "messages_list": ["No such step."]},
            status=404,
        )
    form = TRANSITION_FORMS.get(name, forms.CommentForm)(request.POST)
    form.is_valid()  # The service judges the values; the form only carries them back.
    data = form.cleaned_data
    kwargs = {"article": article, "by": request.user}
    if name in ("submit", "request_changes"):
        kwargs["expected_version"] = data.get("expected_version") or article.content_version
    elif name == "approve":
        # An approval names the content the reviewer saw, never "whatever is there now".
        kwargs["expected_version"] = data.get("expected_version")
    if name == "submit":
        kwargs["summary"] = data.get("summary", "")
    elif name in ("withdraw", "request_changes", "approve", "retract"):
        kwargs["comment"] = data.get("comment", "")
    try:
        if name == "approve" and not kwargs["expected_version"]:
            raise ValidationError(
                "Reload the article and approve again: the version you reviewed was not sent."
            )
        services.TRANSITION_SERVICES[name](**kwargs)
    except DESK_ERRORS as error:
        add_form_errors(form, error)
        article.refresh_from_db()
        key = "submit_form" if name == "submit" else "comment_form"
        context = _detail_context(request, article, **{key: form, "failed": name})
        if name not in {b["name"] for b in context["buttons"]}:
            # The step is no longer offered: show what was typed so it can be copied.
            context["kept_text"] = form.data.get("comment") or form.data.get("summary", "")
        return render(request, "desk/article_detail.html", context, status=error_status(error))
    messages.success(request, TRANSITION_DONE.get(name, "Done."))
    if name == "start_review":
        return redirect("desk:review", pk=article.pk)
    return redirect("desk:article", pk=article.pk)


TRANSITION_DONE = {
    "submit": "Submitted for review. The board has been told.",
    "withdraw": "Withdrawn: the article is a draft again.",
    "start_review": "You are now reviewing this article.",
    "request_changes": "Changes requested. The editors have been told.",
    "approve": "Approval recorded.",
    "revise": "A new revision has started; readers keep the approved version meanwhile.",
    "retract": "The article is retracted.",
}


@desk_view
def article_edit(request, pk):
    article = _article(pk)
    _ensure_can_edit(article, request.user)
    if request.method != "POST":
        fmt = request.GET.get("format", "markdown")
        fmt = fmt if fmt in dict(FORMATS) else "markdown"
        form = forms.BodyForm(
            initial={
                "expected_version": article.content_version,
                "format": fmt,
                "body": render_body(article_get_content(article=article), fmt),
            }
        )
        return render(request, "desk/article_edit.html", {"article": article, "form": form})
    form = forms.BodyForm(request.POST)
    if not form.is_valid():
        return render(
            request, "desk/article_edit.html", {"article": article, "form": form}, status=400
        )
    data = form.cleaned_data
    try:
        desk_services.article_save_body(
            article=article,
            by=request.user,
            expected_version=data["expected_version"],
            text=data["body"],
            fmt=data["format"],
        )
    except DESK_ERRORS as error:
        return _edit_refused(request, article, form, error)
    messages.success(request, "Body saved.")
    return redirect("desk:article", pk=article.pk)


def _edit_refused(request, article, form, error):
    """Re-render the editor's own text with the problem, and for a conflict what changed meanwhile."""
    context = {"article": article, "form": form}
    if isinstance(error, EditConflict):
        article.refresh_from_db()
        started = form.cleaned_data["expected_version"]
        context["changes"] = article_list_changes_since(article=article, version=started)
        context["current_body"] = render_body(
            article_get_content(article=article), form.cleaned_data["format"]
        )
        context["current_version"] = error.current_version
    if isinstance(error, ContentParseError):
        context["parse_errors"] = error.errors
    else:
        add_form_errors(form, error)
    return render(request, "desk/article_edit.html", context, status=error_status(error))


@desk_view
def claim_edit(request, pk, uid):
    article = _article(pk)
    _ensure_can_edit(article, request.user)
    claim = get_object_or_404(Claim.objects.prefetch_related("citations"), article=article, uid=uid)
    content = article_get_content(article=article)
    data = next(c for c in content.claims if c.uid == str(claim.uid))
    initial = {
        "expected_version": article.content_version,
        "text": data.text,
        "plain_text": data.plain_text,
        "citations": ", ".join(str(n) for n in data.citations),
        "needs_no_citation": data.needs_no_citation,
    }
    form = forms.ClaimForm(request.POST or None, initial=initial)
    context = {"article": article, "claim": claim, "form": form, "references": content.references}
    if request.method == "POST" and form.is_valid():
        values = form.cleaned_data
        try:
            desk_services.claim_edit(
                article=article,
                by=request.user,
                expected_version=values["expected_version"],
                uid=str(claim.uid),
                text=values["text"],
                plain_text=values["plain_text"],
                needs_no_citation=values["needs_no_citation"],
                citations=values["citations"],
            )
        except DESK_ERRORS as error:
            add_form_errors(form, error)
            return render(request, "desk/claim_edit.html", context, status=error_status(error))
        messages.success(request, "Claim saved.")
        return redirect(reverse("desk:article", kwargs={"pk": article.pk}) + f"#claim-{claim.uid}")
    return render(
        request, "desk/claim_edit.html", context, status=400 if request.method == "POST" else 200
    )


def _cite_targets(article: Article) -> list[tuple[str, str]]:
    content = article_get_content(article=article)
    targets = [(f"n:{n}", f"Resolve citation [{n}]") for n in content.unresolved_numbers()]
    for index, claim in enumerate(content.claims, start=1):
        if claim.states_fact:
            targets.append((f"c:{claim.uid}", f"Cite in claim {index}: {claim.text[:60]}"))
    return targets


@desk_view
def article_references(request, pk):
    article = _article(pk)
    _ensure_can_edit(article, request.user)
    targets = _cite_targets(article)
    version = article.content_version
    search = forms.ReferenceSearchForm(request.GET or None)
    query = search.cleaned_data["q"] if search.is_valid() else ""
    cite_form = forms.CiteForm(initial={"expected_version": version}, targets=targets)
    new_form = forms.ReferenceForm(
        initial={"expected_version": version}, targets=targets, prefix="new"
    )
    status = 200
    if request.method == "POST":
        adding = "new-title" in request.POST
        form = (
            forms.ReferenceForm(request.POST, targets=targets, prefix="new")
            if adding
            else forms.CiteForm(request.POST, targets=targets)
        )
        response, status = _cite(request, article, form, adding)
        if response is not None:
            return response
        new_form, cite_form = (form, cite_form) if adding else (new_form, form)
    context = {
        "article": article,
        "search": search,
        "q": query,
        "targets": targets,
        "results": list(selectors.reference_search(query=query)),
        "cite_form": cite_form,
        "new_form": new_form,
        "rows": selectors.claim_list_for_desk(article=article),
        "content": article_get_content(article=article),
    }
    return render(request, "desk/article_references.html", context, status=status)


def _cite(request, article, form, adding: bool):
    """Cite the chosen or new reference; (redirect, 302) on success, (None, status) otherwise."""
    if not form.is_valid():
        return None, 400
    values = form.cleaned_data
    try:
        if adding:
            desk_services.reference_add_and_cite(
                article=article,
                by=request.user,
                expected_version=values["expected_version"],
                data=form.reference_data(),
                target=values["target"],
            )
        else:
            reference = get_object_or_404(Reference, pk=request.POST.get("reference"))
            desk_services.article_cite_reference(
                article=article,
                by=request.user,
                expected_version=values["expected_version"],
                reference=reference,
                target=values["target"],
            )
    except DESK_ERRORS as error:
        add_form_errors(form, error)
        return None, error_status(error)
    messages.success(request, "Reference cited.")
    return redirect("desk:references", pk=article.pk), 302


@require_GET
@desk_view
def article_preview(request, pk):
    article = _article(pk)
    # The public page's own renderer, fed the working content: what readers will see once approved.
    from public.selectors import article_get_for_reader
    from public.views import render_article_page

    public_article = article_get_for_reader(article=article, desk=True, preview=True)
    if public_article is None:
        return render(
            request,
            "desk/error.html",
            {
                "status": 404,
                "messages_list": ["A retracted article has no public page to preview."],
            },
            status=404,
        )
    return render_article_page(request, public_article, preview=True)


@require_GET
@desk_view
def article_review(request, pk):
    article = _article(pk)
    if not workflow.can_review(article, request.user):
        raise PermissionDenied("The review screen is for board reviewers.")
    context = _detail_context(request, article, review_form=forms.ClaimReviewForm())
    return render(request, "desk/article_review.html", context)


@require_POST
@desk_view
def claim_review(request, pk, uid):
    article = _article(pk)
    claim = get_object_or_404(Claim.objects.select_related("article"), article=article, uid=uid)
    if not workflow.can_review(article, request.user):
        # Refuse before reading the form, so a non-reviewer never gets the review form back.
        raise PermissionDenied("Only board reviewers review claims.")
    form = forms.ClaimReviewForm(request.POST)
    status = 400
    if form.is_valid():
        try:
            services.claim_review(claim=claim, by=request.user, **form.cleaned_data)
        except DESK_ERRORS as error:
            add_form_errors(form, error)
            status = error_status(error)
        else:
            if not _is_async(request):
                return redirect(
                    reverse("desk:review", kwargs={"pk": article.pk}) + f"#claim-{claim.uid}"
                )
            form, status = forms.ClaimReviewForm(), 200
    row = next(r for r in selectors.claim_list_for_desk(article=article) if r.claim.pk == claim.pk)
    context = {"article": article, "row": row, "review_form": form, "can_review": True}
    template = "desk/_review_row.html" if _is_async(request) else "desk/review_claim.html"
    return render(request, template, context, status=status)


@require_GET
@desk_view
def article_diff(request, pk):
    article = _article(pk)
    approved = article.published_version
    old = None
    if approved is not None:
        # Rebuilt from the history tables as the article stood when it was approved.
        old = article_content_as_of(article=article, when=approved.approved_at)
    diff = content_diff(old, article_get_content(article=article))
    return render(
        request, "desk/article_diff.html", {"article": article, "diff": diff, "approved": approved}
    )


@require_GET
@desk_view
def article_timeline(request, pk):
    article = _article(pk)
    return render(
        request,
        "desk/article_timeline.html",
        {
            "article": article,
            "entries": article_list_timeline(article=article),
        },
    )


@desk_view
def article_version(request, pk):
    article = _article(pk)
    when = parse_datetime(request.POST.get("at") or request.GET.get("at", ""))
    content = article_content_as_of(article=article, when=when) if when else None
    if content is None:
        return render(
            request,
            "desk/error.html",
            {
                "status": 404,
                "messages_list": ["There is no version of this article at that time."],
            },
            status=404,
        )
    if request.method == "POST":
        try:
            services.article_revert(article=article, by=request.user, to=when)
        except DESK_ERRORS as error:
            context = {
                "article": article,
                "content": content,
                "when": when,
                "errors": error_messages(error),
            }
            return render(request, "desk/article_version.html", context, status=error_status(error))
        messages.success(
            request, f"The version of {when:%Y-%m-%d %H:%M} is restored as the current draft."
        )
        return redirect("desk:article", pk=article.pk)
    diff = content_diff(article_get_content(article=article), content)
    return render(
        request,
        "desk/article_version.html",
        {
            "article": article,
            "content": content,
            "when": when,
            "diff": diff,
        },
    )


@require_POST
@desk_view
def question_handle(request, pk, action):
    from public.models import FollowUpQuestion

    question = get_object_or_404(FollowUpQuestion, pk=pk)
    if action == "convert":
        article = desk_services.followup_convert(question=question, by=request.user)
        messages.success(request, "A new draft was started from the reader's question.")
        return redirect("desk:edit", pk=article.pk)
    desk_services.followup_dismiss(question=question, by=request.user)
    messages.success(request, "Question dismissed.")
    return redirect(reverse("desk:dashboard") + "#questions")
