"""The board's review screen: every item of the article with its verdict, one at a time."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from articles import policy, services
from articles.models import Claim
from desk import forms, selectors
from desk.errors import DESK_ERRORS, add_form_errors, desk_view, error_status
from desk.views.common import detail_context, get_article, is_async


@require_GET
@desk_view
def article_review(request, pk):
    article = get_article(pk)
    if not policy.is_reviewer(request.user):
        raise PermissionDenied("The review screen is for board reviewers.")
    context = detail_context(request, article, review_form=forms.ClaimReviewForm())
    return render(request, "desk/article_review.html", context)


@require_POST
@desk_view
def claim_review(request, pk, uid):
    article = get_article(pk)
    claim = get_object_or_404(Claim.objects.select_related("article"), article=article, uid=uid)
    if not policy.is_reviewer(request.user):
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
    row = next(r for r in selectors.claim_list_for_desk(article=article) if r.claim.pk == claim.pk)
    context = {
        "article": article,
        "row": row,
        "review_form": form,
        "can_review": policy.can(request.user, policy.VERIFY, article),
    }
    template = "desk/_review_row.html" if is_async(request) else "desk/review_claim.html"
    return render(request, template, context, status=status)
