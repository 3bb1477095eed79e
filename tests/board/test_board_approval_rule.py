"""How many approvals an article needs: one function decides, and the record says which rule."""

import pytest

from articles import services
from articles.models import Article, ArticleApproval
from articles.states import ArticleState
from board.models import Specialty
from board.rules import approval_rule_for
from tests.factories import declare_no_conflict, under_review_article, verify_all_claims

pytestmark = pytest.mark.django_db


def test_the_rule_is_the_strictest_topic_else_the_setting(
    editor, reviewer, neurology, oncology, settings, policy
):
    settings.REQUIRED_APPROVALS = 1
    article = under_review_article(by=editor, reviewer=reviewer)
    assert str(approval_rule_for(article)) == "1 approval: site default"
    article.topics.set([neurology])  # no rule of its own
    assert str(approval_rule_for(article)) == "1 approval: site default"
    article.topics.add(oncology)
    rule = approval_rule_for(article)
    assert (rule.count, str(rule)) == (2, "2 approvals: Oncology topic rule")
    # A topic asks for more than the site default, never for fewer.
    lighter = Specialty.objects.create(name="Dermatology", slug="derm", required_approvals=1)
    settings.REQUIRED_APPROVALS = 3
    article.topics.set([lighter])
    assert str(approval_rule_for(article)) == "3 approvals: site default"
    article.topics.add(oncology)
    assert str(approval_rule_for(article)) == "3 approvals: site default"
    settings.REQUIRED_APPROVALS = 1
    assert str(approval_rule_for(article)) == "2 approvals: Oncology topic rule"


def test_a_topic_rule_needs_two_reviewers_and_is_recorded(
    editor, reviewer, other_reviewer, oncology, policy
):
    article = under_review_article(by=editor, reviewer=reviewer)
    article.topics.set([oncology])
    verify_all_claims(article, reviewer)
    services.article_approve(article=article, by=reviewer)
    assert Article.objects.get(pk=article.pk).state == ArticleState.UNDER_REVIEW
    partial = article.transitions.get(name="approve_partial")
    assert partial.comment == "Approval 1 of 2 (Oncology topic rule)"
    declare_no_conflict(article, other_reviewer)
    services.article_approve(article=article, by=other_reviewer)
    article = Article.objects.get(pk=article.pk)
    assert article.state == ArticleState.APPROVED
    assert article.published_version.approval_rule == "2 approvals: Oncology topic rule"
    assert set(ArticleApproval.objects.values_list("approval_rule", flat=True)) == {
        "2 approvals: Oncology topic rule"
    }
