"""The answer page: reviewed claims that answer a reader's question, or a plain "not yet"."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from answers.receivers import EMERGENCY_LIST
from answers.selectors import Answer, answer_get
from articles import events
from public import edge, page

MAX_QUESTION = 1000
# What an answer shows: the index (changed with every listing of articles, edge.SEARCH),
# the urgent-care notice and the disclaimer (site texts), and the emergency list.
ANSWER_PAGE_KEYS = (edge.SEARCH, events.SITE_TEXT, EMERGENCY_LIST)


def answer_response(
    request: HttpRequest, *, answer: Answer, article=None, title: str = "", stored: bool = False
) -> HttpResponse:
    """The answer page; ``stored`` says the question also reached the editors' inbox."""
    return render(
        request,
        "answers/answer_page.html",
        {
            "answer": answer,
            "article": article,
            "title": title,
            "stored": stored,
            "audience": answer.audience,
            "audiences": page.AUDIENCES,
            "noindex": True,
        },
    )


@require_safe
def answer_page(request: HttpRequest) -> HttpResponse:
    """``/answers/?q=…&audience=…``: the same for every reader, kept like the search page."""
    question = request.GET.get("q", "").replace("\x00", "").strip()
    audience = request.GET.get("audience", page.DEFAULT_AUDIENCE)
    if not question or len(question) > MAX_QUESTION or audience not in page.AUDIENCES:
        return HttpResponse(
            f"Ask a question of up to {MAX_QUESTION} characters, for one of the listed audiences.",
            status=400,
            content_type="text/plain",
        )
    response = answer_response(request, answer=answer_get(question=question, audience=audience))
    if request.user.is_authenticated:
        page.set_caching(response, shared=False)
        return response
    return page.finish_shared(
        request, response, keep=set(request.GET) <= {"q", "audience"}, keys=ANSWER_PAGE_KEYS
    )
