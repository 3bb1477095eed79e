"""Re-review: per-topic periods in the query, and "Last reviewed" names a real approval."""

import datetime

import pytest
import time_machine
from django.utils import timezone

from articles import services
from articles.models import Article
from board.models import Specialty
from desk.selectors import article_list_due_for_rereview
from tests.factories import approved_article, declare_no_conflict, verify_all_claims

pytestmark = pytest.mark.django_db


def test_due_for_rereview_honours_the_shortest_topic_period(
    editor, reviewer, settings, policy, django_assert_num_queries
):
    settings.REREVIEW_AFTER_DAYS = 365
    quick = Specialty.objects.create(name="Oncology", slug="onc", rereview_after_days=90)
    slow = Specialty.objects.create(name="Anatomy", slug="anat", rereview_after_days=730)
    plain = Specialty.objects.create(name="Nutrition", slug="nut")
    start = timezone.now()
    with time_machine.travel(start - datetime.timedelta(days=100), tick=False):
        onc = approved_article(by=editor, reviewer=reviewer, title="Oncology question?")
        both = approved_article(by=editor, reviewer=reviewer, title="Mixed question?")
        nothing = approved_article(by=editor, reviewer=reviewer, title="Untopical question?")
        nut = approved_article(by=editor, reviewer=reviewer, title="Nutrition question?")
    with time_machine.travel(start - datetime.timedelta(days=400), tick=False):
        anat = approved_article(by=editor, reviewer=reviewer, title="Anatomy question?")
        approved_article(by=editor, reviewer=reviewer, title="Old question?")
    onc.topics.set([quick])
    both.topics.set([quick, slow])  # the shortest period applies
    nut.topics.set([plain])  # no period of its own: the setting
    anat.topics.set([slow])
    # the periods in use, then the list
    with django_assert_num_queries(2):
        due = {a.title for a in article_list_due_for_rereview()}
    assert due == {"Oncology question?", "Mixed question?", "Old question?"}
    assert nothing.title not in due and anat.title not in due


def test_last_reviewed_is_the_latest_real_approval_of_the_shown_version(
    client, editor, reviewer, other_reviewer, settings, policy
):
    start = timezone.now()
    with time_machine.travel(start - datetime.timedelta(days=30), tick=False):
        article = approved_article(by=editor, reviewer=reviewer)
    first = Article.objects.get(pk=article.pk).published_version.approved_at
    page = client.get(article.get_absolute_url()).content.decode()
    assert f'"lastReviewed":"{first.date().isoformat()}"' in page
    # A re-review in progress that only one of two required reviewers has approved claims nothing.
    settings.REQUIRED_APPROVALS = 2
    services.article_revise(article=article, by=editor)
    services.article_submit(article=article, by=editor, summary="Re-checked, nothing changed.")
    declare_no_conflict(article, reviewer)
    services.article_start_review(article=article, by=reviewer)
    verify_all_claims(article, reviewer)
    services.article_approve(article=article, by=reviewer)
    page = client.get(article.get_absolute_url()).content.decode()
    assert f'"lastReviewed":"{first.date().isoformat()}"' in page
    # The second approval publishes: the date is the one it happened on.
    declare_no_conflict(article, other_reviewer)
    services.article_approve(article=article, by=other_reviewer)
    latest = Article.objects.get(pk=article.pk).published_version.approved_at
    assert latest.date() == timezone.now().date() != first.date()
    page = client.get(article.get_absolute_url()).content.decode()
    assert f'"lastReviewed":"{latest.date().isoformat()}"' in page
