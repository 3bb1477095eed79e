"""Citing: search the library, cite a reference in a claim, resolve a number, add a new work."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render

from articles import policy
from articles.models import Reference
from articles.selectors import content_from_claims
from desk import forms, selectors
from desk import services as desk_services
from desk.errors import DESK_ERRORS, add_form_errors, desk_view, error_status
from desk.views.common import get_article


def _cite_targets(content) -> list[tuple[str, str]]:
    targets = [(f"n:{n}", f"Resolve citation [{n}]") for n in content.unresolved_numbers()]
    for index, claim in enumerate(content.claims, start=1):
        if claim.states_fact:
            targets.append((f"c:{claim.uid}", f"Cite in claim {index}: {claim.text[:60]}"))
    return targets


@desk_view
def article_references(request, pk):
    article = get_article(pk)
    policy.ensure(request.user, policy.EDIT, article)
    # The claims are read once: the rows shown also give the content and the cite targets.
    rows = selectors.claim_list_for_desk(article=article)
    content = content_from_claims(article, [row.claim for row in rows])
    targets = _cite_targets(content)
    version = article.content_version
    search = forms.ReferenceSearchForm(request.GET or None)
    query = search.cleaned_data["q"] if search.is_valid() else ""
    cite_form = forms.CiteForm(initial={"expected_version": version}, targets=targets)
    new_form = forms.ReferenceForm(
        initial={"expected_version": version}, targets=targets, prefix="new"
    )
    status = 200
    if request.method == "POST":
        adding = "new-title" in request.POST
        form = (
            forms.ReferenceForm(request.POST, targets=targets, prefix="new")
            if adding
            else forms.CiteForm(request.POST, targets=targets)
        )
        response, status = _cite(request, article, form, adding)
        if response is not None:
            return response
        new_form, cite_form = (form, cite_form) if adding else (new_form, form)
    context = {
        "article": article,
        "search": search,
        "q": query,
        "targets": targets,
        "results": list(selectors.reference_search(query=query)),
        "cite_form": cite_form,
        "new_form": new_form,
        "rows": rows,
        "content": content,
    }
    return render(request, "desk/article_references.html", context, status=status)


def _cite(request, article, form, adding: bool):
    """Cite the chosen or new reference; (redirect, 302) on success, (None, status) otherwise."""
    if not form.is_valid():
        return None, 400
    values = form.cleaned_data
    try:
        if adding:
            desk_services.reference_add_and_cite(
                article=article,
                by=request.user,
                expected_version=values["expected_version"],
                data=form.reference_data(),
                target=values["target"],
            )
        else:
            reference = get_object_or_404(Reference, pk=request.POST.get("reference"))
            desk_services.article_cite_reference(
                article=article,
                by=request.user,
                expected_version=values["expected_version"],
                reference=reference,
                target=values["target"],
            )
    except DESK_ERRORS as error:
        add_form_errors(form, error)
        return None, error_status(error)
    messages.success(request, "Reference cited.")
    return redirect("desk:references", pk=article.pk), 302
