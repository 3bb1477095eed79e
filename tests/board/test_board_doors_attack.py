"""The board's and the reports' doors, tried by every role as it must not use them.

Each attempt goes through the door a person would use (the desk, the admin, a
CSV link) with the Django test client, and must be refused with a clear 4xx (or,
for someone not signed in, sent to log in) and leave everything as it was.
"""

from __future__ import annotations

import csv
import datetime
import io

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, ArticleTransition, ClaimReview
from articles.permissions import EDITORS, SITE_ADMINS
from articles.services import article_topics_set
from articles.states import ArticleState
from board.models import ConflictDeclaration, ReviewAssignment
from board.services import assignment_create, conflict_declare
from desk import reporting
from tests.doors import fingerprint_on
from tests.factories import (
    UserFactory,
    approved_article,
    draft_article,
    make_admin,
    make_reviewer,
    submitted_article,
    under_review_article,
    verify_all_claims,
)

pytestmark = pytest.mark.django_db

TOMORROW = timezone.localdate() + datetime.timedelta(days=1)
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")


def client_for(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def board_rows(article) -> tuple:
    """Everything the board's doors write about an article, to show nothing changed."""
    article = Article.objects.get(pk=article.pk)
    return (
        article.state,
        article.content_version,
        article.assigned_reviewer_id,
        sorted(article.topics.values_list("pk", flat=True)),
        list(ReviewAssignment.objects.filter(article=article).values_list("reviewer", "status")),
        list(
            ConflictDeclaration.objects.filter(article=article).values_list(
                "reviewer", "has_conflict"
            )
        ),
        ArticleTransition.objects.filter(article=article).count(),
        ClaimReview.objects.filter(claim__article=article).count(),
    )


def assign(user, article, reviewer_ids, due_on=TOMORROW):
    return client_for(user).post(
        reverse("desk:assign", kwargs={"pk": article.pk}),
        {"reviewers": [str(i) for i in reviewer_ids], "due_on": str(due_on)},
    )


def declare(user, article, conflict="no", **extra):
    return client_for(user).post(
        reverse("desk:declare", kwargs={"pk": article.pk}),
        {"conflict": conflict, "note": "Paid adviser." if conflict == "yes" else "", **extra},
    )


# -- Assigning reviewers ---------------------------------------------------------------


@pytest.mark.parametrize("who", ["editor", "other_editor", "reviewer"])
def test_only_an_editor_in_chief_assigns(who, request, editor, other_reviewer, policy):
    article = submitted_article(by=editor)
    before = board_rows(article)
    response = assign(request.getfixturevalue(who), article, [other_reviewer.pk])
    assert response.status_code == 403
    assert "Only editors-in-chief assign reviewers." in response.content.decode()
    assert board_rows(article) == before


def test_a_reviewer_cannot_assign_themself(editor, reviewer, policy):
    article = submitted_article(by=editor)
    before = board_rows(article)
    response = assign(reviewer, article, [reviewer.pk])
    assert response.status_code == 403
    assert board_rows(article) == before
    with pytest.raises(Exception, match="Only editors-in-chief"):
        assignment_create(article=article, reviewer_ids=[reviewer.pk], due_on=TOMORROW, by=reviewer)
    assert board_rows(article) == before


@pytest.fixture
def contributing_reviewer(db):
    """A board reviewer who is also an editor, and will draft the article."""
    user = make_reviewer("both")
    user.groups.add(Group.objects.get(name=EDITORS))
    return user


def test_the_chief_cannot_assign_the_reviewer_who_drafted_it(contributing_reviewer, chief, policy):
    article = submitted_article(by=contributing_reviewer)
    before = board_rows(article)
    response = assign(chief, article, [contributing_reviewer.pk])
    assert response.status_code == 400
    assert "drafted or edited this revision" in response.content.decode()
    assert board_rows(article) == before


def test_the_chief_cannot_assign_an_expired_reviewer(editor, chief, expired_reviewer, policy):
    article = submitted_article(by=editor)
    before = board_rows(article)
    response = assign(chief, article, [expired_reviewer.pk])
    assert response.status_code == 400
    assert "credential has expired" in response.content.decode()
    assert board_rows(article) == before


def test_the_chief_cannot_assign_a_conflicted_reviewer(editor, chief, reviewer, policy):
    article = submitted_article(by=editor)
    conflict_declare(article=article, by=reviewer, has_conflict=True, note="Paid adviser.")
    before = board_rows(article)
    response = assign(chief, article, [reviewer.pk])
    assert response.status_code == 400
    assert "declared a conflict of interest" in response.content.decode()
    assert board_rows(article) == before


@pytest.mark.parametrize(
    "due_on, message",
    [
        (timezone.localdate() - datetime.timedelta(days=1), "The due date is in the past"),
        ("", "This field is required."),
        ("2026-02-30", "Enter a valid date."),
    ],
    ids=["yesterday", "none", "no-such-day"],
)
def test_the_chief_cannot_assign_without_a_due_date_to_come(
    due_on, message, editor, chief, reviewer, policy
):
    article = submitted_article(by=editor)
    before = board_rows(article)
    response = assign(chief, article, [reviewer.pk], due_on=due_on)
    assert response.status_code == 400
    body = response.content.decode()
    assert message in body
    assert f'value="{due_on}"' in body or due_on == ""  # the date as typed is kept
    assert board_rows(article) == before


@pytest.mark.parametrize(
    "reviewer_ids",
    [["999999"], ["abc"], ["1 OR 1=1"], []],
    ids=["unknown", "not-a-number", "injection", "nobody"],
)
def test_the_chief_cannot_assign_nobody_or_a_stranger(reviewer_ids, editor, chief, policy):
    article = submitted_article(by=editor)
    before = board_rows(article)
    response = assign(chief, article, reviewer_ids)
    assert response.status_code == 400
    assert board_rows(article) == before


def test_one_bad_reviewer_refuses_the_whole_assignment(
    editor, chief, reviewer, other_editor, policy
):
    article = submitted_article(by=editor)
    before = board_rows(article)
    response = assign(chief, article, [reviewer.pk, other_editor.pk])
    assert response.status_code == 400
    assert "is not an active board reviewer" in response.content.decode()
    assert board_rows(article) == before


def test_an_inactive_reviewer_is_not_assigned(editor, chief, reviewer, policy):
    article = submitted_article(by=editor)
    reviewer.is_active = False
    reviewer.save()
    before = board_rows(article)
    assert assign(chief, article, [reviewer.pk]).status_code == 400
    assert board_rows(article) == before


@pytest.mark.parametrize("state", [ArticleState.DRAFT, ArticleState.APPROVED])
def test_the_chief_assigns_only_while_the_board_has_the_article(
    state, editor, chief, reviewer, other_reviewer, policy
):
    if state == ArticleState.DRAFT:
        article = draft_article(by=editor)
    else:
        article = approved_article(by=editor, reviewer=reviewer)
    before = board_rows(article)
    response = assign(chief, article, [other_reviewer.pk])
    assert response.status_code == 409
    assert board_rows(article) == before


# -- Declarations ----------------------------------------------------------------------


@pytest.mark.parametrize("conflict", ["no", "yes"])
def test_a_reviewer_cannot_declare_on_a_draft(conflict, editor, reviewer, policy):
    article = draft_article(by=editor)
    before = board_rows(article)
    response = declare(reviewer, article, conflict)
    assert response.status_code == 409
    assert "Conflicts of interest are declared while" in response.content.decode()
    assert board_rows(article) == before


@pytest.mark.parametrize("who", ["editor", "chief"])
def test_only_board_reviewers_declare(who, request, editor, policy):
    article = submitted_article(by=editor)
    before = board_rows(article)
    response = declare(request.getfixturevalue(who), article)
    assert response.status_code == 403
    assert board_rows(article) == before


def test_a_declaration_is_the_declarers_own(editor, reviewer, other_reviewer, policy):
    article = submitted_article(by=editor)
    response = declare(reviewer, article, "no", reviewer=other_reviewer.pk)
    assert response.status_code == 302
    assert list(
        ConflictDeclaration.objects.filter(article=article).values_list("reviewer", flat=True)
    ) == [reviewer.pk]


def test_a_declared_conflict_cannot_be_taken_back(editor, reviewer, policy):
    article = submitted_article(by=editor)
    conflict_declare(article=article, by=reviewer, has_conflict=True, note="Paid adviser.")
    before = board_rows(article)
    response = declare(reviewer, article, "no")
    assert response.status_code == 400
    assert "You already declared a conflict of interest" in response.content.decode()
    assert board_rows(article) == before


# -- A recused reviewer takes no review step ---------------------------------------------


@pytest.fixture
def recused_article(editor, reviewer, other_reviewer, policy):
    """Under review by ``reviewer``; ``other_reviewer`` declared a conflict with it."""
    article = under_review_article(by=editor, reviewer=reviewer)
    conflict_declare(article=article, by=other_reviewer, has_conflict=True, note="Paid adviser.")
    return article


def test_a_recused_reviewer_cannot_verify_a_claim(recused_article, other_reviewer):
    claim = recused_article.claims.first()
    client = client_for(other_reviewer)
    page = client.get(reverse("desk:review", kwargs={"pk": recused_article.pk})).content.decode()
    before = board_rows(recused_article)
    response = client.post(
        reverse("desk:claim_review", kwargs={"pk": recused_article.pk, "uid": claim.uid}),
        {"verdict": ClaimReview.Verdict.VERIFIED, "expected_hash": fingerprint_on(page)},
    )
    assert response.status_code == 403
    assert "recused" in response.content.decode()
    assert board_rows(recused_article) == before


def test_a_recused_reviewer_cannot_approve_at_the_desk(recused_article, reviewer, other_reviewer):
    verify_all_claims(recused_article, reviewer)
    client = client_for(other_reviewer)
    page = client.get(reverse("desk:article", kwargs={"pk": recused_article.pk})).content.decode()
    before = board_rows(recused_article)
    response = client.post(
        reverse("desk:transition", kwargs={"pk": recused_article.pk, "name": "approve"}),
        {
            "expected_version": recused_article.content_version,
            "expected_hash": fingerprint_on(page),
        },
    )
    assert response.status_code == 403
    assert "recused" in response.content.decode()
    assert board_rows(recused_article) == before


def test_a_recused_reviewer_cannot_approve_in_the_admin(editor, reviewer, policy):
    # The admin is for staff: a superuser site admin is a board reviewer too.
    member = make_admin("member")
    article = under_review_article(by=editor, reviewer=reviewer)
    verify_all_claims(article, reviewer)
    conflict_declare(article=article, by=member, has_conflict=True, note="Paid adviser.")
    client = client_for(member)
    url = reverse("admin:articles_article_transition", args=[article.pk, "approve"])
    page = client.get(url).content.decode()
    before = board_rows(article)
    response = client.post(url, {"comment": "Fine.", "expected_hash": fingerprint_on(page)})
    # The admin's way: back to the article's page, with the reason as an error message.
    assert response.status_code == 302
    assert board_rows(article) == before
    assert "you are recused from reviewing it" in client.get(response.url).content.decode()


def test_a_recused_reviewer_cannot_start_the_review(editor, reviewer, policy):
    article = submitted_article(by=editor)
    conflict_declare(article=article, by=reviewer, has_conflict=True, note="Paid adviser.")
    before = board_rows(article)
    response = client_for(reviewer).post(
        reverse("desk:transition", kwargs={"pk": article.pk, "name": "start_review"}),
        {"expected_version": article.content_version},
    )
    assert response.status_code == 403
    assert board_rows(article) == before


# -- Topics ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "state", [ArticleState.SUBMITTED, ArticleState.UNDER_REVIEW, ArticleState.APPROVED]
)
def test_an_editor_changes_topics_only_in_draft(state, editor, reviewer, neurology, policy):
    if state == ArticleState.SUBMITTED:
        article = submitted_article(by=editor)
    elif state == ArticleState.UNDER_REVIEW:
        article = under_review_article(by=editor, reviewer=reviewer)
    else:
        article = approved_article(by=editor, reviewer=reviewer)
    before = board_rows(article)
    response = client_for(editor).post(
        reverse("desk:topics", kwargs={"pk": article.pk}), {"topics": [neurology.pk]}
    )
    assert response.status_code == 409
    assert "its content changes only in draft" in response.content.decode()
    assert board_rows(article) == before
    with pytest.raises(Exception, match="changes only in draft"):
        article_topics_set(article=article, by=editor, topic_ids=[neurology.pk])
    assert board_rows(article) == before


@pytest.mark.parametrize("who", ["reviewer", "chief"])
def test_only_editors_set_topics(who, request, editor, neurology, policy):
    article = draft_article(by=editor)
    before = board_rows(article)
    response = client_for(request.getfixturevalue(who)).post(
        reverse("desk:topics", kwargs={"pk": article.pk}), {"topics": [neurology.pk]}
    )
    assert response.status_code == 403
    assert board_rows(article) == before


def test_an_unknown_topic_is_refused(editor, neurology, policy):
    article = draft_article(by=editor)
    before = board_rows(article)
    response = client_for(editor).post(
        reverse("desk:topics", kwargs={"pk": article.pk}), {"topics": [neurology.pk, 999999]}
    )
    assert response.status_code == 400
    assert board_rows(article) == before


# -- Anonymous posts -------------------------------------------------------------------


def _anonymous_posts(article, reviewer, neurology):
    claim = article.claims.first()
    return [
        (reverse("desk:assign", kwargs={"pk": article.pk}), {"reviewers": [reviewer.pk]}),
        (reverse("desk:declare", kwargs={"pk": article.pk}), {"conflict": "no"}),
        (reverse("desk:topics", kwargs={"pk": article.pk}), {"topics": [neurology.pk]}),
        (reverse("desk:transition", kwargs={"pk": article.pk, "name": "approve"}), {}),
        (
            reverse("desk:claim_review", kwargs={"pk": article.pk, "uid": claim.uid}),
            {"verdict": ClaimReview.Verdict.VERIFIED},
        ),
    ]


def test_anonymous_posts_change_nothing(editor, reviewer, neurology, policy):
    article = under_review_article(by=editor, reviewer=reviewer)
    before = board_rows(article)
    for url, data in _anonymous_posts(article, reviewer, neurology):
        data = {**data, "due_on": str(TOMORROW)}
        # A browser without the site's CSRF cookie is refused outright ...
        assert Client(enforce_csrf_checks=True).post(url, data).status_code == 403, url
        # ... and even past that check, someone not signed in is sent to log in.
        response = Client().post(url, data)
        assert response.status_code == 302, url
        assert response.url.startswith(reverse("login")), url
    assert board_rows(article) == before


# -- Reports ---------------------------------------------------------------------------

REPORT_URLS = [reverse("desk:reports")] + [
    reverse("desk:report_csv", kwargs={"report": name}) for name in reporting.CSV_REPORTS
]


@pytest.fixture
def plain_site_admin(db):
    """A site admin who is no superuser: keeps the site, is no editor-in-chief."""
    return UserFactory(username="keeper", group=SITE_ADMINS)


@pytest.mark.parametrize("who", ["editor", "reviewer", "plain_site_admin"])
@pytest.mark.parametrize("url", REPORT_URLS)
def test_only_editors_in_chief_read_the_reports(who, url, request):
    response = client_for(request.getfixturevalue(who)).get(url)
    assert response.status_code == 403
    assert response["Content-Type"].startswith("text/html")
    assert "The reports are for editors-in-chief." in response.content.decode()


@pytest.mark.parametrize("url", REPORT_URLS)
def test_anonymous_readers_are_sent_to_log_in_for_the_reports(url):
    response = Client().get(url)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize("url", REPORT_URLS)
def test_the_reports_are_read_not_posted(url, chief):
    assert client_for(chief).post(url).status_code == 405


def test_an_unknown_report_is_not_found(chief):
    url = reverse("desk:report_csv", kwargs={"report": "users"})
    assert client_for(chief).get(url).status_code == 404


@pytest.mark.parametrize(
    "payload",
    [
        '=HYPERLINK("http://evil.example","x")',
        "+1+2",
        "-2+3",
        "@SUM(A1:A2)",
        "\t=1",
        "\r=1",
        ' =HYPERLINK("http://evil.example","x")',
        "  @SUM(A1:A2)",
        "＝HYPERLINK(1)",
        "＋1＋2",
        "－2",
        "＠SUM(A1)",
    ],
    ids=[
        "equals",
        "plus",
        "minus",
        "at",
        "tab",
        "cr",
        "space-equals",
        "spaces-at",
        "fullwidth-equals",
        "fullwidth-plus",
        "fullwidth-minus",
        "fullwidth-at",
    ],
)
def test_every_csv_export_neutralises_formulas(payload, editor, chief, policy):
    reviewer = make_reviewer("formula")
    reviewer.first_name, reviewer.last_name = "", payload
    reviewer.save()
    article = approved_article(by=editor, reviewer=reviewer)
    Article.objects.filter(pk=article.pk).update(title=payload)
    open_one = submitted_article(by=editor)
    assignment_create(article=open_one, reviewer_ids=[reviewer.pk], due_on=TOMORROW, by=chief)
    client = client_for(chief)
    seen = set()
    for name in reporting.CSV_REPORTS:
        response = client.get(reverse("desk:report_csv", kwargs={"report": name}))
        assert response.status_code == 200
        assert response["Content-Disposition"].startswith("attachment;")
        rows = list(csv.reader(io.StringIO(response.content.decode().lstrip("\ufeff"))))
        for row in rows:
            for cell in row:
                assert not cell.lstrip(" \u3000").startswith(FORMULA_STARTS), (name, cell)
                if payload.strip() in cell:
                    seen.add(name)
    # The payload reached the files that name people and questions, made harmless.
    assert {"reviewers", "aging"} <= seen


# -- The admin keeps declarations and assignments as records --------------------------


def test_the_admin_writes_no_declaration_or_assignment(editor, reviewer, chief, policy):
    """Even a superuser cannot add or change them there (only the services write them)."""
    admin_user = make_admin("keeper")
    article = submitted_article(by=editor)
    conflict_declare(article=article, by=reviewer, has_conflict=True, note="Paid adviser.")
    other = submitted_article(by=editor, title="Is baclofen safe in pregnancy?")
    declaration = ConflictDeclaration.objects.get(article=article)
    client = client_for(admin_user)
    before = board_rows(article)
    for url, data in [
        (
            reverse("admin:board_conflictdeclaration_change", args=[declaration.pk]),
            {"has_conflict": "", "note": ""},
        ),
        (
            reverse("admin:board_conflictdeclaration_add"),
            {"article": other.pk, "reviewer": reviewer.pk, "has_conflict": ""},
        ),
        (
            reverse("admin:board_reviewassignment_add"),
            {"article": article.pk, "reviewer": reviewer.pk, "due_on": str(TOMORROW)},
        ),
    ]:
        assert client.post(url, data).status_code == 403, url
    assert board_rows(article) == before
    assert not ConflictDeclaration.objects.filter(article=other).exists()
