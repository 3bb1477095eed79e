"""Desk pages of retraction screening: the flagged queue, the run record, justifications."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from articles import roles
from articles.models import Article, Claim, Reference
from desk.errors import DESK_ERRORS, add_form_errors, desk_view, error_status
from screening import selectors, services
from screening.forms import JustificationForm


@require_GET
@desk_view
def queue(request):
    return render(
        request,
        "screening/queue.html",
        {
            "articles": list(selectors.article_list_flagged()[:200]),
            "runs": selectors.run_list_recent(),
        },
    )


@require_GET
@desk_view
def run_detail(request, pk):
    run = selectors.run_get(pk=pk)
    if run is None:
        return render(
            request,
            "desk/error.html",
            {"status": 404, "messages_list": ["No such screening run."]},
            status=404,
        )
    return render(
        request, "screening/run.html", {"run": run, "flags": selectors.flag_list_for_run(run=run)}
    )


@require_POST
@desk_view
def citation_justify(request, pk, uid):
    article = get_object_or_404(Article, pk=pk)
    claim = get_object_or_404(Claim.objects.select_related("article"), article=article, uid=uid)
    if not roles.is_reviewer(request.user):
        raise PermissionDenied("Only board reviewers justify citations.")
    form = JustificationForm(request.POST)
    status, reference = 400, None
    if form.is_valid():
        reference = Reference.objects.filter(pk=form.cleaned_data["reference"]).first()
        try:
            if reference is None:
                raise ValidationError({"reference": "No such reference."})
            services.citation_justify(
                claim=claim, reference=reference, by=request.user, text=form.cleaned_data["text"]
            )
        except DESK_ERRORS as error:
            add_form_errors(form, error)
            status = error_status(error)
        else:
            return redirect(reverse("desk:review", kwargs={"pk": article.pk}) + f"#claim-{uid}")
    context = {"article": article, "claim": claim, "reference": reference, "form": form}
    return render(request, "screening/justify.html", context, status=status)
