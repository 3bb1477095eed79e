"""What changed: the diff against the approved version, the timeline, past versions and restore."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.dateparse import parse_datetime
from django.views.decorators.http import require_GET

from articles import services
from articles.history import article_content_as_of
from articles.interchange.jsonformat import content_from_document
from articles.selectors import article_get_content
from desk import timeline
from desk.diff import content_diff
from desk.errors import DESK_ERRORS, desk_view, error_messages, error_status
from desk.views.common import get_article


@require_GET
@desk_view
def article_diff(request, pk):
    article = get_article(pk)
    approved = article.published_version
    # Against the snapshot readers are shown: exactly what the board approved.
    old = content_from_document(approved.content) if approved is not None else None
    diff = content_diff(old, article_get_content(article=article))
    return render(
        request, "desk/article_diff.html", {"article": article, "diff": diff, "approved": approved}
    )


@require_GET
@desk_view
def article_timeline(request, pk):
    article = get_article(pk)
    kind, status, problem = request.GET.get("kind") or timeline.ALL, 200, ""
    if kind not in timeline.KINDS:
        # A kind the page never offers (a mistyped link): everything, and why.
        problem = f"There is no kind of event called “{kind[:40]}”; everything is shown."
        kind, status = timeline.ALL, 400
    events = timeline.timeline_list_for_article(article=article)
    counts = timeline.timeline_counts(events)
    context = {
        "article": article,
        "events": timeline.timeline_filter(events, kind=kind),
        "kind": kind,
        "kinds": [(name, label, counts[name]) for name, label in timeline.KINDS.items()],
        "problem": problem,
    }
    return render(request, "desk/article_timeline.html", context, status=status)


@desk_view
def article_version(request, pk):
    article = get_article(pk)
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
        {"article": article, "content": content, "when": when, "diff": diff},
    )
