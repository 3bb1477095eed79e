"""Who sees what on an article page: drafts hidden, pending flagged, retracted gone."""

import dataclasses

import pytest

from articles import services
from articles.content import ArticleContent, ClaimData, ClaimKind
from articles.states import ArticleState
from tests.factories import (
    approved_article,
    declare_no_conflict,
    draft_article,
    make_reviewer,
    reference_data,
    sample_content,
    submitted_article,
    under_review_article,
)

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "reader", "editor", "other_editor", "reviewer", "admin"]
DESK_ROLES = {"editor", "other_editor", "reviewer", "admin"}


@pytest.fixture
def login(client, roles, reader):
    everyone = {**roles, "reader": reader}

    def as_role(role):
        if role != "anonymous":
            client.force_login(everyone[role])
        return client

    return as_role


@pytest.mark.parametrize("role", ROLES)
def test_a_draft_is_404_for_readers_and_a_private_preview_for_the_desk(login, policy, editor, role):
    article = draft_article(by=editor)
    response = login(role).get(article.get_absolute_url())
    if role not in DESK_ROLES:
        assert response.status_code == 404
        return
    assert response.status_code == 200
    html = response.content.decode()
    assert "Preview." in html and '<meta name="robots" content="noindex">' in html
    assert "pending human review" in html and "Draft: not yet submitted" in html
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    "make", [submitted_article, under_review_article], ids=["submitted", "under_review"]
)
def test_pending_articles_are_shown_with_the_banner_and_noindex(login, policy, editor, role, make):
    article = make(by=editor)
    response = login(role).get(article.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert "Educational purpose only • Exercise caution as content is pending human review" in html
    assert '<meta name="robots" content="noindex">' in html


@pytest.mark.parametrize("role", ROLES)
def test_a_setting_hides_pending_articles_from_readers(login, policy, editor, role, settings):
    settings.SHOW_PENDING_ARTICLES = False
    article = submitted_article(by=editor)
    response = login(role).get(article.get_absolute_url())
    assert response.status_code == (200 if role in DESK_ROLES else 404)


def revised_content():
    return ArticleContent(
        title="What is baclofen used for?",
        claims=(
            ClaimData(kind=ClaimKind.PARAGRAPH, text="UNAPPROVED new wording.", citations=(1,)),
        ),
        references=(reference_data(1),),
    )


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("stage", ["draft", "submitted", "under_review"])
def test_an_approved_article_shows_its_approved_version_while_a_revision_is_worked_on(
    login, policy, editor, role, stage
):
    reviewer = make_reviewer("board1")
    article = approved_article(by=editor, reviewer=reviewer)
    services.article_revise(article=article, by=editor)
    services.article_replace_content(
        article=article,
        by=editor,
        content=revised_content(),
        expected_version=article.content_version,
    )
    if stage != "draft":
        services.article_submit(article=article, by=editor, summary="New wording")
    if stage == "under_review":
        declare_no_conflict(article, reviewer)
        services.article_start_review(article=article, by=reviewer)
    response = login(role).get(article.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert "Claim 1 states a fact." in html and "UNAPPROVED" not in html
    assert "pending human review" not in html and "noindex" not in html
    assert 'aria-current="step">' in html and "Medically reviewed by" in html


@pytest.mark.parametrize("role", DESK_ROLES)
def test_the_desk_previews_the_working_revision_of_an_approved_article(login, policy, editor, role):
    article = approved_article(by=editor)
    services.article_revise(article=article, by=editor)
    services.article_replace_content(
        article=article,
        by=editor,
        content=revised_content(),
        expected_version=article.content_version,
    )
    response = login(role).get(article.get_absolute_url(), {"preview": "1"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "UNAPPROVED new wording." in html and "Preview." in html and "noindex" in html
    assert "private" in response["Cache-Control"]


@pytest.mark.parametrize("role", ["anonymous", "reader"])
def test_readers_asking_for_a_preview_get_the_public_page(login, policy, editor, role):
    article = approved_article(by=editor)
    services.article_revise(article=article, by=editor)
    services.article_replace_content(
        article=article,
        by=editor,
        content=revised_content(),
        expected_version=article.content_version,
    )
    html = login(role).get(article.get_absolute_url(), {"preview": "1"}).content.decode()
    assert "UNAPPROVED" not in html and "Preview." not in html


@pytest.mark.parametrize("role", ROLES)
def test_a_retracted_article_is_gone_with_a_notice(login, policy, editor, site_admin, role):
    article = approved_article(by=editor)
    services.article_retract(
        article=article, by=site_admin, comment="Dosing advice found to be unsafe."
    )
    response = login(role).get(article.get_absolute_url())
    assert response.status_code == 410
    html = response.content.decode()
    assert "This article has been retracted" in html
    assert "Dosing advice found to be unsafe." in html
    assert "Claim 1 states a fact." not in html


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("state", [ArticleState.DRAFT, ArticleState.SUBMITTED])
def test_a_retracted_article_never_approved_is_not_found(
    login, policy, editor, site_admin, role, state
):
    """Readers were never shown it as reviewed: its address says nothing of its question."""
    content = sample_content(title="Is an unreviewed question ever shown?")
    article = draft_article(by=editor, content=content)
    if state == ArticleState.SUBMITTED:
        services.article_submit(article=article, by=editor)
    services.article_retract(article=article, by=site_admin, comment="Reason never published.")
    response = login(role).get(article.get_absolute_url())
    assert response.status_code == 404
    html = response.content.decode()
    assert "unreviewed question" not in html and "Reason never published" not in html
    api = login(role).get(f"/api/articles/{article.slug}/")
    assert api.status_code == 404
    assert "unreviewed question" not in api.content.decode()


@pytest.mark.parametrize("role", ROLES)
def test_a_retraction_names_the_question_readers_were_shown(
    login, policy, editor, site_admin, role
):
    """Retracted while a revision is in progress: the notice keeps the approved question."""
    article = approved_article(by=editor)
    shown = article.published_version.content["title"]
    services.article_revise(article=article, by=editor)
    services.article_replace_content(
        article=article,
        by=editor,
        content=dataclasses.replace(revised_content(), title="UNREVIEWED working question?"),
        expected_version=article.content_version,
    )
    services.article_retract(article=article, by=site_admin, comment="Unsafe.")
    response = login(role).get(article.get_absolute_url())
    assert response.status_code == 410
    html = response.content.decode()
    assert shown in html
    assert "UNREVIEWED" not in html
    assert login(role).get(f"/api/articles/{article.slug}/").status_code == 410


def test_an_unknown_slug_is_404(client, policy):
    assert client.get("/articles/no-such-thing/").status_code == 404
