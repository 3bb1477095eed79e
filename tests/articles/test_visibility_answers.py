"""What an article's address answers, decided once in ``articles.visibility``.

Readers, desk users and desk previews, for every state: the content shown
(approved snapshot, pending submission, preview), or the refusal (gone with
the retraction notice, or not found). The doors only map these answers.
"""

import pytest
from django.test import override_settings

from articles import services
from articles.errors import ArticleGone, ArticleNotShown
from articles.models import Article
from articles.selectors import article_get_for_reader
from articles.visibility import Shown, gone_q, shown_at_address, visible_q
from tests.factories import (
    approved_article,
    draft_article,
    make_admin,
    submitted_article,
    under_review_article,
)

pytestmark = pytest.mark.django_db

GONE, NOT_FOUND = ArticleGone, ArticleNotShown


def make(state, editor, reviewer):
    if state == "draft":
        return draft_article(by=editor)
    if state == "submitted":
        return submitted_article(by=editor)
    if state == "under_review":
        return under_review_article(by=editor, reviewer=reviewer)
    if state == "withdrawn":  # retracted before it was ever approved
        article = submitted_article(by=editor)
    else:
        article = approved_article(by=editor, reviewer=reviewer)
    if state == "revising":
        services.article_revise(article=article, by=editor)
    if state in ("retracted", "withdrawn"):
        services.article_retract(article=article, by=make_admin("answers-admin"), comment="Old.")
    return article


# state: (reader, reader with pending hidden, desk user, desk preview)
EXPECTED = {
    "draft": (NOT_FOUND, NOT_FOUND, Shown.PREVIEW, Shown.PREVIEW),
    "submitted": (Shown.PENDING, NOT_FOUND, Shown.PENDING, Shown.PREVIEW),
    "under_review": (Shown.PENDING, NOT_FOUND, Shown.PENDING, Shown.PREVIEW),
    "approved": (Shown.APPROVED, Shown.APPROVED, Shown.APPROVED, Shown.PREVIEW),
    "revising": (Shown.APPROVED, Shown.APPROVED, Shown.APPROVED, Shown.PREVIEW),
    "retracted": (GONE, GONE, GONE, GONE),
    "withdrawn": (NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND),
}


def answer(article, **asked):
    try:
        return shown_at_address(article, **asked)
    except (ArticleGone, ArticleNotShown) as refusal:
        return type(refusal)


@pytest.mark.parametrize("state", list(EXPECTED))
def test_each_address_answers_by_the_one_rule(editor, reviewer, policy, state):
    article = make(state, editor, reviewer)
    reader, hidden, desk, preview = EXPECTED[state]
    assert answer(article) == reader
    with override_settings(SHOW_PENDING_ARTICLES=False):
        assert answer(article) == hidden
    assert answer(article, desk=True) == desk
    assert answer(article, desk=True, preview=True) == preview
    # The lists agree: an address in visible_q shows something, one in gone_q is gone.
    listed = Article.objects.filter(visible_q(), pk=article.pk).exists()
    assert listed == isinstance(reader, Shown)
    assert Article.objects.filter(gone_q(), pk=article.pk).exists() == (reader is GONE)


def test_the_reader_type_reads_what_it_shows(editor, reviewer, policy):
    article = approved_article(by=editor, reviewer=reviewer)
    services.article_revise(article=article, by=editor)
    shown = article_get_for_reader(article=article)
    assert shown.is_approved and not shown.is_preview
    assert shown.version == article.published_version
    preview = article_get_for_reader(article=article, desk=True, preview=True)
    assert preview.is_preview and preview.version is None
    assert [c.text for c in preview.content.claims] == [
        c.text for c in article.claims.order_by("position")
    ]


def test_gone_names_the_article_for_its_notice(editor, reviewer, policy):
    article = make("retracted", editor, reviewer)
    with pytest.raises(ArticleGone) as gone:
        article_get_for_reader(article=article, desk=True)
    assert gone.value.article == article
