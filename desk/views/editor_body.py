"""What the structured editor shows, and how it answers a change: the body of claims with
their forms, the page after a change (or the re-rendered body for the script), the undo
offered, and a refused form kept as typed beside what changed meanwhile."""

from __future__ import annotations

import datetime
from urllib.parse import urlencode

from django.contrib import messages
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from articles import limits, policy
from articles.content import ClaimKind
from articles.errors import EditConflict
from articles.history import article_list_changes_since
from articles.models import Claim
from desk.editor import deleted_claim_list, editor_get_body
from desk.editor_forms import EVIDENCE_CHOICES, KIND_CHOICES, EditorClaimForm, NewClaimForm
from desk.errors import add_form_errors, error_status
from desk.rounds import paired_text_flags, thread_list_for_article, threads_by_claim
from desk.views.common import get_article, is_async

NEW = "new"
UNDO_WINDOW = datetime.timedelta(minutes=2)


def claim_form(claim, version: int, data=None) -> EditorClaimForm:
    """The form of one claim as saved, bound to ``data`` when it was posted."""
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


def new_claim_form(version: int, after: str = "", kind: str = ClaimKind.PARAGRAPH, data=None):
    """The form that adds a claim after ``after`` (a uid; at the end when empty)."""
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
        new_form = new_claim_form(version, new_after, kind or ClaimKind.PARAGRAPH)
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
    """The editor page: ``body`` as ``_body_context`` takes it, ``conflict`` from ``_conflict``."""
    context = _body_context(article, user=request.user, **body)
    context["conflict"] = conflict
    return render(request, "desk/article_editor.html", context, status=status)


def answer_changed(request, article, uid: str, message: str, *, undo: str = ""):
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


def undo_offer(request, article) -> dict | None:
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


def answer_refused(request, article, form, uid: str, error=None):
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
