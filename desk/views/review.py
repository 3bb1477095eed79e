"""The board's review screen: every item of the article with its verdict, one at a time.

From the second round on, each claim also shows what changed since the last round,
the verdict and comment given then, and its thread with the editors' replies.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from articles import policy, roles, services
from articles.models import Article, Claim
from desk import claim_rows, forms, rounds
from desk.errors import DESK_ERRORS, add_form_errors, desk_view, error_status
from desk.views.common import detail_context, get_article, is_async


def thread_context(
    request, article: Article, rows: list, *, with_round: bool, only_uid: str | None = None
) -> dict:
    """Threads on the rows (and the last round's memory on the review screen); a fixed cost.

    Who may answer or settle threads is asked once for the page, not per claim.
    """
    threads = rounds.thread_list_for_article(article=article)
    memory = (
        rounds.review_round_get(article=article, rows=rows, only_uid=only_uid)
        if with_round
        else None
    )
    rounds.rows_annotate(rows, threads=threads, memory=memory)
    return {
        "round": memory,
        "removed_claims": rounds.removed_with_threads(memory, threads),
        "threads": threads,
        "unsettled_threads": [t for t in threads if not t.is_resolved],
        "open_threads": [t for t in threads if t.is_open],
        "may_answer_threads": policy.can(request.user, policy.THREAD_REPLY, article),
        "may_settle_threads": policy.can(request.user, policy.THREAD_RESOLVE, article),
        "thread_form": forms.ThreadMessageForm(),
    }


def review_context(request, article: Article, **extra) -> dict:
    context = detail_context(request, article, review_form=forms.ClaimReviewForm())
    context.update(thread_context(request, article, context["rows"], with_round=True))
    context.update(extra)
    return context


def verdict_message(row, form, *, saved: bool) -> str:
    """What the review screen announces once a verdict is sent, for those who cannot see it."""
    if not saved:
        reasons = [str(e) for errors in form.errors.values() for e in errors]
        return f"Claim {row.number} not saved: {reasons[0] if reasons else 'try again.'}"
    if row.verdict == "needs_change":
        return f"Claim {row.number}: needs change, sent to the editors in its thread."
    return f"Claim {row.number} verified."


@require_GET
@desk_view
def article_review(request, pk):
    article = get_article(pk)
    if not roles.is_reviewer(request.user):
        raise PermissionDenied("The review screen is for board reviewers.")
    return render(request, "desk/article_review.html", review_context(request, article))


@require_POST
@desk_view
def claim_review(request, pk, uid):
    article = get_article(pk)
    claim = get_object_or_404(Claim.objects.select_related("article"), article=article, uid=uid)
    if not roles.is_reviewer(request.user):
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
            if not is_async(request):
                return redirect(
                    reverse("desk:review", kwargs={"pk": article.pk}) + f"#claim-{claim.uid}"
                )
            form, status = forms.ClaimReviewForm(), 200
    rows = claim_rows.claim_list_for_desk(article=article)
    context = thread_context(request, article, rows, with_round=True, only_uid=str(claim.uid))
    row = next(r for r in rows if r.claim.pk == claim.pk)
    context.update(
        {
            "article": article,
            "row": row,
            "review_form": form,
            "can_review": policy.can(request.user, policy.VERIFY, article),
            "expanded": True,
            "row_message": verdict_message(row, form, saved=status == 200),
        }
    )
    template = "desk/_review_row.html" if is_async(request) else "desk/review_claim.html"
    return render(request, template, context, status=status)
