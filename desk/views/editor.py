"""The structured editor: the claims of a draft as a list, each edited, added, moved or cited in place.

Every change is one POST naming the content version it started from, so it
works as plain forms; ``static/js/editor.js`` sends the same POSTs in the
background and swaps in the re-rendered body it gets back as JSON.
"""

from __future__ import annotations

import datetime
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseNotAllowed, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from articles import limits, policy
from articles.content import ClaimKind
from articles.errors import EditConflict
from articles.history import article_list_changes_since
from articles.models import Claim
from desk.editor import deleted_claim_list, editor_get_body, reference_search
from desk.editor_forms import (
    EVIDENCE_CHOICES,
    KIND_CHOICES,
    CitePickForm,
    EditorClaimForm,
    NewClaimForm,
)
from desk.errors import DESK_ERRORS, add_form_errors, desk_view, error_messages, error_status
from desk.forms import VersionedForm
from desk.rounds import paired_text_flags, thread_list_for_article, threads_by_claim
from desk.services import citing as citing_services
from desk.services import claims as claim_services
from desk.services import outline as outline_services
from desk.views.common import get_article, is_async

NEW = "new"
UNDO_WINDOW = datetime.timedelta(minutes=2)


def _claim_form(claim, version: int, data=None) -> EditorClaimForm:
    initial = {
        "expected_version": version,
        "claim_version": claim.version,
        "kind": claim.kind,
        "level": claim.level,
        "text": claim.text,
        "plain_text": claim.plain_text,
        "needs_no_citation": claim.needs_no_citation,
        "evidence": claim.evidence,
    }
    return EditorClaimForm(data, initial=initial, auto_id=f"id_{claim.uid.hex}_%s")


def _new_form(version: int, after: str = "", kind: str = ClaimKind.PARAGRAPH, data=None):
    initial = {"expected_version": version, "after": after, "kind": kind, "level": 0}
    return NewClaimForm(data, initial=initial, auto_id="id_new_%s")


def _row_fields(row, version: int, bound=None) -> None:
    """The values and errors a claim's fields show: as saved, or as typed in a refused form.

    Written out by the template itself rather than by a form per claim, so that
    the page stays quick for the largest articles.
    """
    claim = row.claim
    row.values = {
        "expected_version": version,
        "claim_version": claim.version,
        "kind": claim.kind,
        "level": claim.level,
        "text": claim.text,
        "plain_text": claim.plain_text,
        "citations": row.citation_numbers,
        "needs_no_citation": claim.needs_no_citation,
        "evidence": claim.evidence,
    }
    row.errors, row.non_field_errors = {}, []
    if bound is not None:
        row.values.update({name: bound.data.get(name, "") for name in row.values})
        row.values["needs_no_citation"] = bool(bound.data.get("needs_no_citation"))
        row.errors = {name: bound.errors[name] for name in bound.errors if name != "__all__"}
        row.non_field_errors = bound.non_field_errors()


def _body_context(
    article, *, user, bound=None, bound_uid: str = "", after: str = "", **extra
) -> dict:
    """What ``desk/_editor_body.html`` shows; ``bound`` is a refused form to show as typed."""
    body = editor_get_body(article=article)
    deleted = deleted_claim_list(article=article)
    paired = paired_text_flags(article=article, claims=[row.claim for row in body.rows])
    # The board's open threads beside the claims they are about, answered in place.
    threads = threads_by_claim(thread_list_for_article(article=article))
    version = article.content_version
    new_after = ""
    for row in body.rows:
        mine = bound is not None and str(row.claim.uid) == bound_uid
        _row_fields(row, version, bound if mine else None)
        row.paired = paired.get(str(row.claim.uid))
        thread = threads.get(str(row.claim.uid))
        row.thread = thread if thread is not None and not thread.is_resolved else None
        if str(row.claim.uid) == after:
            new_after = after
    new_form = bound if bound is not None and bound_uid == NEW else None
    if new_form is None:
        last = body.rows[-1].claim if body.rows else None
        anchor = next((r.claim for r in body.rows if str(r.claim.uid) == new_after), last)
        kind = anchor.kind if anchor is not None and not ClaimKind(anchor.kind).is_heading else ""
        new_form = _new_form(version, new_after, kind or ClaimKind.PARAGRAPH)
        if anchor is not None and ClaimKind(anchor.kind).is_list_item:
            new_form.initial["level"] = anchor.level
    else:
        # A refused new claim stays where it was being added, if that claim is still there.
        wanted = str(bound.data.get("after", ""))
        new_after = wanted if any(str(r.claim.uid) == wanted for r in body.rows) else ""
    if not body.rows:
        # A new draft opens ready to write: the caret in its first claim.
        new_form.fields["text"].widget.attrs["autofocus"] = True
    return {
        "article": article,
        "body": body,
        "deleted": deleted,
        # Right after a delete the list is open, its Restore button one Tab away: an undo.
        "deleted_just_now": bool(deleted)
        and timezone.now() - deleted[0].history_date < UNDO_WINDOW,
        "new_form": new_form,
        "new_after": new_after,
        "version": version,
        "kinds": KIND_CHOICES,
        "evidence_levels": EVIDENCE_CHOICES,
        "limits": {"text": limits.MAX_CLAIM_CHARS},
        "conflict": None,
        "may_answer_threads": policy.may_answer_thread(article, user),
        "may_settle_threads": False,  # the board settles threads on the review screen
        **extra,
    }


def render_editor(request, article, *, status=200, conflict=None, **body):
    context = _body_context(article, user=request.user, **body)
    context["conflict"] = conflict
    return render(request, "desk/article_editor.html", context, status=status)


@desk_view
def article_editor(request, pk):
    article = get_article(pk)
    policy.ensure(request.user, policy.EDIT, article)
    return render_editor(
        request, article, after=request.GET.get("after", ""), undo=_undo_offer(request, article)
    )


def _done(request, article, uid: str, message: str, *, undo: str = ""):
    """A change made: the re-rendered body for the script, else back to the claim on the page.

    ``undo`` names the structural change that takes it back (``UNDO``), offered for a
    few seconds by the script and as a button on the page without it.
    """
    article.refresh_from_db()
    if is_async(request):
        html = render_to_string(
            "desk/_editor_body.html", _body_context(article, user=request.user), request=request
        )
        payload = {"version": article.content_version, "uid": uid, "html": html, "message": message}
        if undo:
            payload["undo"] = {
                "url": reverse("desk:editor_change", args=[article.pk, uid, undo]),
                "label": UNDO_LABELS[undo],
            }
        return JsonResponse(payload)
    messages.success(request, message)
    url = reverse("desk:editor", kwargs={"pk": article.pk})
    if undo:
        return redirect(f"{url}?{urlencode({'undo': undo, 'uid': uid})}#editor-undo")
    return redirect(f"{url}#claim-{uid}" if uid else url)


# What takes a structural change back, and what the button says.
UNDO = {
    "up": "down",
    "down": "up",
    "indent": "outdent",
    "outdent": "indent",
    "delete": "restore",
}
UNDO_LABELS = {
    "down": "Undo move",
    "up": "Undo move",
    "outdent": "Undo indent",
    "indent": "Undo outdent",
    "restore": "Undo delete",
}


def _undo_offer(request, article) -> dict | None:
    """The undo a page without the script offers after a structural change (from the URL)."""
    action, uid = request.GET.get("undo", ""), request.GET.get("uid", "")
    if action not in UNDO_LABELS:
        return None
    try:
        url = reverse("desk:editor_change", args=[article.pk, uid, action])
    except NoReverseMatch:
        return None
    return {"url": url, "label": UNDO_LABELS[action]}


def _conflict(article, form, error, uid: str) -> dict | None:
    if not isinstance(error, EditConflict):
        return None
    started = form.cleaned_data.get("expected_version") or 0
    theirs = Claim.objects.filter(article=article, uid=uid).first() if uid != NEW else None
    return {
        "changes": article_list_changes_since(article=article, version=started),
        "current_version": error.current_version,
        # The claim as someone else saved it meanwhile, shown beside what this editor typed.
        "theirs": theirs,
    }


def _refused(request, article, form, uid: str, error=None):
    """Not saved: the editor's own text stays in the form, with why and what changed meanwhile."""
    status = error_status(error) if error is not None else 400
    if error is not None:
        add_form_errors(form, error)
    article = get_article(article.pk)
    conflict = _conflict(article, form, error, uid) if error is not None else None
    theirs = conflict and conflict["theirs"]
    if conflict:
        # Saving again after comparing is deliberate: the form now names the current version.
        form.data = form.data.copy()
        form.data["expected_version"] = str(conflict["current_version"])
        if theirs:
            form.data["claim_version"] = str(theirs.version)
    if is_async(request):
        problems = [str(e) for errors in form.errors.values() for e in errors]
        payload = {"errors": problems, "version": article.content_version}
        if conflict:
            payload["changes"] = [
                f"{c.when:%b %d, %Y %H:%M} — {c.who}: {c.what}" for c in conflict["changes"]
            ]
        if theirs:
            payload["conflict"] = {
                "uid": uid,
                "claim_version": theirs.version,
                "text": theirs.text,
                "plain_text": theirs.plain_text,
            }
        return JsonResponse(payload, status=status)
    return render_editor(
        request, article, status=status, conflict=conflict, bound=form, bound_uid=uid
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
    form = _claim_form(claim, article.content_version, request.POST)
    if not form.is_valid():
        return _refused(request, article, form, str(uid))
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
        return _refused(request, article, form, str(uid), error)
    if request.headers.get("X-Autosave") == "1":
        return _autosaved(article, uid, renumbered=typed is not None)
    return _done(request, article, str(uid), "Claim saved.")


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
    form = _new_form(article.content_version, data=request.POST)
    if not form.is_valid():
        return _refused(request, article, form, NEW)
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
        return _refused(request, article, form, NEW, error)
    return _done(request, article, uid, "Claim added.")


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
    return _done(request, article, str(uid), message, undo=UNDO.get(action, ""))


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
    return _done(
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
    return _done(
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
                return _done(request, article, str(uid), "References cited.")
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
