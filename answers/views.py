"""The answer page: reviewed claims that answer a reader's question, or a plain "not yet"."""

from __future__ import annotations

from django.core import signing
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_safe

from answers.receivers import EMERGENCY_LIST
from answers.selectors import Answer, answer_get, followup_get_asked
from articles import events
from public import edge, page

MAX_QUESTION = 1000
# A reader comes back to the answer of the question they sent by a signed address, so
# nobody can read another reader's question by guessing its number; it lapses in a day.
ASKED_SALT = "answers.asked"
ASKED_MAX_AGE = 24 * 60 * 60
# What an answer shows: the index (changed with every listing of articles, edge.SEARCH),
# the urgent-care notice and the disclaimer (site texts), the emergency list, and the
# verifying reviewers' names (the board).
ANSWER_PAGE_KEYS = (edge.SEARCH, events.SITE_TEXT, EMERGENCY_LIST, events.BOARD)


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


def asked_redirect(followup) -> HttpResponse:
    """After a reader sends a question: to its answer, at an address only they were given."""
    return redirect("answers:asked", token=signing.dumps(followup.pk, salt=ASKED_SALT))


@require_safe
def asked(request: HttpRequest, token: str) -> HttpResponse:
    """The answer to a question a reader sent from an article page (it is in the editors' inbox)."""
    try:
        pk = signing.loads(token, salt=ASKED_SALT, max_age=ASKED_MAX_AGE)
    except signing.BadSignature as exc:
        raise Http404("This answer is no longer available; ask your question again.") from exc
    followup = followup_get_asked(pk=pk)
    if followup is None:
        raise Http404("This answer is no longer available; ask your question again.")
    answer = answer_get(question=followup.question, audience=followup.audience or "professional")
    response = answer_response(
        request, answer=answer, article=followup.article, title=followup.shown_title, stored=True
    )
    page.set_caching(response, shared=False)  # one reader's question: never kept or shared
    return response
