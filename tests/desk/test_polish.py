"""Desk polish: refusals that read as sentences, headings without citations, messages, width."""

import re
from pathlib import Path

import pytest
from django.contrib import messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.cache import SessionStore
from django.core.exceptions import PermissionDenied, ValidationError
from django.template import RequestContext, Template
from django.urls import reverse
from django_fsm import TransitionNotAllowed

from articles import services, steps
from articles.content import ArticleContent, ClaimData, ClaimKind
from articles.errors import ConditionsNotMet
from articles.models import Article
from articles.selectors import article_get_content
from tests.factories import (
    approved_article,
    draft_article,
    sample_content,
    submitted_article,
    under_review_article,
)

ROOT = Path(__file__).resolve().parents[2]

# -- Refusals read as sentences ------------------------------------------------------------

# Every workflow step, an article where it is open, someone who may not take it, and what
# they are told.
REFUSALS = [
    ("submit", "draft", "reviewer", "You may not submit this article for review."),
    (
        "receive_import",
        "draft",
        "reviewer",
        "You may not import this article into the review queue.",
    ),
    ("withdraw", "submitted", "other_editor", "You may not withdraw this article."),
    ("start_review", "submitted", "editor", "You may not start reviewing this article."),
    ("request_changes", "under_review", "editor", "You may not request changes to this article."),
    ("approve", "under_review", "editor", "You may not approve this article."),
    ("revise", "approved", "reviewer", "You may not revise this article."),
    ("retract", "draft", "editor", "You may not retract this article."),
]
MAKERS = {
    "draft": draft_article,
    "submitted": submitted_article,
    "under_review": under_review_article,
    "approved": approved_article,
}
SENTENCE = re.compile(r"^You (may not|cannot) [a-z][a-z ]*[a-z]( while it is [a-z ]*[a-z])?\.$")
DESK_STEPS = {step.name for step in steps.for_door(steps.DESK)}
AT_THE_DESK = [r for r in REFUSALS if r[0] in DESK_STEPS]


def make(state, *, editor, reviewer):
    kwargs = {"by": editor}
    if state in ("under_review", "approved"):
        kwargs["reviewer"] = reviewer
    return MAKERS[state](**kwargs)


def test_every_workflow_step_has_a_phrase():
    names = {t.name for t in Article().get_all_state_transitions()}
    assert names == {step.name for step in steps.STEPS} == {r[0] for r in REFUSALS}
    for step in steps.STEPS:
        assert "_" not in step.phrase and "this article" in step.phrase


@pytest.mark.parametrize(
    ("name", "state", "role", "expected"), REFUSALS, ids=[r[0] for r in REFUSALS]
)
def test_each_refusal_reads_as_a_sentence(roles, policy, reviewer, name, state, role, expected):
    article = make(state, editor=roles["editor"], reviewer=reviewer)
    with pytest.raises(PermissionDenied) as refused:
        steps.named(name).check(roles[role], article)
    assert str(refused.value) == expected
    assert SENTENCE.match(expected)


@pytest.mark.parametrize(
    ("name", "state", "role", "expected"), AT_THE_DESK, ids=[r[0] for r in AT_THE_DESK]
)
def test_the_desk_says_the_same_sentence(
    client, roles, policy, reviewer, name, state, role, expected
):
    article = make(state, editor=roles["editor"], reviewer=reviewer)
    client.force_login(roles[role])
    response = client.post(
        reverse("desk:transition", kwargs={"pk": article.pk, "name": name}),
        {"comment": "Because.", "expected_version": article.content_version},
    )
    assert response.status_code == 403
    assert expected in response.content.decode()


# Every step, a state it does not leave from, and how that state reads in the refusal.
CLOSED = [
    ("submit", "submitted", "submitted"),
    ("receive_import", "approved", "approved"),
    ("withdraw", "draft", "a draft"),
    ("start_review", "draft", "a draft"),
    ("request_changes", "submitted", "submitted"),
    ("approve", "draft", "a draft"),
    ("revise", "under_review", "under review"),
    ("retract", "retracted", "retracted"),
]


@pytest.mark.parametrize(("name", "state", "words"), CLOSED, ids=[c[0] for c in CLOSED])
def test_a_step_in_the_wrong_state_reads_as_a_sentence(
    editor, reviewer, site_admin, policy, name, state, words
):
    if state == "retracted":
        article = draft_article(by=editor)
        services.article_retract(article=article, by=site_admin, comment="Withdrawn for good.")
    else:
        article = make(state, editor=editor, reviewer=reviewer)
    with pytest.raises(TransitionNotAllowed) as refused:
        steps.named(name).check(site_admin, article)
    phrase = steps.named(name).phrase
    assert str(refused.value) == f"You cannot {phrase} while it is {words}."
    assert SENTENCE.match(str(refused.value))


def test_a_step_not_ready_names_it_as_a_sentence(client, editor, policy):
    article = draft_article(by=editor, content=ArticleContent(title="Is it safe?"))
    with pytest.raises(ConditionsNotMet) as refused:
        steps.SUBMIT.check(editor, article)
    assert str(refused.value).startswith("You cannot submit this article for review yet: ")
    client.force_login(editor)
    response = client.post(
        reverse("desk:transition", kwargs={"pk": article.pk, "name": "submit"}),
        {"summary": "First", "expected_version": article.content_version},
    )
    assert response.status_code == 409
    assert "You cannot submit this article for review yet:" in response.content.decode()


# -- Headings are not offered citations -----------------------------------------------------


def heading_of(article):
    return article.claims.get(kind=ClaimKind.HEADING)


def claim_url(article, claim):
    return reverse("desk:claim", kwargs={"pk": article.pk, "uid": claim.uid})


def test_the_heading_form_offers_no_citation(client, editor, policy):
    article = draft_article(by=editor)
    client.force_login(editor)
    page = client.get(claim_url(article, heading_of(article))).content.decode()
    assert 'name="citations"' not in page and 'name="needs_no_citation"' not in page
    assert "Edit heading" in page and "cites nothing" in page
    claim = article.claims.filter(kind=ClaimKind.PARAGRAPH).first()
    page = client.get(claim_url(article, claim)).content.decode()
    assert 'name="citations"' in page and 'name="needs_no_citation"' in page


def test_a_heading_posted_with_citations_is_refused_and_its_text_kept(client, editor, policy):
    article = draft_article(by=editor)
    heading = heading_of(article)
    client.force_login(editor)
    response = client.post(
        claim_url(article, heading),
        {"expected_version": article.content_version, "text": "Renamed heading", "citations": "1"},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "A heading states no fact and cites nothing" in page
    assert "Renamed heading" in page
    heading.refresh_from_db()
    assert heading.text == "Primary indications" and not heading.citations.exists()


def test_a_heading_is_renamed_without_citations(client, editor, policy):
    article = draft_article(by=editor)
    heading = heading_of(article)
    client.force_login(editor)
    response = client.post(
        claim_url(article, heading),
        {"expected_version": article.content_version, "text": "Renamed heading"},
    )
    assert response.status_code == 302
    heading.refresh_from_db()
    assert heading.text == "Renamed heading" and not heading.citations.exists()
    assert "Heading saved." in client.get(response["Location"]).content.decode()


def with_cited_heading(content: ArticleContent) -> ArticleContent:
    claims = list(content.claims)
    claims[0] = ClaimData(kind=ClaimKind.SUBHEADING, text="Cited heading", citations=(1,))
    return ArticleContent(title=content.title, claims=tuple(claims), references=content.references)


def test_the_content_service_refuses_citations_on_a_heading(editor, policy):
    with pytest.raises(ValidationError) as refused:
        draft_article(by=editor, content=with_cited_heading(sample_content()))
    assert refused.value.message_dict["body"] == [
        "Claim 1 is a heading: headings state no fact and cite nothing, so remove its citations."
    ]
    assert not Article.objects.exists()
    article = draft_article(by=editor)
    with pytest.raises(ValidationError):
        services.article_replace_content(
            article=article,
            by=editor,
            expected_version=article.content_version,
            content=with_cited_heading(article_get_content(article=article)),
        )
    assert not heading_of(article).citations.exists()


def test_the_body_editor_refuses_a_cited_heading_and_keeps_the_text(client, editor, policy):
    article = draft_article(by=editor)
    body = (
        "# Is it safe?\n\n### Cited heading [^1]\n\nIt is safe.[^1]\n\n"
        "[^1]: Guideline. *Title* Praxis, 2021.\n"
    )
    client.force_login(editor)
    response = client.post(
        reverse("desk:edit", kwargs={"pk": article.pk}),
        {"expected_version": article.content_version, "format": "markdown", "body": body},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Claim 1 is a heading: headings state no fact and cite nothing" in page
    assert "### Cited heading [^1]" in page
    article.refresh_from_db()
    assert heading_of(article).text == "Primary indications"


def test_the_cite_targets_leave_headings_out(client, editor, policy):
    article = draft_article(by=editor)
    client.force_login(editor)
    page = client.get(reverse("desk:references", kwargs={"pk": article.pk})).content.decode()
    options = re.findall(r'<option value="c:([0-9a-f-]+)"', page)
    assert options and str(heading_of(article).uid) not in options


# -- Messages -----------------------------------------------------------------------------


def test_a_confirmation_is_a_styled_status_message(client, editor, policy):
    client.force_login(editor)
    response = client.post(
        reverse("desk:new"), {"title": "Is baclofen safe in pregnancy?"}, follow=True
    )
    page = response.content.decode()
    status = re.search(
        r'<div class="message-group message-group-success" role="status" aria-live="polite">\s*<ul class="message-list">\s*<li class="message message-success">Draft created. Write its body below.</li>',
        page,
    )
    assert status, page[:3000]
    assert 'role="alert"' not in page.split('<main id="main">')[0]


def test_errors_are_alerts_and_come_first(rf, editor):
    request = rf.get("/")
    request.user = editor
    request.session = SessionStore()
    request._messages = FallbackStorage(request)
    messages.success(request, "Saved.")
    messages.error(request, "The mail could not be queued.")
    messages.info(request, "Nothing changed.")
    page = Template('{% extends "base.html" %}').render(RequestContext(request, {}))
    assert page.index('role="alert"') < page.index('role="status"')
    assert '<li class="message message-error">The mail could not be queued.</li>' in page
    assert '<li class="message message-success">Saved.</li>' in page
    assert '<li class="message message-info">Nothing changed.</li>' in page
    assert 'style="' not in page


def test_message_styles_live_in_the_stylesheet():
    css = (ROOT / "static" / "css" / "site.css").read_text()
    for level in ("success", "info", "warning", "error"):
        assert f".message-{level} {{" in css


# -- The desk lines up with the header ------------------------------------------------------


def test_the_desk_uses_the_header_box():
    site = (ROOT / "static" / "css" / "site.css").read_text()
    desk = (ROOT / "static" / "css" / "desk.css").read_text()
    header = re.search(r"\.site-header \{([^}]*)\}", site).group(1)
    assert "max-width: var(--page-width)" in header and "var(--page-gutter)" in header
    main = re.search(r"\.desk main, \.desk \.messages \{([^}]*)\}", desk).group(1)
    assert "max-width: var(--page-width)" in main and "var(--page-gutter)" in main
