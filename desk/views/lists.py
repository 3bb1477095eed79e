"""Work lists: the dashboard, every article, readers' questions."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from articles import roles
from articles.states import ArticleState
from desk import chief_queue, selectors
from desk.dashboard import dashboard_get
from desk.errors import desk_view
from desk.services import followups as followup_services
from public.models import FollowUpQuestion


@require_GET
@desk_view
def dashboard(request):
    return render(request, "desk/dashboard.html", {"board": dashboard_get(user=request.user)})


@require_GET
@desk_view
def chief_list(request, anchor):
    if not roles.is_editor_in_chief(request.user):
        raise PermissionDenied("Only editors-in-chief have this queue.")
    articles = chief_queue.chief_list_get(anchor=anchor)
    if articles is None:
        raise Http404("There is no such list.")
    label = {a: label for _name, a, label in chief_queue.CHIEF_LISTS}[anchor]
    return render(
        request,
        "desk/chief_list.html",
        {"articles": articles, "anchor": anchor, "label": label},
    )


@require_GET
@desk_view
def article_list(request):
    # NUL cannot be searched for on PostgreSQL (it raised a 500); it is never meaningful.
    state, query = request.GET.get("state", ""), request.GET.get("q", "").replace("\x00", "")
    articles = list(selectors.article_list_all(state=state, query=query)[:200])
    return render(
        request,
        "desk/article_list.html",
        {"articles": articles, "state": state, "q": query, "states": ArticleState.choices},
    )


@require_POST
@desk_view
def question_handle(request, pk, action):
    question = get_object_or_404(FollowUpQuestion, pk=pk)
    if action == "convert":
        article = followup_services.followup_convert(question=question, by=request.user)
        messages.success(request, "A new draft was started from the reader's question.")
        return redirect("desk:editor", pk=article.pk)
    followup_services.followup_dismiss(question=question, by=request.user)
    messages.success(request, "Question dismissed.")
    return redirect(reverse("desk:dashboard") + "#questions")
