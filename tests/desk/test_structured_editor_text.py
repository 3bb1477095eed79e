"""Edit as text: no hidden markers in the text, claims keep their identity by matching,
an unchanged text saves nothing, and the hint gives the syntax of the format chosen."""

import datetime

import pytest
from django.urls import reverse

from articles import services
from articles.content import ArticleContent, ClaimData, ClaimKind
from articles.models import Article, ClaimReview
from articles.selectors import article_get_content
from desk.body import HINTS, parse_body, render_body
from tests.factories import draft_article, reference_data, under_review_article

FORMATS = ["markdown", "text"]


def edit_url(article, fmt=None):
    url = reverse("desk:edit", kwargs={"pk": article.pk})
    return f"{url}?format={fmt}" if fmt else url


def rich_article(editor):
    """Everything a claim carries: kinds, nesting, plain language, no-citation, several citations."""
    content = ArticleContent(
        title="What is baclofen used for?",
        display_heading="What Is Baclofen Used For?",
        claims=(
            ClaimData(ClaimKind.HEADING, "Primary uses"),
            ClaimData(ClaimKind.PARAGRAPH, "Baclofen relaxes muscles.", citations=(2, 1)),
            ClaimData(ClaimKind.BULLET, "Spasticity.", citations=(1,), plain_text="Stiff muscles."),
            ClaimData(ClaimKind.BULLET, "From multiple sclerosis.", level=1, citations=(2,)),
            ClaimData(ClaimKind.NUMBERED, "Ask your doctor.", needs_no_citation=True),
        ),
        references=(
            reference_data(1, doi="10.1000/one", pmid="123", authors="Smith J"),
            reference_data(2, url="https://example.org/two"),
        ),
    )
    return draft_article(by=editor, content=content)


def shown_text(client, article, fmt):
    return client.get(edit_url(article, fmt)).context["form"].initial["body"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_the_text_carries_no_uids_and_no_last_updated_line(client, editor, policy, fmt):
    article = rich_article(editor)
    client.force_login(editor)
    body = shown_text(client, article, fmt)
    assert "uid=" not in body and "<!--" not in body.replace("<!-- no-citation -->", "")
    assert "Last updated" not in body
    assert not any(str(uid) in body for uid in article.claims.values_list("uid", flat=True))


@pytest.mark.parametrize("fmt", FORMATS)
def test_saving_the_text_unchanged_changes_nothing(client, editor, policy, fmt):
    article = rich_article(editor)
    client.force_login(editor)
    before_claims = list(article.claims.values_list("uid", "version", "text", "plain_text"))
    before = article_get_content(article=article)
    version = article.content_version
    body = shown_text(client, article, fmt)
    response = client.post(
        edit_url(article), {"expected_version": version, "format": fmt, "body": body}
    )
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.content_version == version
    assert list(article.claims.values_list("uid", "version", "text", "plain_text")) == before_claims
    assert article_get_content(article=article) == before  # DOIs, PMIDs, URLs too


def test_verdicts_on_unchanged_claims_survive_an_edit_as_text(client, editor, reviewer, policy):
    article = under_review_article(by=editor, reviewer=reviewer)
    for claim in article.claims.all():
        services.claim_review(claim=claim, by=reviewer, verdict=ClaimReview.Verdict.VERIFIED)
    services.article_request_changes(article=article, by=reviewer, comment="One word.")
    article = Article.objects.get(pk=article.pk)
    before = {str(c.uid): (c.text, c.fingerprint()) for c in article.claims.all()}
    client.force_login(editor)
    body = shown_text(client, article, "markdown").replace(
        "Claim 2 states a fact.", "Claim 2 states a fact plainly."
    )
    body = body.replace("Claim 3 states a fact.", "A claim added.\n\n- Claim 3 states a fact.", 1)
    response = client.post(
        edit_url(article),
        {"expected_version": article.content_version, "format": "markdown", "body": body},
    )
    assert response.status_code == 302
    after = {str(c.uid): (c.text, c.fingerprint()) for c in article.claims.all()}
    kept = {uid for uid in before if after.get(uid) == before[uid]}
    # Every claim but the edited one kept its uid and fingerprint, so its verdict still counts.
    assert {before[uid][0] for uid in kept} == {t for t, _ in before.values()} - {
        "Claim 2 states a fact."
    }
    edited = article.claims.get(text="Claim 2 states a fact plainly.")
    assert str(edited.uid) in before  # continued, not replaced
    assert article.claims.filter(text="A claim added.").exists()


@pytest.mark.parametrize("fmt", FORMATS)
def test_the_hint_gives_the_syntax_of_the_format_chosen(client, editor, policy, fmt):
    article = draft_article(by=editor)
    client.force_login(editor)
    page = client.get(edit_url(article, fmt)).content.decode()
    other = "text" if fmt == "markdown" else "markdown"
    assert HINTS[fmt].split(":")[0] in page  # "Markdown: …" or "Page text: …"
    assert HINTS[other][:40] not in page
    assert "e.g. [1] or [2, 3]" not in page  # the old hint, right for neither format
    # A refused post shows the hint of the format posted.
    refused = client.post(
        edit_url(article),
        {"expected_version": "", "format": fmt, "body": "My text."},
    ).content.decode()
    assert "My text." in refused
    assert HINTS[fmt][:40].replace("'", "&#x27;") in refused


@pytest.mark.parametrize(
    ("fmt", "line"),
    [
        ("text", "Baclofen relaxes muscles. 2, 1"),
        ("text", "Baclofen relaxes muscles. [2, 1]"),
        ("text", "Baclofen relaxes muscles. [2][1]"),
        ("markdown", "Baclofen relaxes muscles.[^2][^1]"),
        ("markdown", "Baclofen relaxes muscles. [2, 1]"),
        ("markdown", "Baclofen relaxes muscles. [2][1]"),
    ],
)
def test_citations_typed_as_the_hint_says_are_read_in_their_order(fmt, line):
    if fmt == "text":
        text = f"Q?\nHeading\n{line}\nReferences\nGuideline\nOne\nSource, 2020\nGuideline\nTwo\nS, 2021\n"
    else:
        text = (
            f"# Q?\n\n{line}\n\n[^1]: Guideline. *One* Source, 2020.\n"
            "[^2]: Guideline. *Two* S, 2021.\n"
        )
    claim = parse_body(text, fmt).claims[-1]
    assert (claim.text, claim.citations) == ("Baclofen relaxes muscles.", (2, 1))


def test_an_escaped_bracket_stays_text():
    content = ArticleContent(
        title="Q?",
        claims=(ClaimData(ClaimKind.PARAGRAPH, "See table [1]", needs_no_citation=True),),
    )
    again = parse_body(render_body(content, "markdown"), "markdown")
    assert again.claims[0].text == "See table [1]" and again.claims[0].citations == ()


def test_a_typed_last_updated_date_is_ignored(client, editor, policy):
    article = rich_article(editor)
    client.force_login(editor)
    body = shown_text(client, article, "markdown").replace(
        "\n## ", "\nLast updated: 2001-01-01\n\n## ", 1
    )
    before = article.last_updated
    answer = client.post(
        edit_url(article),
        {"expected_version": article.content_version, "format": "markdown", "body": body},
    )
    assert answer.status_code == 302  # saved, not refused
    article.refresh_from_db()
    assert article.last_updated == before != datetime.date(2001, 1, 1)


def test_after_a_conflict_saving_again_is_possible(client, editor, other_editor, policy):
    article = rich_article(editor)
    client.force_login(editor)
    body = shown_text(client, article, "markdown")
    started = article.content_version
    services.article_update(
        article=article, by=other_editor, expected_version=started, title="Another question?"
    )
    mine = body.replace("Spasticity.", "Spasticity in adults.")
    refused = client.post(
        edit_url(article), {"expected_version": started, "format": "markdown", "body": mine}
    )
    assert refused.status_code == 409
    form = refused.context["form"]
    assert form["body"].value() == mine
    again = client.post(
        edit_url(article),
        {"expected_version": form["expected_version"].value(), "format": "markdown", "body": mine},
    )
    assert again.status_code == 302
    assert article.claims.filter(text="Spasticity in adults.").exists()
