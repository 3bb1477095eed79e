"""Nested list items read nested on the overview, the review screen and the changes tab."""

import pytest
from django.urls import reverse

from articles import services
from articles.content import ArticleContent, ClaimData, ClaimKind
from tests.factories import declare_no_conflict, draft_article, reference_data

pytestmark = pytest.mark.django_db


def nested_article(editor):
    content = ArticleContent(
        title="What does baclofen treat?",
        claims=(
            ClaimData(ClaimKind.BULLET, "Spasticity.", citations=(1,)),
            ClaimData(ClaimKind.BULLET, "From multiple sclerosis.", level=1, citations=(1,)),
            ClaimData(ClaimKind.BULLET, "In the legs.", level=2, citations=(1,)),
        ),
        references=(reference_data(1),),
    )
    return draft_article(by=editor, content=content)


@pytest.mark.parametrize("tab", ["article", "review", "diff"])
def test_each_tab_shows_the_nesting(client, editor, reviewer, tab):
    article = nested_article(editor)
    services.article_submit(article=article, by=editor)
    declare_no_conflict(article, reviewer)
    services.article_start_review(article=article, by=reviewer)
    client.force_login(reviewer)
    page = client.get(reverse(f"desk:{tab}", kwargs={"pk": article.pk})).content.decode()
    for text, level in (("Spasticity.", 0), ("From multiple sclerosis.", 1), ("In the legs.", 2)):
        item = page[: page.index(text)]
        item = item[item.rindex("<li") :]
        assert f"nest-{level}" in item, (tab, text, item[:200])
