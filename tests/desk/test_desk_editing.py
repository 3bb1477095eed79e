"""Editors at the desk: drafting, references, claims, conflicts, questions, history."""

import pytest
from django.urls import reverse

from articles.models import Article, ClaimReview, Reference
from articles.reviewed import content_fingerprint
from articles.selectors import article_get_content
from articles.workflow import ArticleState
from public.models import FollowUpQuestion
from tests.factories import approved_article, draft_article, under_review_article

BODY = """# Can adults take baclofen for cramps?

## Baclofen for muscle cramps

Baclofen relieves spasticity from multiple sclerosis.[^1]

- It is not approved for ordinary night cramps.[^1]
"""


def edit_url(article):
    return reverse("desk:edit", kwargs={"pk": article.pk})


def test_new_article_gets_a_unique_slug_and_opens_the_editor(client, editor, policy):
    client.force_login(editor)
    first = client.post(reverse("desk:new"), {"title": "Can adults take baclofen for cramps?"})
    second = client.post(reverse("desk:new"), {"title": "Can adults take baclofen for cramps?"})
    slugs = list(Article.objects.order_by("pk").values_list("slug", flat=True))
    assert slugs == ["can-adults-take-baclofen-for-cramps", "can-adults-take-baclofen-for-cramps-2"]
    first_article = Article.objects.order_by("pk").first()
    assert first["Location"] == reverse("desk:editor", kwargs={"pk": first_article.pk})
    assert second.status_code == 302
    assert client.post(reverse("desk:new"), {"title": "  "}).status_code == 400


def test_body_is_parsed_and_unresolved_citations_are_flagged(client, editor, policy):
    article = draft_article(by=editor)
    client.force_login(editor)
    response = client.post(
        edit_url(article),
        {
            "expected_version": article.content_version,
            "format": "markdown",
            "body": BODY,
        },
    )
    assert response.status_code == 302
    article.refresh_from_db()
    assert [c.text for c in article.claims.all()] == [
        "Baclofen relieves spasticity from multiple sclerosis.",
        "It is not approved for ordinary night cramps.",
    ]
    page = client.get(reverse("desk:article", kwargs={"pk": article.pk})).content.decode()
    assert "Unresolved citation: 1" in page
    assert "Not ready to submit" in page


def test_a_parse_error_names_its_line_and_keeps_the_text(client, editor, policy):
    article = draft_article(by=editor)
    client.force_login(editor)
    body = BODY + "\n[^1]: Bogus. *A title* Somewhere, 2020.\n"
    response = client.post(
        edit_url(article),
        {"expected_version": article.content_version, "format": "markdown", "body": body},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Line 9" in page and "unknown reference type" in page
    assert (
        "It is not approved for ordinary night cramps." in page
    )  # the typed text is still in the form
    assert article.claims.count() == 4  # unchanged


def test_the_later_of_two_saves_is_refused_with_what_changed(client, editor, other_editor, policy):
    article = draft_article(by=editor)
    started = article.content_version
    client.force_login(other_editor)
    assert (
        client.post(
            edit_url(article), {"expected_version": started, "format": "markdown", "body": BODY}
        ).status_code
        == 302
    )
    client.force_login(editor)
    mine = BODY.replace("relieves spasticity", "eases stiffness")
    response = client.post(
        edit_url(article), {"expected_version": started, "format": "markdown", "body": mine}
    )
    assert response.status_code == 409
    page = response.content.decode()
    assert "someone else saved this article" in page
    assert "Body edited" in page and other_editor.get_full_name() in page  # what changed, by whom
    assert "eases stiffness" in page  # nothing lost
    assert (
        not Article.objects.get(pk=article.pk)
        .claims.filter(text__contains="eases stiffness")
        .exists()
    )


def test_review_comments_follow_a_claim_through_a_body_edit(client, editor, reviewer, policy):
    article = under_review_article(by=editor, reviewer=reviewer)
    claim = article.claims.get(text="Claim 1 states a fact.")
    client.force_login(reviewer)
    client.post(
        reverse("desk:claim_review", kwargs={"pk": article.pk, "uid": claim.uid}),
        {"verdict": "needs_change", "comment": "Say which guideline."},
    )
    client.post(
        reverse("desk:transition", kwargs={"pk": article.pk, "name": "request_changes"}),
        {"comment": "See claim 1.", "expected_version": article.content_version},
    )
    client.force_login(editor)
    article.refresh_from_db()
    form = client.get(edit_url(article)).context["form"]
    body = form.initial["body"].replace(
        "Claim 1 states a fact.", "Claim 1 states a fact, per guideline 1."
    )
    # Without the uid comments the claims are matched by position and text.
    body = "\n".join(line.split(" <!--")[0] for line in body.splitlines())
    assert (
        client.post(
            edit_url(article),
            {"expected_version": article.content_version, "format": "markdown", "body": body},
        ).status_code
        == 302
    )
    edited = article.claims.get(text__startswith="Claim 1")
    assert edited.uid == claim.uid and edited.version == claim.version + 1
    page = client.get(reverse("desk:article", kwargs={"pk": article.pk})).content.decode()
    assert "Say which guideline." in page and "(before it changed: it needs a new verdict)" in page
    assert "See claim 1." in page


def test_page_text_format_round_trips(client, editor, policy):
    article = draft_article(by=editor)
    client.force_login(editor)
    body = client.get(edit_url(article) + "?format=text").context["form"].initial["body"]
    before = list(article.claims.values_list("uid", "text"))
    response = client.post(
        edit_url(article),
        {"expected_version": article.content_version, "format": "text", "body": body},
    )
    assert response.status_code == 302
    assert list(article.claims.values_list("uid", "text")) == before


def test_plain_language_version_on_one_claim(client, editor, policy):
    article = draft_article(by=editor)
    claim = article.claims.get(text="Claim 1 states a fact.")
    client.force_login(editor)
    url = reverse("desk:claim", kwargs={"pk": article.pk, "uid": claim.uid})
    response = client.post(
        url,
        {
            "expected_version": article.content_version,
            "text": claim.text,
            "plain_text": "In simple words.",
            "citations": "1",
            "needs_no_citation": "",
        },
    )
    assert response.status_code == 302
    claim.refresh_from_db()
    assert claim.plain_text == "In simple words."
    bad = client.post(
        url, {"expected_version": article.content_version + 1, "text": "x", "citations": "one"}
    )
    assert bad.status_code == 400 and "reference numbers" in bad.content.decode()


def test_new_reference_is_checked_and_resolves_a_citation(client, editor, policy):
    article = draft_article(by=editor)
    client.force_login(editor)
    client.post(
        edit_url(article),
        {"expected_version": article.content_version, "format": "markdown", "body": BODY},
    )
    article.refresh_from_db()
    url = reverse("desk:references", kwargs={"pk": article.pk})
    data = {
        "new-expected_version": article.content_version,
        "new-kind": "Drug label",
        "new-title": "Baclofen tablets label",
        "new-source": "FDA",
        "new-year": "2023",
        "new-doi": "not-a-doi",
        "new-pmid": "12ab",
        "new-target": "n:1",
    }
    refused = client.post(url, data)
    assert refused.status_code == 400
    assert (
        "A DOI looks like" in refused.content.decode()
        and "A PMID is a number" in refused.content.decode()
    )
    data.update({"new-doi": "https://doi.org/10.1000/Label.1", "new-pmid": "123456"})
    assert client.post(url, data).status_code == 302
    reference = Reference.objects.get(title="Baclofen tablets label")
    assert reference.doi == "10.1000/label.1"
    assert all(c.citations.get().reference == reference for c in article.claims.all())
    found = client.get(url, {"q": "123456"}).content.decode()
    assert "Baclofen tablets label" in found


def test_citing_a_library_reference_in_a_claim(client, editor, policy):
    article = draft_article(by=editor)
    library = Reference.objects.create(
        kind="Research", title="A trial of baclofen", source="Neurology", year=2019
    )
    claim = article.claims.get(text="Claim 2 states a fact.")
    client.force_login(editor)
    response = client.post(
        reverse("desk:references", kwargs={"pk": article.pk}),
        {
            "expected_version": article.content_version,
            "reference": library.pk,
            "target": f"c:{claim.uid}",
        },
    )
    assert response.status_code == 302
    assert list(claim.citations.values_list("reference__title", flat=True)) == [
        "Guideline number 2",
        "A trial of baclofen",
    ]


def test_transition_refusals_keep_the_comment(client, editor, reviewer, policy):
    article = under_review_article(by=editor, reviewer=reviewer)
    client.force_login(reviewer)
    url = reverse("desk:transition", kwargs={"pk": article.pk, "name": "request_changes"})
    empty = client.post(url, {"comment": " ", "expected_version": article.content_version})
    assert empty.status_code == 400 and "A comment is required" in empty.content.decode()
    approve = reverse("desk:transition", kwargs={"pk": article.pk, "name": "approve"})
    early = client.post(
        approve,
        {
            "comment": "Looks right to me.",
            "expected_version": article.content_version,
            "expected_hash": content_fingerprint(article_get_content(article=article)),
        },
    )
    assert early.status_code == 409
    assert "Looks right to me." in early.content.decode()
    assert "Not every claim and heading has been verified" in early.content.decode()


def test_only_an_editor_of_the_revision_withdraws_and_withdrawn_articles_edit_again(
    client, editor, policy
):
    article = draft_article(by=editor)
    client.force_login(editor)
    client.post(
        reverse("desk:transition", kwargs={"pk": article.pk, "name": "submit"}),
        {"expected_version": article.content_version},
    )
    assert client.get(edit_url(article)).status_code == 409  # locked while submitted
    client.post(reverse("desk:transition", kwargs={"pk": article.pk, "name": "withdraw"}))
    assert client.get(edit_url(article)).status_code == 200


def test_question_becomes_a_draft_titled_with_it(client, editor, policy):
    source = approved_article(by=editor)
    question = FollowUpQuestion.objects.create(
        article=source, question="Is baclofen safe in pregnancy?"
    )
    client.force_login(editor)
    assert (
        "Is baclofen safe in pregnancy?" in client.get(reverse("desk:dashboard")).content.decode()
    )
    response = client.post(reverse("desk:convert", kwargs={"pk": question.pk}))
    question.refresh_from_db()
    draft = question.converted_article
    assert (question.status, draft.title, draft.state) == (
        "converted",
        "Is baclofen safe in pregnancy?",
        ArticleState.DRAFT,
    )
    assert response["Location"] == reverse("desk:editor", kwargs={"pk": draft.pk})
    again = client.post(reverse("desk:dismiss", kwargs={"pk": question.pk}))
    assert again.status_code == 409


def test_any_older_version_is_viewed_and_restored_as_a_draft(client, editor, reviewer, policy):
    article = approved_article(by=editor, reviewer=reviewer)
    before_edit = article.history.latest().history_date
    client.force_login(editor)
    client.post(reverse("desk:transition", kwargs={"pk": article.pk, "name": "revise"}))
    article.refresh_from_db()
    client.post(
        edit_url(article),
        {"expected_version": article.content_version, "format": "markdown", "body": BODY},
    )
    timeline = client.get(reverse("desk:timeline", kwargs={"pk": article.pk})).content.decode()
    assert "New revision started" in timeline and "Body edited" in timeline
    url = reverse("desk:version", kwargs={"pk": article.pk})
    shown = client.get(url, {"at": before_edit.isoformat()})
    assert shown.status_code == 200 and "Claim 1 states a fact." in shown.content.decode()
    assert client.post(url, {"at": before_edit.isoformat()}).status_code == 302
    article.refresh_from_db()
    assert article.state == ArticleState.DRAFT
    assert "Claim 1 states a fact." in article.claims.values_list("text", flat=True)
    assert client.get(url, {"at": "1999-01-01T00:00:00+00:00"}).status_code == 404


def test_claim_verdict_without_javascript_and_with(client, editor, reviewer, policy):
    article = under_review_article(by=editor, reviewer=reviewer)
    claim = article.claims.get(text="Claim 1 states a fact.")
    url = reverse("desk:claim_review", kwargs={"pk": article.pk, "uid": claim.uid})
    client.force_login(reviewer)
    assert client.post(url, {"verdict": "verified"}).status_code == 302
    fragment = client.post(
        url, {"verdict": "needs_change", "comment": ""}, headers={"X-Requested-With": "fetch"}
    )
    assert fragment.status_code == 400
    assert "Say what needs to change." in fragment.content.decode()
    assert not fragment.content.decode().lstrip().startswith("<!DOCTYPE")
    ok = client.post(
        url,
        {"verdict": "needs_change", "comment": "Cite the label."},
        headers={"X-Requested-With": "fetch"},
    )
    assert ok.status_code == 200 and "Needs change" in ok.content.decode()
    assert claim.reviews.latest("created_at").verdict == ClaimReview.Verdict.NEEDS_CHANGE


@pytest.mark.parametrize("name", ["bogus"])
def test_unknown_step_is_404(client, editor, policy, name):
    article = draft_article(by=editor)
    client.force_login(editor)
    assert (
        client.post(reverse("desk:transition", kwargs={"pk": article.pk, "name": name})).status_code
        == 404
    )
