"""Claim threads at the desk: the editors reply and mark addressed, the board resolves or reopens."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from articles import policy, roles
from articles.models import ClaimThread
from articles.services.threads import THREAD_STEPS
from desk import forms, rounds
from desk.errors import DESK_ERRORS, add_form_errors, desk_view, error_status
from desk.views.article import overview_context
from desk.views.common import get_article, is_async
from desk.views.editor_body import render_editor
from desk.views.review import review_context

DONE = {
    "reply": "Reply posted.",
    "address": "Marked addressed: the reviewer will check it.",
    "resolve": "Thread resolved.",
    "reopen": "Thread reopened: the editors have it again.",
}


@require_POST
@desk_view
def thread_step(request, pk, thread_pk, step):
    article = get_article(pk)
    thread = get_object_or_404(ClaimThread, article=article, pk=thread_pk)
    service = THREAD_STEPS.get(step)
    if service is None:
        raise Http404("No such step.")
    form = forms.ThreadMessageForm(request.POST)
    form.is_valid()  # The service judges the message; the form carries it back.
    # Back to the screen it was written on; the review screen only for reviewers.
    back = form.data.get("back")
    if back == "review" and not roles.is_reviewer(request.user):
        back = "article"
    elif back not in ("review", "editor"):
        back = "article"
    try:
        service(thread=thread, by=request.user, body=form.data.get("body", ""))
    except DESK_ERRORS as error:
        add_form_errors(form, error)
        if is_async(request):
            extra = {"thread_form": form, "failed_thread": thread.pk}
            return render_thread(request, article, back, thread, error_status(error), **extra)
        return render_with_thread_error(request, article, back, thread, form, error_status(error))
    if is_async(request):
        return render_thread(request, article, back, thread, 200, thread_message=DONE[step])
    messages.success(request, DONE[step])
    return redirect(reverse(f"desk:{back}", kwargs={"pk": article.pk}) + f"#thread-{thread.pk}")


def render_thread(request, article, back, thread, status, **extra):
    """The thread alone, as the screen it was written on shows it: a script swaps it in place."""
    user = request.user
    if back == "editor":
        may_answer, may_settle = policy.may_answer_thread(article, user), False
    else:
        may_answer = policy.can(user, policy.THREAD_REPLY, article)
        may_settle = policy.can(user, policy.THREAD_RESOLVE, article)
    uids = list(article.claims.order_by("position", "pk").values_list("uid", flat=True))
    context = {
        "article": article,
        "thread": rounds.thread_get_for_article(article=article, pk=thread.pk),
        "number": uids.index(thread.claim_uid) + 1 if thread.claim_uid in uids else "",
        "back": back,
        "may_answer_threads": may_answer,
        "may_settle_threads": may_settle,
        "thread_form": forms.ThreadMessageForm(),
        **extra,
    }
    return render(request, "desk/_thread.html", context, status=status)


def render_with_thread_error(request, article, back, thread, form, status):
    """The screen again, with the message kept in its thread's form and the reason beside it."""
    extra = {"thread_form": form, "failed_thread": thread.pk}
    if back == "editor" and policy.can(request.user, policy.EDIT, article):
        return render_editor(request, article, status=status, **extra)
    if back == "review":
        return render(
            request,
            "desk/article_review.html",
            review_context(request, article, **extra),
            status=status,
        )
    return render(
        request,
        "desk/article_detail.html",
        overview_context(request, article, **extra),
        status=status,
    )
