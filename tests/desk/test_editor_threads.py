"""The board's comment on a claim is beside the claim in the editor, answered there."""

import pytest
from django.urls import reverse

from articles import services
from articles.models import ClaimReview, ClaimThread
from tests.factories import declare_no_conflict, submitted_article

pytestmark = pytest.mark.django_db

COMMENT = "Say which dose this applies to."


def returned_with_a_thread(editor, reviewer):
    article = submitted_article(by=editor)
    declare_no_conflict(article, reviewer)
    services.article_start_review(article=article, by=reviewer)
    claim = article.claims.exclude(kind="heading").first()
    services.claim_review(
        claim=claim, by=reviewer, verdict=ClaimReview.Verdict.NEEDS_CHANGE, comment=COMMENT
    )
    services.article_request_changes(article=article, by=reviewer, comment="See the thread.")
    article.refresh_from_db()
    return article, claim, ClaimThread.objects.get(article=article)


def test_the_thread_is_beside_its_claim_and_answered_in_the_editor(client, editor, reviewer):
    article, claim, thread = returned_with_a_thread(editor, reviewer)
    client.force_login(editor)
    url = reverse("desk:editor", kwargs={"pk": article.pk})
    page = client.get(url).content.decode()
    start = page.index(f'id="claim-{claim.uid}"')
    item = page[start : page.index('<li id="claim-', start + 1)]  # up to the next claim
    assert COMMENT in item and "Mark addressed" in item
    reply = reverse(
        "desk:thread", kwargs={"pk": article.pk, "thread_pk": thread.pk, "step": "reply"}
    )
    response = client.post(reply, {"body": "Added the dose.", "back": "editor"})
    assert response.status_code == 302
    assert response.url == f"{url}#thread-{thread.pk}"
    address = reverse(
        "desk:thread", kwargs={"pk": article.pk, "thread_pk": thread.pk, "step": "address"}
    )
    response = client.post(address, {"body": "", "back": "editor"})
    assert response.status_code == 302
    thread.refresh_from_db()
    assert thread.status == ClaimThread.Status.ADDRESSED
    assert "Added the dose." in client.get(url).content.decode()


def test_a_refused_reply_keeps_the_text_on_the_editor(client, editor, other_editor, reviewer):
    article, claim, thread = returned_with_a_thread(editor, reviewer)
    client.force_login(editor)
    reply = reverse(
        "desk:thread", kwargs={"pk": article.pk, "thread_pk": thread.pk, "step": "reply"}
    )
    response = client.post(reply, {"body": "", "back": "editor"})  # an empty reply
    assert response.status_code == 400
    assert 'class="structured-editor"' in response.content.decode()


def test_a_resolved_thread_is_not_shown_in_the_editor(client, editor, reviewer):
    article, claim, thread = returned_with_a_thread(editor, reviewer)
    thread.status = ClaimThread.Status.RESOLVED
    thread.save()
    client.force_login(editor)
    page = client.get(reverse("desk:editor", kwargs={"pk": article.pk})).content.decode()
    assert COMMENT not in page


def test_a_new_draft_opens_with_the_caret_in_its_first_claim(client, editor):
    from articles import services as article_services
    from articles.content import ArticleContent

    article = article_services.article_create(
        by=editor, title="A new question?", content=ArticleContent(title="A new question?")
    )
    client.force_login(editor)
    page = client.get(reverse("desk:editor", kwargs={"pk": article.pk})).content.decode()
    field = page[page.index('id="id_new_text"') - 200 : page.index('id="id_new_text"') + 200]
    assert "autofocus" in field


@pytest.mark.parametrize(
    ("role", "said"),
    [("editor", "Editor"), ("reviewer", "Board reviewer"), ("admin", "Editor, Board reviewer")],
)
def test_the_desk_header_names_who_is_signed_in_and_their_roles(client, roles, role, said):
    user = roles[role]
    client.force_login(user)
    page = client.get(reverse("desk:dashboard")).content.decode()
    header = page[page.index('class="desk-who"') :][:300]
    assert user.get_full_name() in header and said in header
