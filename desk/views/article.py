"""The article screen and its workflow buttons."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from articles import steps
from desk import forms
from desk.errors import DESK_ERRORS, add_form_errors, desk_view, error_status
from desk.views.common import detail_context, get_article, workflow_buttons
from desk.views.review import thread_context


def overview_context(request, article, **extra) -> dict:
    """The article screen with the board's threads on its claims and the open ones listed."""
    context = detail_context(request, article)
    context.update(thread_context(request, article, context["rows"], with_round=False))
    context.update(extra)
    return context


@require_GET
@desk_view
def article_detail(request, pk):
    article = get_article(pk)
    return render(request, "desk/article_detail.html", overview_context(request, article))


@require_POST
@desk_view
def article_transition(request, pk, name):
    article = get_article(pk)
    step = steps.get(name, door=steps.DESK)
    if step is None:
        return render(
            request,
            "desk/error.html",
            {"status": 404, "messages_list": ["No such step."]},
            status=404,
        )
    form = forms.TransitionForm(request.POST)
    form.is_valid()  # The service judges the values; the form only carries them back.
    try:
        step.run(article=article, by=request.user, data=form.cleaned_data)
    except DESK_ERRORS as error:
        add_form_errors(form, error)
        article = get_article(pk)  # as it is now, whatever the refused step had begun
        context = overview_context(request, article, transition_form=form, failed=name)
        if step not in workflow_buttons(article, request.user):
            # The step is no longer offered: show what was typed so it can be copied.
            context["kept_text"] = "\n\n".join(
                text for key in ("summary", "note", "comment") if (text := form.data.get(key))
            )
        return render(request, "desk/article_detail.html", context, status=error_status(error))
    messages.success(request, step.done)
    return redirect(step.desk_next, pk=article.pk)
