"""What every desk screen shares: finding the article, and the workflow panel's context."""

from __future__ import annotations

from django.shortcuts import get_object_or_404

from articles import policy, roles, steps
from articles.models import Article
from articles.reviewed import content_fingerprint
from articles.selectors import content_from_claims
from articles.states import ArticleState
from board.rules import declaration_of
from board.selectors import assignment_list_for_article, reviewer_suggestions
from desk import claim_rows, forms


def get_article(pk: int) -> Article:
    return get_object_or_404(
        Article.objects.select_related(
            "published_version", "assigned_reviewer", "changes_requested_by"
        ).prefetch_related("contributors"),  # asked on every screen: who wrote this revision
        pk=pk,
    )


def is_async(request) -> bool:
    return request.headers.get("X-Requested-With") == "fetch"


def workflow_buttons(article: Article, user) -> list[steps.Step]:
    """The workflow steps this user may take now at the desk, as each step's check says."""
    return steps.open_to(user, article, door=steps.DESK)


def workflow_blockers(article: Article, user) -> tuple[steps.Step | None, list[str]]:
    """The step the desk explains in the article's state ("Submit", "Start review",
    "Approve") and why it is not offered, when it would otherwise be theirs."""
    step = steps.explained(article)
    return step, step.blockers(user, article) if step is not None else []


def assignment_due_form(assignment, data=None) -> forms.AssignmentDueForm:
    """The "change the due date" form of one assignment (ids of its own on a shared page)."""
    return forms.AssignmentDueForm(
        data, initial={"due_on": assignment.due_on}, auto_id=f"id_due{assignment.pk}_%s"
    )


def assignment_withdraw_form(assignment, data=None) -> forms.AssignmentWithdrawForm:
    """The "withdraw" form of one assignment (ids of its own on a shared page)."""
    return forms.AssignmentWithdrawForm(data, auto_id=f"id_withdraw{assignment.pk}_%s")


def board_panel(request, article: Article, extra: dict) -> dict:
    """The board's part of the article screen: topics, declaration, assignments, suggestions."""
    user = request.user
    panel = {
        "topics": list(article.topics.all()),
        "assignments": assignment_list_for_article(article=article),
        "may_declare": policy.can(user, policy.DECLARE, article),
        "may_assign": policy.can(user, policy.ASSIGN, article),
    }
    panel["declaration"] = declaration_of(article, user) if panel["may_declare"] else None
    if panel["may_declare"]:
        panel["declaration_form"] = extra.get("declaration_form") or forms.DeclarationForm()
    if panel["may_assign"]:
        panel["suggestions"] = list(reviewer_suggestions(article=article))
        panel["assign_form"] = extra.get("assign_form") or forms.AssignForm()
        panel["chosen"] = {str(c) for c in extra.get("chosen", ())}
        # Each open assignment's own forms; a refused one comes back with what was typed.
        refused = extra.get("refused_assignment")
        for row in panel["assignments"]:
            if row.status == row.Status.OPEN:
                shown = extra if refused == row.pk else {}
                row.due_form = shown.get("due_form") or assignment_due_form(row)
                row.withdraw_form = shown.get("withdraw_form") or assignment_withdraw_form(row)
    if policy.can(user, policy.EDIT, article):
        panel["topics_form"] = extra.get("topics_form") or forms.TopicsForm(
            initial={"topics": panel["topics"]}
        )
    return panel


def detail_context(request, article: Article, **extra) -> dict:
    """The article screen: claims, the workflow panel, and what the approval would name.

    The claims are read once: the rows the screen shows also give the content (and its
    fingerprint) and the facts the workflow conditions ask about.
    """
    rows = claim_rows.claim_list_for_desk(article=article)
    claims = [row.claim for row in rows]
    content = content_from_claims(article, claims)
    not_counted = rows[0].not_counted if rows else set()
    article.use_claim_summaries([claim.summary(exclude_reviewers=not_counted) for claim in claims])
    blocked_step, blockers = workflow_blockers(article, request.user)
    last_comment = article.transitions.exclude(comment="").order_by("-created_at", "-pk").first()
    context = {
        "article": article,
        "content": content,
        "rows": rows,
        "buttons": workflow_buttons(article, request.user),
        "blocked_step": blocked_step,
        "blockers": blockers,
        "can_edit": policy.can(request.user, policy.EDIT, article),
        "can_review": policy.can(request.user, policy.VERIFY, article),
        "is_reviewer": roles.is_reviewer(request.user),
        "last_comment": last_comment,
        # A draft sent back by the board: the reviewer's request heads the screen.
        "returned_with": last_comment
        if last_comment is not None
        and last_comment.name == steps.REQUEST_CHANGES.name
        and article.state == ArticleState.DRAFT
        else None,
        # The editor's private note to the board with the submission now in review.
        "submission": article.transitions.filter(name=steps.SUBMIT.name, revision=article.revision)
        .order_by("-created_at", "-pk")
        .first(),
        # An approval names the reviewed content it was shown (``articles.reviewed``).
        "reviewed_hash": content_fingerprint(content),
        "transition_form": forms.TransitionForm(),
    }
    context["not_counted"] = claim_rows.sign_offs_not_counted(
        article=article, rows=rows, fingerprint=context["reviewed_hash"]
    )
    context["board_panel"] = board_panel(request, article, extra)
    context.update(extra)
    return context
