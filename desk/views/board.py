"""The board's panel on the article screen: declarations, assignments and topics."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from articles import policy
from articles.services import article_topics_set
from board import services as board_services
from board.models import ReviewAssignment
from desk import forms
from desk.errors import DESK_ERRORS, add_form_errors, desk_view, error_status
from desk.views.common import (
    assignment_due_form,
    assignment_withdraw_form,
    detail_context,
    get_article,
)


def _refused(request, article, *, status: int, **forms_shown):
    """The article screen again, with the form that was refused and what was typed in it."""
    context = detail_context(request, article, **forms_shown)
    return render(request, "desk/article_detail.html", context, status=status)


@require_POST
@desk_view
def article_declare(request, pk):
    article = get_article(pk)
    policy.ensure(request.user, policy.DECLARE, article)
    form = forms.DeclarationForm(request.POST)
    if not form.is_valid():
        return _refused(request, article, status=400, declaration_form=form)
    has_conflict = form.cleaned_data["conflict"] == "yes"
    try:
        board_services.conflict_declare(
            article=article,
            by=request.user,
            has_conflict=has_conflict,
            note=form.cleaned_data["note"],
        )
    except DESK_ERRORS as error:
        add_form_errors(form, error)
        return _refused(request, article, status=error_status(error), declaration_form=form)
    if has_conflict:
        messages.success(
            request, "Conflict of interest recorded: you are recused from this article."
        )
        return redirect("desk:article", pk=article.pk)
    messages.success(request, "Declared no conflict of interest. You may review this article.")
    # The review screen asks for the declaration first; go back to where it was asked.
    back_to = "desk:review" if request.POST.get("next") == "review" else "desk:article"
    return redirect(back_to, pk=article.pk)


@require_POST
@desk_view
def article_assign(request, pk):
    article = get_article(pk)
    policy.ensure(request.user, policy.ASSIGN, article)
    form = forms.AssignForm(request.POST)
    chosen = request.POST.getlist("reviewers")
    if not form.is_valid():
        return _refused(request, article, status=400, assign_form=form, chosen=chosen)
    try:
        created = board_services.assignment_create(
            article=article,
            reviewer_ids=chosen,
            due_on=form.cleaned_data["due_on"],
            by=request.user,
        )
    except DESK_ERRORS as error:
        add_form_errors(form, error)
        return _refused(
            request, article, status=error_status(error), assign_form=form, chosen=chosen
        )
    names = ", ".join(a.reviewer.get_full_name() or a.reviewer.username for a in created)
    messages.success(request, f"Assigned to {names}. They have been told by mail.")
    return redirect("desk:article", pk=article.pk)


def _assignment_for_chief(request, pk, assignment_pk):
    """The article and one of its assignments, for an editor-in-chief (403 before 404)."""
    article = get_article(pk)
    policy.ensure(request.user, policy.ASSIGN, article)
    assignment = get_object_or_404(
        ReviewAssignment.objects.select_related("reviewer"), pk=assignment_pk, article=article
    )
    return article, assignment


def _back_to_assignments(article):
    return redirect(reverse("desk:article", kwargs={"pk": article.pk}) + "#assignments")


@require_POST
@desk_view
def assignment_due_change(request, pk, assignment_pk):
    article, assignment = _assignment_for_chief(request, pk, assignment_pk)
    form = assignment_due_form(assignment, request.POST)
    refused = {"refused_assignment": assignment.pk, "due_form": form}
    if not form.is_valid():
        return _refused(request, article, status=400, **refused)
    try:
        assignment = board_services.assignment_due_change(
            assignment=assignment,
            due_on=form.cleaned_data["due_on"],
            by=request.user,
            reason=form.cleaned_data["reason"],
        )
    except ValidationError as error:
        add_form_errors(form, error)
        return _refused(request, article, status=400, **refused)
    name = assignment.reviewer.get_full_name() or assignment.reviewer.username
    due = assignment.due_on
    messages.success(
        request, f"{name}'s review is now due {due:%B} {due.day}, {due:%Y}. They have been told."
    )
    return _back_to_assignments(article)


@require_POST
@desk_view
def assignment_withdraw(request, pk, assignment_pk):
    article, assignment = _assignment_for_chief(request, pk, assignment_pk)
    form = assignment_withdraw_form(assignment, request.POST)
    refused = {"refused_assignment": assignment.pk, "withdraw_form": form}
    if not form.is_valid():
        return _refused(request, article, status=400, **refused)
    try:
        board_services.assignment_withdraw(
            assignment=assignment, by=request.user, reason=form.cleaned_data["reason"]
        )
    except ValidationError as error:
        add_form_errors(form, error)
        return _refused(request, article, status=400, **refused)
    name = assignment.reviewer.get_full_name() or assignment.reviewer.username
    messages.success(request, f"{name}'s assignment is withdrawn. They have been told.")
    return _back_to_assignments(article)


@require_POST
@desk_view
def article_topics(request, pk):
    article = get_article(pk)
    policy.ensure(request.user, policy.EDIT, article)
    form = forms.TopicsForm(request.POST)
    if not form.is_valid():
        return _refused(request, article, status=400, topics_form=form)
    try:
        article_topics_set(
            article=article, by=request.user, topic_ids=[t.pk for t in form.cleaned_data["topics"]]
        )
    except DESK_ERRORS as error:
        add_form_errors(form, error)
        return _refused(request, article, status=error_status(error), topics_form=form)
    messages.success(request, "Topics saved.")
    return redirect("desk:article", pk=article.pk)
