"""A claim's wording changed and its plain-language version did not (or the reverse): asked.

The question is asked against the claim as the board last saw it (the end of the
last round); the editor's "Still right" is recorded and holds for the pair as
it then reads, not for a later change.
"""

import pytest
from django.urls import reverse

from articles import services
from articles.content import ArticleContent, ClaimData, ClaimKind
from desk.rounds import PLAIN_ONLY, WORDING_ONLY, paired_text_flags
from desk.services import claims as claim_services
from tests.factories import declare_no_conflict, draft_article, reference_data

pytestmark = pytest.mark.django_db

WORDING = "Baclofen is usually fine with food."
PLAIN = "You can usually take it with food."


def returned_article(editor, reviewer):
    """Reviewed once and sent back: the board last saw WORDING and PLAIN."""
    content = ArticleContent(
        title="Can I take baclofen with food?",
        claims=(
            ClaimData(ClaimKind.PARAGRAPH, WORDING, citations=(1,), plain_text=PLAIN),
            ClaimData(ClaimKind.PARAGRAPH, "It is taken by mouth.", citations=(1,)),
        ),
        references=(reference_data(1),),
    )
    article = draft_article(by=editor, content=content)
    services.article_submit(article=article, by=editor)
    declare_no_conflict(article, reviewer)
    services.article_start_review(article=article, by=reviewer)
    services.article_request_changes(article=article, by=reviewer, comment="“Usually fine”?")
    article.refresh_from_db()
    return article


def edit(article, editor, *, text=WORDING, plain=PLAIN):
    claim = article.claims.get(position=0)
    article.refresh_from_db()
    claim_services.claim_edit(
        article=article,
        by=editor,
        expected_version=article.content_version,
        expected_claim_version=claim.version,
        uid=str(claim.uid),
        text=text,
        plain_text=plain,
        citations=(1,),
    )
    return article.claims.get(position=0)


def flags(article):
    return paired_text_flags(article=article, claims=list(article.claims.all()))


def test_the_first_round_and_unchanged_claims_ask_nothing(editor, reviewer):
    article = returned_article(editor, reviewer)
    assert flags(article) == {}
    first = draft_article(by=editor, title="Another question?")
    assert flags(first) == {}


def test_wording_changed_alone_is_asked_then_confirmed_once(client, editor, reviewer):
    article = returned_article(editor, reviewer)
    claim = edit(article, editor, text="Baclofen can be taken with or without food.")
    flag = flags(article)[str(claim.uid)]
    assert (flag.message, flag.was, flag.confirmed) == (WORDING_ONLY, WORDING, False)
    client.force_login(editor)
    page = client.get(reverse("desk:editor", kwargs={"pk": article.pk})).content.decode()
    assert WORDING_ONLY in page and "Still right" in page
    response = client.post(
        reverse("desk:editor_pairing", kwargs={"pk": article.pk, "uid": claim.uid}),
        {"claim_version": claim.version},
    )
    assert response.status_code == 302
    assert flags(article)[str(claim.uid)].confirmed
    recorded = article.claims.get(pk=claim.pk).history.first()
    assert (recorded.history_user, recorded.history_change_reason) == (
        editor,
        "Plain-language version confirmed",
    )
    page = client.get(reverse("desk:editor", kwargs={"pk": article.pk})).content.decode()
    assert WORDING_ONLY not in page
    # A later change of the wording asks again: the confirmation named the pair as it was.
    claim = edit(article, editor, text="Baclofen may be taken with or without food.")
    assert not flags(article)[str(claim.uid)].confirmed


def test_plain_language_changed_alone_is_asked_too(editor, reviewer):
    article = returned_article(editor, reviewer)
    claim = edit(article, editor, plain="Food makes no difference.")
    assert flags(article)[str(claim.uid)].message == PLAIN_ONLY
    edit(
        article,
        editor,
        text="Food does not change how baclofen works.",
        plain="Food makes no difference.",
    )
    assert flags(article) == {}  # both changed: nothing to ask


@pytest.mark.parametrize(("role", "status"), [("other_editor", 302), ("reviewer", 403)])
def test_who_may_confirm(client, roles, role, status):
    article = returned_article(roles["editor"], roles["reviewer"])
    claim = edit(article, roles["editor"], text="Changed wording.")
    client.force_login(roles[role])
    response = client.post(
        reverse("desk:editor_pairing", kwargs={"pk": article.pk, "uid": claim.uid}),
        {"claim_version": claim.version},
    )
    assert response.status_code == status
    assert flags(article)[str(claim.uid)].confirmed == (status == 302)


def test_a_stale_confirmation_is_refused(client, editor, reviewer):
    article = returned_article(editor, reviewer)
    claim = edit(article, editor, text="Changed wording.")
    client.force_login(editor)
    response = client.post(
        reverse("desk:editor_pairing", kwargs={"pk": article.pk, "uid": claim.uid}),
        {"claim_version": claim.version - 1},
    )
    assert response.status_code == 409
    assert not flags(article)[str(claim.uid)].confirmed


@pytest.mark.parametrize("confirmed", [False, True])
def test_the_reviewer_sees_the_pair_side_by_side_unfolded(client, editor, reviewer, confirmed):
    article = returned_article(editor, reviewer)
    claim = edit(article, editor, text="Baclofen can be taken with or without food.")
    if confirmed:
        claim_services.claim_confirm_pairing(
            article=article, by=editor, uid=str(claim.uid), expected_claim_version=claim.version
        )
    article.refresh_from_db()
    services.article_submit(article=article, by=editor, confirm_open_threads=True)
    services.article_start_review(article=article, by=reviewer)
    client.force_login(reviewer)
    page = client.get(reverse("desk:review", kwargs={"pk": article.pk})).content.decode()
    start = page.index(f'id="claim-{claim.uid}"')
    item = page[start : page.index('<li id="claim-', start + 1)]
    assert "The claim changed and its plain-language version did not." in item
    assert "round-fold" not in item  # never folded away
    assert PLAIN in item and "Baclofen can be taken with or without food." in item
    said = "The editor confirmed it is still right."
    assert (said in item) == confirmed


def test_the_review_screen_shows_each_cited_abstract(client, editor, reviewer):
    content = ArticleContent(
        title="Does baclofen help spasticity?",
        claims=(ClaimData(ClaimKind.PARAGRAPH, "It reduces spasticity.", citations=(1,)),),
        references=(reference_data(1, abstract="Background: a trial of 120 adults."),),
    )
    article = draft_article(by=editor, content=content)
    services.article_submit(article=article, by=editor)
    declare_no_conflict(article, reviewer)
    services.article_start_review(article=article, by=reviewer)
    client.force_login(reviewer)
    page = client.get(reverse("desk:review", kwargs={"pk": article.pk})).content.decode()
    assert "Background: a trial of 120 adults." in page and "review-abstract" in page
