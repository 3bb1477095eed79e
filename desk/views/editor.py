"""The structured editor: the claims of a draft as a list, each edited, added, moved or cited in place.

Every change is one POST naming the content version it started from, so it
works as plain forms; ``static/js/editor.js`` sends the same POSTs in the
background and swaps in the re-rendered body it gets back as JSON. What the page
shows, and how a change or a refusal is answered, is ``desk.views.editor_body``.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseNotAllowed, JsonResponse
from django.shortcuts import get_object_or_404, render

from articles import policy
from articles.content import ClaimKind
from articles.models import Claim
from desk.editor import editor_get_body, reference_search
from desk.editor_forms import CitePickForm
from desk.errors import DESK_ERRORS, add_form_errors, desk_view, error_messages, error_status
from desk.forms import VersionedForm
from desk.services import citing as citing_services
from desk.services import claims as claim_services
from desk.services import outline as outline_services
from desk.views.common import get_article, is_async
from desk.views.editor_body import (
    NEW,
    UNDO,
    answer_changed,
    answer_refused,
    claim_form,
    new_claim_form,
    render_editor,
    undo_offer,
)


@desk_view
def article_editor(request, pk):
    article = get_article(pk)
    policy.ensure(request.user, policy.EDIT, article)
    return render_editor(
        request, article, after=request.GET.get("after", ""), undo=undo_offer(request, article)
    )


def _post_only(request):
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    return None


@desk_view
def editor_claim_save(request, pk, uid):
    if (refused := _post_only(request)) is not None:
        return refused
    article = get_article(pk)
    policy.ensure(request.user, policy.EDIT, article)
    claim = get_object_or_404(Claim, article=article, uid=uid)
    form = claim_form(claim, article.content_version, request.POST)
    if not form.is_valid():
        return answer_refused(request, article, form, str(uid))
    values = form.cleaned_data
    # The numbers as the page showed them, untouched: the claim keeps its citations (they
    # may number differently now, if others cited meanwhile). Typed ones are resolved.
    shown = request.POST.get("citations_shown")
    typed = values["citations"] if shown is None or shown != request.POST.get("citations") else None
    try:
        claim_services.claim_edit(
            article=article,
            by=request.user,
            expected_version=values["expected_version"],
            expected_claim_version=values["claim_version"],
            uid=str(uid),
            citations=typed,
            kind=values["kind"],
            level=values["level"],
            text=values["text"],
            plain_text=values["plain_text"],
            needs_no_citation=values["needs_no_citation"],
            # A form without the field (an older page) keeps the level as it is.
            evidence=values["evidence"] if "evidence" in request.POST else None,
        )
    except DESK_ERRORS as error:
        return answer_refused(request, article, form, str(uid), error)
    if request.headers.get("X-Autosave") == "1":
        return _autosaved(article, uid, renumbered=typed is not None)
    return answer_changed(request, article, str(uid), "Claim saved.")


def _autosaved(article, uid, *, renumbered: bool):
    """What a background save needs back: the versions to name next, not the whole body
    (swapping it would move the caret of a claim being typed in). After typed citations,
    also the claim's numbers as they now stand (citing may renumber), to show and to
    send as ``citations_shown`` next."""
    claim = get_object_or_404(Claim, article=article, uid=uid)
    article.refresh_from_db(fields=["content_version"])
    answer = {
        "version": article.content_version,
        "uid": str(uid),
        "claim_version": claim.version,
        "message": "Saved",
    }
    if renumbered:
        row = next(r for r in editor_get_body(article=article).rows if r.claim.pk == claim.pk)
        answer["citations"] = row.citation_numbers
    return JsonResponse(answer)


@desk_view
def editor_claim_add(request, pk):
    if (refused := _post_only(request)) is not None:
        return refused
    article = get_article(pk)
    policy.ensure(request.user, policy.EDIT, article)
    form = new_claim_form(article.content_version, data=request.POST)
    if not form.is_valid():
        return answer_refused(request, article, form, NEW)
    values = form.cleaned_data
    try:
        article, uid = claim_services.claim_insert(
            article=article,
            by=request.user,
            expected_version=values["expected_version"],
            after=str(values["after"] or ""),
            kind=values["kind"],
            level=values["level"],
            text=values["text"],
            plain_text=values["plain_text"],
            needs_no_citation=values["needs_no_citation"],
            citations=values["citations"],
        )
    except DESK_ERRORS as error:
        return answer_refused(request, article, form, NEW, error)
    return answer_changed(request, article, uid, "Claim added.")


# Each structural change: (service, keyword arguments, what to say when done).
STRUCTURE = {
    "up": (outline_services.claim_move, {"direction": "up"}, "Claim moved up."),
    "down": (outline_services.claim_move, {"direction": "down"}, "Claim moved down."),
    "indent": (outline_services.claim_indent, {"direction": "in"}, "Claim indented."),
    "outdent": (outline_services.claim_indent, {"direction": "out"}, "Claim outdented."),
    "delete": (
        claim_services.claim_delete,
        {},
        "Claim deleted. “Restore” under Deleted claims brings it back.",
    ),
    "restore": (claim_services.claim_restore, {}, "Claim restored."),
}


@desk_view
def editor_claim_structure(request, pk, uid, action):
    if action not in STRUCTURE:
        raise Http404("No such change.")
    if (refused := _post_only(request)) is not None:
        return refused
    article = get_article(pk)
    policy.ensure(request.user, policy.EDIT, article)
    form = VersionedForm(request.POST)
    service, options, message = STRUCTURE[action]
    try:
        if not form.is_valid():
            raise ValidationError("The page is out of date; reload it and try again.")
        service(
            article=article,
            by=request.user,
            expected_version=form.cleaned_data["expected_version"],
            uid=str(uid),
            **options,
        )
    except DESK_ERRORS as error:
        if is_async(request):
            payload = {"errors": error_messages(error), "version": get_article(pk).content_version}
            return JsonResponse(payload, status=error_status(error))
        raise
    return answer_changed(request, article, str(uid), message, undo=UNDO.get(action, ""))


def _claim_version_named(request) -> int:
    """The claim version the page showed (``claim_version``); a missing or bad one names no
    version, so the edit is refused as a conflict rather than applied blind."""
    try:
        return int(request.POST.get("claim_version", "")) or -1
    except ValueError:
        return -1


@desk_view
def editor_claim_pairing(request, pk, uid):
    """ "Still right": the plain-language version stands with the changed wording, or the reverse."""
    if (refused := _post_only(request)) is not None:
        return refused
    article = get_article(pk)
    claim = get_object_or_404(Claim, article=article, uid=uid)
    claim_services.claim_confirm_pairing(
        article=article,
        by=request.user,
        uid=str(uid),
        expected_claim_version=_claim_version_named(request),
    )
    return answer_changed(
        request, article, str(claim.uid), "Kept as it is: the board will see you checked it."
    )


@desk_view
def editor_claim_quote(request, pk, uid, reference_id):
    """Quote the passage of one cited reference that supports the claim, and where it is."""
    if (refused := _post_only(request)) is not None:
        return refused
    article = get_article(pk)
    claim = get_object_or_404(Claim, article=article, uid=uid)
    quote = request.POST.get("quote", "")
    claim_services.claim_quote_source(
        article=article,
        by=request.user,
        uid=str(uid),
        reference_id=reference_id,
        quote=quote,
        locator=request.POST.get("locator", ""),
        expected_claim_version=_claim_version_named(request),
    )
    return answer_changed(
        request,
        article,
        str(claim.uid),
        "Passage saved: the board reviews it with the claim."
        if quote.strip()
        else "Passage removed.",
    )


@desk_view
def editor_claim_cite(request, pk, uid):
    article = get_article(pk)
    policy.ensure(request.user, policy.EDIT, article)
    claim = get_object_or_404(Claim, article=article, uid=uid)
    if ClaimKind(claim.kind).is_heading:
        raise ValidationError("Headings state no fact and cite nothing; choose a claim.")
    query = request.GET.get("q", "")[:200]
    form = CitePickForm(
        request.POST or None,
        initial={"expected_version": article.content_version, "q": query},
        article=article,
    )
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                citing_services.claim_cite(
                    article=article,
                    by=request.user,
                    expected_version=form.cleaned_data["expected_version"],
                    uid=str(uid),
                    references=form.cleaned_data["reference"],
                )
            except DESK_ERRORS as error:
                add_form_errors(form, error)
                status = error_status(error)
            else:
                return answer_changed(request, article, str(uid), "References cited.")
        query = form.data.get("q", query)
        if is_async(request):
            problems = [str(e) for errors in form.errors.values() for e in errors]
            return JsonResponse({"errors": problems}, status=status)
    context = {
        "article": article,
        "claim": claim,
        "form": form,
        "q": query,
        "choices": reference_search(article=article, query=query),
    }
    template = "desk/_editor_picker.html" if is_async(request) else "desk/editor_cite.html"
    return render(request, template, context, status=status)
