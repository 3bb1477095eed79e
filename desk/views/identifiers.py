"""Add a reference by its DOI or PMID: look it up, show what was found, put it on the shelf.

The first POST looks the identifier up (``articles.bibliography.lookup``) and
shows the record; the editor confirms with a second POST, which looks it up
again (from the cache) and adds it through ``references_import``, the one way
into the library, onto the article's shelf. A work the library already has
under that DOI or PMID is offered as it is, to be shelved by the shelf view.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.db.models import Q
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from articles import policy, services
from articles.bibliography.lookup import (
    MAX_IDENTIFIER,
    Identifier,
    ReferenceLookupError,
    identifier_parse,
    reference_lookup,
)
from articles.models import ArticleReference, Reference
from articles.services.shelf import ImportStatus
from desk.errors import DESK_ERRORS, add_form_errors, desk_view, error_status
from desk.views.common import get_article

# The service did not answer, or answered nonsense: the editor may try again later.
SERVICE_UNAVAILABLE = 503


class IdentifierForm(forms.Form):
    identifier = forms.CharField(
        label="Identifier",
        max_length=MAX_IDENTIFIER,
        error_messages={"required": "Type a DOI or a PubMed ID."},
    )

    def clean_identifier(self) -> Identifier:
        try:
            return identifier_parse(self.cleaned_data["identifier"])
        except ReferenceLookupError as error:
            raise forms.ValidationError(str(error)) from None


def _page(request, article, form, *, status=200, **shown):
    context = {"article": article, "lookup_form": form, **shown}
    return render(request, "desk/article_reference_lookup.html", context, status=status)


def _in_library(found: Identifier) -> Reference | None:
    """The library's current entry with this DOI or PMID, if it has one."""
    return Reference.objects.filter(Q(**{found.scheme: found.value}), is_current=True).first()


def _look_up(form: IdentifierForm):
    """(the record found, None), or (None, the status to answer) with the reason on the form."""
    try:
        return reference_lookup(form.cleaned_data["identifier"].value), None
    except ReferenceLookupError as error:
        form.add_error("identifier", str(error))
        return None, SERVICE_UNAVAILABLE if error.service_fault else 400


@desk_view
@require_POST
def article_reference_lookup(request, pk):
    """Look a DOI or PMID up and show the record, with the button that shelves it."""
    article = get_article(pk)
    policy.ensure(request.user, policy.EDIT, article)
    form = IdentifierForm(request.POST, prefix="lookup")
    if not form.is_valid():
        return _page(request, article, form, status=400)
    existing = _in_library(form.cleaned_data["identifier"])
    if existing is not None:
        shelved = ArticleReference.objects.filter(article=article, reference=existing).exists()
        return _page(request, article, form, lookup_existing=existing, lookup_shelved=shelved)
    result, status = _look_up(form)
    return _page(request, article, form, status=status or 200, lookup_result=result)


@desk_view
@require_POST
def article_reference_lookup_add(request, pk):
    """Put the record confirmed into the library (if new) and on the article's shelf."""
    article = get_article(pk)
    policy.ensure(request.user, policy.EDIT, article)
    form = IdentifierForm(request.POST, prefix="lookup")
    if not form.is_valid():
        return _page(request, article, form, status=400)
    result, status = _look_up(form)
    if result is None:
        return _page(request, article, form, status=status)
    try:
        outcome = services.references_import(
            entries=[result.entry], by=request.user, fmt=result.service, article=article
        )
    except DESK_ERRORS as error:
        add_form_errors(form, error)
        return _page(request, article, form, status=error_status(error), lookup_result=result)
    [imported] = outcome.entries
    if imported.status == ImportStatus.REFUSED:
        for reason in imported.reasons:
            form.add_error(None, f"The library cannot take this record: {reason}.")
        return _page(request, article, form, status=400, lookup_result=result)
    done = "Added to the library" if imported.status == ImportStatus.ADDED else "In the library"
    messages.success(request, f"{done} and on this article’s shelf: {result.data.title}.")
    return redirect("desk:references", pk=article.pk)
