"""Board reviewers at the desk: review, conflict of interest, two approvals, the diff, mail, lists."""

import datetime
import re

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from articles import services
from articles.models import ArticleVersion
from articles.workflow import ArticleState
from desk.selectors import DASHBOARD_ROWS
from tests.factories import (
    approved_article,
    draft_article,
    make_editor,
    make_reviewer,
    submitted_article,
    under_review_article,
)


def shown_hash(client, article) -> str:
    """The reviewed-content fingerprint the article screen's Approve button carries."""
    page = client.get(reverse("desk:article", kwargs={"pk": article.pk})).content.decode()
    found = re.search(r'name="expected_hash" value="([0-9a-f]{64})"', page)
    return found.group(1) if found else ""


def step(client, article, name, **data):
    data.setdefault("expected_version", article.content_version)
    if name == "approve":
        data.setdefault("expected_hash", shown_hash(client, article))
    return client.post(reverse("desk:transition", kwargs={"pk": article.pk, "name": name}), data)


def declare_through_desk(client, article):
    """The reviewer declares no conflict of interest, as the desk asks before any review."""
    url = reverse("desk:declare", kwargs={"pk": article.pk})
    assert client.post(url, {"conflict": "no"}).status_code == 302


def verify_through_desk(client, article):
    declare_through_desk(client, article)
    for claim in article.claims.all():
        url = reverse("desk:claim_review", kwargs={"pk": article.pk, "uid": claim.uid})
        assert client.post(url, {"verdict": "verified"}).status_code == 302


def test_review_screen_shows_each_claim_beside_its_references(client, editor, reviewer, policy):
    article = submitted_article(by=editor)
    client.force_login(reviewer)
    declare_through_desk(client, article)
    assert step(client, article, "start_review")["Location"] == reverse(
        "desk:review", kwargs={"pk": article.pk}
    )
    page = client.get(reverse("desk:review", kwargs={"pk": article.pk})).content.decode()
    assert page.count(">Verified</button>") == 4  # the three facts and the heading
    assert page.count(">Needs change</button>") == 4
    assert "Guideline number 1" in page and "Guideline number 2" in page


def test_approval_needs_every_claim_verified_then_publishes(
    client, editor, reviewer, policy, deliver_mail, django_capture_on_commit_callbacks
):
    article = under_review_article(by=editor, reviewer=reviewer)
    client.force_login(reviewer)
    page = client.get(reverse("desk:review", kwargs={"pk": article.pk})).content.decode()
    assert (
        ">Approve</button>" not in page and "Not every claim and heading has been verified" in page
    )
    verify_through_desk(client, article)
    with django_capture_on_commit_callbacks(execute=True):
        assert step(client, article, "approve").status_code == 302
    article.refresh_from_db()
    assert article.state == ArticleState.APPROVED and article.published_version is not None
    decisions = [m for m in deliver_mail() if not m.subject.startswith("Submitted")]
    assert [m.subject for m in decisions] == [f"Approved: {article.title}"]
    assert decisions[0].to == [editor.email]
    assert f"http://127.0.0.1:8000/desk/articles/{article.pk}/" in decisions[0].body


def test_request_changes_mails_the_editor_with_the_comment(
    client, editor, reviewer, policy, deliver_mail, django_capture_on_commit_callbacks
):
    article = under_review_article(by=editor, reviewer=reviewer)
    client.force_login(reviewer)
    with django_capture_on_commit_callbacks(execute=True):
        assert (
            step(client, article, "request_changes", comment="Claim 2 overstates.").status_code
            == 302
        )
    mailoutbox = [m for m in deliver_mail() if not m.subject.startswith("Submitted")]
    assert mailoutbox[0].subject == f"Changes requested: {article.title}"
    assert "Claim 2 overstates." in mailoutbox[0].body
    client.force_login(editor)
    dashboard = client.get(reverse("desk:dashboard"))
    assert [a.pk for a in dashboard.context["board"].changes_requested] == [article.pk]


def test_submitting_at_the_desk_mails_the_board(
    client, editor, reviewer, policy, deliver_mail, django_capture_on_commit_callbacks
):
    article = draft_article(by=editor)
    client.force_login(editor)
    with django_capture_on_commit_callbacks(execute=True):
        assert step(client, article, "submit").status_code == 302
    mailoutbox = deliver_mail()
    assert [m.to for m in mailoutbox] == [[reviewer.email]]


def test_a_reviewer_who_edited_the_revision_may_not_approve_it(client, editor, policy):
    # A board member who is also an editor and touched this revision.
    both = make_reviewer("dual")
    both.groups.add(*make_editor("helper").groups.all())
    article = draft_article(by=editor)
    client.force_login(both)
    claim = article.claims.get(text="Claim 1 states a fact.")
    client.post(
        reverse("desk:claim", kwargs={"pk": article.pk, "uid": claim.uid}),
        {
            "expected_version": article.content_version,
            "text": "Claim 1 states a fact clearly.",
            "citations": "1",
        },
    )
    article.refresh_from_db()
    services.article_submit(article=article, by=editor)
    declare_through_desk(client, article)
    assert step(client, article, "start_review").status_code == 302
    # Conflict of interest covers verification: the review screen offers no verdicts,
    # and a verdict posted anyway is refused.
    page = client.get(reverse("desk:review", kwargs={"pk": article.pk})).content.decode()
    assert ">Verified</button>" not in page
    claim_url = reverse("desk:claim_review", kwargs={"pk": article.pk, "uid": claim.uid})
    assert client.post(claim_url, {"verdict": "verified"}).status_code == 403
    independent = Client()
    independent.force_login(make_reviewer("independent"))
    verify_through_desk(independent, article)
    page = client.get(reverse("desk:review", kwargs={"pk": article.pk})).content.decode()
    assert ">Approve</button>" not in page
    assert "another board member must verify and approve it" in page
    assert step(client, article, "approve").status_code == 403
    article.refresh_from_db()
    assert article.state == ArticleState.UNDER_REVIEW


def test_two_approvals_when_required(client, editor, reviewer, other_reviewer, policy, settings):
    settings.REQUIRED_APPROVALS = 2
    article = under_review_article(by=editor, reviewer=reviewer)
    client.force_login(reviewer)
    verify_through_desk(client, article)
    assert step(client, article, "approve").status_code == 302
    article.refresh_from_db()
    assert article.state == ArticleState.UNDER_REVIEW
    assert article.transitions.filter(name="approve_partial").count() == 1
    assert (
        step(client, article, "approve").status_code == 302
    )  # the same reviewer again counts once
    article.refresh_from_db()
    assert article.state == ArticleState.UNDER_REVIEW
    client.force_login(other_reviewer)
    declare_through_desk(client, article)
    assert step(client, article, "approve").status_code == 302
    article.refresh_from_db()
    assert article.state == ArticleState.APPROVED
    assert set(article.published_version.reviewers.values_list("username", flat=True)) == {
        "reviewer",
        "reviewer2",
    }


def test_diff_of_a_revised_article_against_the_approved_one(client, editor, reviewer, policy):
    article = approved_article(by=editor, reviewer=reviewer)
    client.force_login(editor)
    assert step(client, article, "revise").status_code == 302
    article.refresh_from_db()
    body = (
        client.get(reverse("desk:edit", kwargs={"pk": article.pk})).context["form"].initial["body"]
    )
    body = body.replace("Claim 1 states a fact.", "Claim 1 states a firmer fact.")
    body = body.replace("- Claim 3 states a fact.[^1]", "- Claim 4 is new.[^3]")
    body += "[^3]: Research. *A new trial* Neurology, 2024.\n"
    response = client.post(
        reverse("desk:edit", kwargs={"pk": article.pk}),
        {
            "expected_version": article.content_version,
            "format": "markdown",
            "body": body,
        },
    )
    assert response.status_code == 302, response.content.decode()
    diff = client.get(reverse("desk:diff", kwargs={"pk": article.pk}))
    statuses = [c.status for c in diff.context["diff"].claims]
    assert statuses.count("changed") == 2 and statuses.count("same") == 2
    html = diff.content.decode()
    assert "<del>fact.</del><ins>firmer fact.</ins>" in html or (
        "<ins>firmer" in html and "<del>" in html
    )
    assert [r.title for r in diff.context["diff"].references_added] == ["A new trial"]
    # Readers keep the approved version while the revision is in progress.
    assert (
        ArticleVersion.objects.get(pk=article.published_version_id).content["claims"][1]["text"]
        == "Claim 1 states a fact."
    )


def test_dashboard_lists_per_role(client, editor, reviewer, other_reviewer, policy, settings):
    settings.REREVIEW_AFTER_DAYS = 30
    mine = draft_article(by=editor)
    older = submitted_article(by=editor)
    newer = submitted_article(by=editor)
    assigned = under_review_article(by=editor, reviewer=reviewer)
    old = approved_article(by=editor, reviewer=other_reviewer)
    ArticleVersion.objects.filter(pk=old.published_version_id).update(
        approved_at=timezone.now() - datetime.timedelta(days=31)
    )
    client.force_login(editor)
    board = client.get(reverse("desk:dashboard")).context["board"]
    assert [a.pk for a in board.drafts] == [mine.pk] and list(board.waiting) == []
    client.force_login(reviewer)
    response = client.get(reverse("desk:dashboard"))
    board = response.context["board"]
    assert [a.pk for a in board.waiting] == [older.pk, newer.pk]
    assert [a.pk for a in board.assigned] == [assigned.pk]
    assert [a.pk for a in board.due] == [old.pk]
    assert list(board.drafts) == []
    assert '<span class="count">2</span> Waiting for review' in response.content.decode()


def test_remind_reviews_mails_each_reviewer_their_list(
    editor, reviewer, other_reviewer, policy, deliver_mail
):
    waiting = submitted_article(by=editor)
    mine = under_review_article(by=editor, reviewer=reviewer)
    deliver_mail().clear()  # the submissions' own notices
    call_command("remind_reviews")
    mailoutbox = deliver_mail()
    by_recipient = {m.to[0]: m for m in mailoutbox}
    assert set(by_recipient) == {reviewer.email, other_reviewer.email}
    assert mine.title in by_recipient[reviewer.email].body
    assert f"/desk/articles/{waiting.pk}/" in by_recipient[other_reviewer.email].body
    assert f"/desk/articles/{mine.pk}/" not in by_recipient[other_reviewer.email].body


def test_remind_reviews_is_quiet_with_nothing_to_do(reviewer, deliver_mail):
    call_command("remind_reviews")
    assert deliver_mail() == []


@pytest.mark.parametrize("count", [3, 50])
def test_desk_list_queries_do_not_grow_with_articles(
    client, editor, reviewer, policy, count, django_assert_num_queries
):
    for i in range(count):
        submitted_article(by=editor, claims=1, references=1, title=f"Question {i}?")
        draft_article(by=editor, claims=1, references=1, title=f"Draft {i}?")
    client.force_login(reviewer)
    shown = min(count, DASHBOARD_ROWS)
    # session, user, user perms, group perms; flagged by retraction screening, waiting,
    # assigned, due (ids with their count, then the rows shown: 1 for an empty list, so
    # 2 + 1 + 1 + 1); the re-review periods the topics set; the reviewer's credentials
    # to renew; the desk nav's count of unread notifications
    with django_assert_num_queries(12):
        waiting = client.get(reverse("desk:dashboard")).context["board"].waiting
    assert (len(waiting), waiting.total) == (shown, count)
    client.force_login(editor)
    # session, user, user perms, group perms; flagged by retraction screening, returned to
    # me, my drafts, in review, mine due for re-review, new questions (ids with their
    # count, then the rows shown: 1 for an empty list, so 1 + 1 + 2 + 2 + 1 + 1); the
    # re-review periods the topics set; the desk nav's count of unread notifications
    with django_assert_num_queries(14):
        drafts = client.get(reverse("desk:dashboard")).context["board"].drafts
    assert (len(drafts), drafts.total) == (shown, count)
    # session, user, user perms, group perms; the article list; the unread notifications
    with django_assert_num_queries(6):
        assert len(client.get(reverse("desk:articles")).context["articles"]) == 2 * count


def test_an_approval_applies_only_to_the_version_the_reviewer_saw(client, editor, reviewer, policy):
    article = under_review_article(by=editor, reviewer=reviewer)
    client.force_login(reviewer)
    verify_through_desk(client, article)
    # A form that names other content than the article now has.
    assert (
        step(client, article, "approve", expected_version=article.content_version + 1).status_code
        == 409
    )
    # A post that names no version at all is refused too.
    url = reverse("desk:transition", kwargs={"pk": article.pk, "name": "approve"})
    assert client.post(url, {"comment": "Looks right."}).status_code == 400
    article.refresh_from_db()
    assert article.state == ArticleState.UNDER_REVIEW
    assert step(client, article, "approve").status_code == 302
