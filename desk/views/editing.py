"""Writing: a new draft, its body as text, one claim at a time."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from articles import policy, services
from articles.content import ClaimKind, ContentParseError
from articles.errors import EditConflict
from articles.history import article_list_changes_since
from articles.models import Claim
from articles.selectors import article_get_content
from desk import forms
from desk.body import FORMATS, HINTS, render_body
from desk.errors import DESK_ERRORS, add_form_errors, desk_view, error_status
from desk.services import body as body_services
from desk.services import claims as claim_services
from desk.views.common import get_article


@desk_view
def article_new(request):
    policy.ensure(request.user, policy.EDIT, None)
    form = forms.NewArticleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            article = services.article_create(by=request.user, title=form.cleaned_data["title"])
        except DESK_ERRORS as error:
            add_form_errors(form, error)
            return render(
                request, "desk/article_new.html", {"form": form}, status=error_status(error)
            )
        messages.success(request, "Draft created. Write its body below.")
        return redirect("desk:editor", pk=article.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "desk/article_new.html", {"form": form}, status=status)


@desk_view
def article_edit(request, pk):
    article = get_article(pk)
    policy.ensure(request.user, policy.EDIT, article)
    if request.method != "POST":
        fmt = request.GET.get("format", "markdown")
        fmt = fmt if fmt in dict(FORMATS) else "markdown"
        form = _with_hint(
            forms.BodyForm(
                initial={
                    "expected_version": article.content_version,
                    "format": fmt,
                    "body": render_body(article_get_content(article=article), fmt),
                }
            ),
            fmt,
        )
        return render(request, "desk/article_edit.html", {"article": article, "form": form})
    form = _with_hint(forms.BodyForm(request.POST), request.POST.get("format", ""))
    if not form.is_valid():
        return render(
            request, "desk/article_edit.html", {"article": article, "form": form}, status=400
        )
    data = form.cleaned_data
    try:
        body_services.article_save_body(
            article=article,
            by=request.user,
            expected_version=data["expected_version"],
            text=data["body"],
            fmt=data["format"],
        )
    except DESK_ERRORS as error:
        return _edit_refused(request, article, form, error)
    messages.success(request, "Body saved.")
    return redirect("desk:article", pk=article.pk)


def _with_hint(form, fmt: str):
    """The hint under the text area gives the syntax of the format being written."""
    form.fields["body"].help_text = HINTS.get(fmt, HINTS["markdown"])
    return form


def _edit_refused(request, article, form, error):
    """Re-render the editor's own text with the problem, and for a conflict what changed meanwhile."""
    context = {"article": article, "form": form}
    if isinstance(error, EditConflict):
        article = get_article(article.pk)
        started = form.cleaned_data["expected_version"]
        context["changes"] = article_list_changes_since(article=article, version=started)
        context["current_body"] = render_body(
            article_get_content(article=article), form.cleaned_data["format"]
        )
        context["current_version"] = error.current_version
        # "Save again" after comparing is deliberate: the form now names the current version.
        form.data = form.data.copy()
        form.data["expected_version"] = str(error.current_version)
    if isinstance(error, ContentParseError):
        context["parse_errors"] = error.errors
    else:
        add_form_errors(form, error)
    return render(request, "desk/article_edit.html", context, status=error_status(error))


@desk_view
def claim_edit(request, pk, uid):
    article = get_article(pk)
    policy.ensure(request.user, policy.EDIT, article)
    claim = get_object_or_404(Claim.objects.prefetch_related("citations"), article=article, uid=uid)
    content = article_get_content(article=article)
    data = next(c for c in content.claims if c.uid == str(claim.uid))
    initial = {
        "expected_version": article.content_version,
        "text": data.text,
        "plain_text": data.plain_text,
        "citations": ", ".join(str(n) for n in data.citations),
        "needs_no_citation": data.needs_no_citation,
    }
    form = forms.ClaimForm(
        request.POST or None, initial=initial, is_heading=ClaimKind(data.kind).is_heading
    )
    context = {"article": article, "claim": claim, "form": form, "references": content.references}
    if request.method == "POST" and form.is_valid():
        values = form.cleaned_data
        try:
            claim_services.claim_edit(
                article=article,
                by=request.user,
                expected_version=values["expected_version"],
                uid=str(claim.uid),
                text=values["text"],
                plain_text=values["plain_text"],
                # A heading's form has neither field: None keeps what it has.
                needs_no_citation=values.get("needs_no_citation", False),
                citations=values.get("citations"),
            )
        except DESK_ERRORS as error:
            add_form_errors(form, error)
            return render(request, "desk/claim_edit.html", context, status=error_status(error))
        messages.success(request, "Heading saved." if form.is_heading else "Claim saved.")
        return redirect(reverse("desk:article", kwargs={"pk": article.pk}) + f"#claim-{claim.uid}")
    return render(
        request, "desk/claim_edit.html", context, status=400 if request.method == "POST" else 200
    )
