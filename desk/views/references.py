"""Citing: search the library, cite a reference in a claim, resolve a number, add a new work;
import reference lists into the library and keep the article's shelf of references to cite."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from articles import policy, services
from articles.models import Reference
from articles.selectors import content_from_claims
from articles.services.shelf import ImportStatus
from desk import claim_rows, forms, reference_choices
from desk.errors import DESK_ERRORS, add_form_errors, desk_view, error_status
from desk.services import citing as citing_services
from desk.views.common import get_article


def _cite_targets(content) -> list[tuple[str, str]]:
    targets = [(f"n:{n}", f"Resolve citation [{n}]") for n in content.unresolved_numbers()]
    for index, claim in enumerate(content.claims, start=1):
        if claim.states_fact:
            targets.append((f"c:{claim.uid}", f"Cite in claim {index}: {claim.text[:60]}"))
    return targets


def _claims(article):
    # The claims are read once: the rows shown also give the content and the cite targets.
    rows = claim_rows.claim_list_for_desk(article=article)
    content = content_from_claims(article, [row.claim for row in rows])
    return rows, content, _cite_targets(content)


def _page(request, article, *, status=200, claims=None, **forms_shown):
    """The references screen, with whichever of its forms are given already bound."""
    rows, content, targets = claims or _claims(article)
    version = article.content_version
    search = forms.ReferenceSearchForm(request.GET or None)
    query = search.cleaned_data["q"] if search.is_valid() else ""
    # The shelf as the citation picker offers it: what is put by and not cited yet.
    choices = reference_choices.article_reference_choices(article=article)
    context = {
        "article": article,
        "search": search,
        "q": query,
        "targets": targets,
        "results": list(reference_choices.reference_search(query=query)),
        "shelf": choices.shelf,
        "on_shelf": {r.pk for r in choices.shelf},
        "cite_form": forms.CiteForm(initial={"expected_version": version}, targets=targets),
        "new_form": forms.ReferenceForm(
            initial={"expected_version": version}, targets=targets, prefix="new"
        ),
        "import_form": forms.ReferenceImportForm(prefix="import"),
        "rows": rows,
        "content": content,
        **forms_shown,
    }
    return render(request, "desk/article_references.html", context, status=status)


@desk_view
def article_references(request, pk):
    article = get_article(pk)
    policy.ensure(request.user, policy.EDIT, article)
    if request.method != "POST":
        return _page(request, article)
    claims = _claims(article)
    targets = claims[2]
    adding = "new-title" in request.POST
    form = (
        forms.ReferenceForm(request.POST, targets=targets, prefix="new")
        if adding
        else forms.CiteForm(request.POST, targets=targets)
    )
    response, status = _cite(request, article, form, adding)
    if response is not None:
        return response
    shown = {"new_form" if adding else "cite_form": form}
    return _page(request, article, status=status, claims=claims, **shown)


def _cite(request, article, form, adding: bool):
    """Cite the chosen or new reference; (redirect, 302) on success, (None, status) otherwise."""
    if not form.is_valid():
        return None, 400
    values = form.cleaned_data
    try:
        if adding:
            citing_services.reference_add_and_cite(
                article=article,
                by=request.user,
                expected_version=values["expected_version"],
                data=form.reference_data(),
                target=values["target"],
            )
        else:
            reference = get_object_or_404(Reference, pk=request.POST.get("reference"))
            citing_services.article_cite_reference(
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


@desk_view
@require_POST
def article_references_import(request, pk):
    """Import a pasted or uploaded reference list; the page lists what became of each entry."""
    article = get_article(pk)
    policy.ensure(request.user, policy.EDIT, article)
    form = forms.ReferenceImportForm(request.POST, request.FILES, prefix="import")
    if not form.is_valid():
        return _page(request, article, status=400, import_form=form)
    try:
        outcome = services.references_import(
            entries=form.entries,
            fmt=form.format_read,
            by=request.user,
            article=article if form.cleaned_data["shelve"] else None,
        )
    except DESK_ERRORS as error:
        add_form_errors(form, error)
        return _page(request, article, status=error_status(error), import_form=form)
    refused = outcome.count(ImportStatus.REFUSED)
    if not refused:
        messages.success(request, outcome.headline())
        return _page(request, article, import_result=outcome)
    # Something was refused: the text stays in the form, to be mended and sent again.
    if refused == len(outcome.entries):
        messages.error(request, outcome.headline())
        return _page(request, article, status=400, import_form=form, import_result=outcome)
    messages.warning(request, outcome.headline())
    return _page(request, article, import_form=form, import_result=outcome)


@desk_view
@require_POST
def article_shelf(request, pk):
    """Put a library reference on the article's shelf, or take it off."""
    article = get_article(pk)
    reference_id = request.POST.get("reference", "")
    if not reference_id.isdigit():
        raise Http404("No such reference.")
    reference = get_object_or_404(Reference, pk=int(reference_id))
    if request.POST.get("action") == "remove":
        if services.article_unshelve_reference(
            article=article, reference=reference, by=request.user
        ):
            messages.success(request, "Taken off this article’s shelf (citations of it stay).")
    else:
        services.article_shelve_references(article=article, references=[reference], by=request.user)
        messages.success(request, "Put on this article’s shelf.")
    return redirect("desk:references", pk=article.pk)
