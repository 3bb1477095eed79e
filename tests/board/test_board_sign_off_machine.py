"""A state machine of the board over time: whoever is credited must have been able to sign off.

Credentials expire as days pass and are renewed, reviewers leave and rejoin the
board, recuse themselves, edit a revision (and revert it), approve under a
two-approval topic rule, and a site admin retracts at any state. The machine
keeps its own account of who may sign off (the oracle below, written from the
rule's words, not from the code) and checks, at each publication, that every
reviewer credited could and that enough approvals counted; after every step,
that readers are shown no text but that of a published version (pages, the
410 and 404 answers, the feed, the sitemap and search).
"""

import dataclasses
import datetime

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from django_fsm import TransitionNotAllowed
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
)

from articles import services
from articles.errors import ConditionsNotMet
from articles.models import Article, ArticleVersion
from articles.permissions import BOARD_REVIEWERS
from articles.selectors import article_get_content
from articles.services import article_topics_set
from articles.states import ArticleState
from board.models import BoardMember, ConflictDeclaration, Credential, Specialty
from board.services import conflict_declare
from public import fastpath
from tests.factories import make_admin, make_editor, make_policy, make_reviewer, sample_content

START = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)
REVIEWERS = ("r1", "r2", "r3", "admin")  # the site admin sits on the board too
WHO_EDITS = st.sampled_from(["editor", "admin"])
REVIEWER = st.sampled_from(REVIEWERS)
REFUSED = (PermissionDenied, TransitionNotAllowed, ConditionsNotMet)


@dataclasses.dataclass
class Tracked:
    """What the machine knows of one article, kept apart from what the code records."""

    topic_rule: int
    contributors: set = dataclasses.field(default_factory=set)
    approvals: set = dataclasses.field(default_factory=set)  # given in the current round
    published_titles: list = dataclasses.field(default_factory=list)
    edits: int = 0


class SignOffMachine(RuleBasedStateMachine):
    articles = Bundle("articles")

    @initialize()
    def board(self):
        cache.clear()
        self.traveller = time_machine.travel(START, tick=False)
        self.clock = self.traveller.start()
        make_policy()
        self.users = {"editor": make_editor("s-editor"), "admin": make_admin("s-admin")}
        BoardMember.objects.create(user=self.users["admin"], name="Dr. Admin", credentials="MD")
        for name in REVIEWERS[:3]:
            self.users[name] = make_reviewer(f"s-{name}")
        self.board_group = Group.objects.get(name=BOARD_REVIEWERS)
        self.in_board = set(REVIEWERS)
        self.expires = {}
        for offset, name in enumerate(REVIEWERS):
            self.renew(name=name, days=10 + 7 * offset)
        self.oncology = Specialty.objects.create(
            name="Oncology", slug="oncology", required_approvals=2
        )
        self.tracked: dict[int, Tracked] = {}
        self.checked_versions: set[int] = set()
        self.reader = Client()
        self.count = 0

    # -- The oracle: the sign-off rule in its own words -------------------------------

    def may_sign_off(self, name: str, pk: int) -> bool:
        """An active board reviewer, not a contributor, not recused, credential current."""
        user = self.users[name]
        declared = ConflictDeclaration.objects.filter(article_id=pk, reviewer=user).first()
        return (
            name in self.in_board
            and name not in self.tracked[pk].contributors
            and self.expires[name] >= timezone.localdate()
            and declared is not None
            and not declared.has_conflict
        )

    # -- People and time ------------------------------------------------------------------

    @rule(days=st.integers(1, 6))
    def time_passes(self, days):
        if not days:
            return
        self.clock.shift(datetime.timedelta(days=days))

    @rule(name=REVIEWER, days=st.integers(3, 30))
    def renew(self, name, days):
        expires = timezone.localdate() + datetime.timedelta(days=days)
        member = BoardMember.objects.get(user=self.users[name])
        Credential.objects.update_or_create(
            member=member,
            name="Board certification",
            defaults={"issued_by": "Medical Council", "expires_on": expires},
        )
        self.expires[name] = expires

    def _signed_in_again(self, name):
        """The user as their next request loads them (Django keeps permissions per object)."""
        self.users[name] = type(self.users[name]).objects.get(pk=self.users[name].pk)

    @rule(name=st.sampled_from(REVIEWERS[:3]), dice=st.integers(0, 2))
    def leaves_the_board(self, name, dice):
        if dice:
            return  # rarer than the other steps
        self.users[name].groups.remove(self.board_group)
        self._signed_in_again(name)
        self.in_board.discard(name)

    @rule(name=st.sampled_from(REVIEWERS[:3]))
    def rejoins_the_board(self, name):
        self.users[name].groups.add(self.board_group)
        self._signed_in_again(name)
        self.in_board.add(name)

    # -- Editors ----------------------------------------------------------------------------

    def _article(self, pk) -> Article:
        return Article.objects.get(pk=pk)

    @precondition(lambda self: len(self.tracked) < 3)  # a few articles, each taken far
    @rule(target=articles, oncology=st.booleans())
    def draft(self, oncology):
        self.count += 1
        title = f"Question {self.count} draft?"
        editor = self.users["editor"]
        article = services.article_create(
            by=editor, title=title, content=sample_content(title=title)
        )
        if oncology:
            article_topics_set(article=article, by=editor, topic_ids=[self.oncology.pk])
        self.tracked[article.pk] = Tracked(topic_rule=2 if oncology else 1, contributors={"editor"})
        return article.pk

    def _replace(self, article, who, change):
        content = article_get_content(article=article)
        services.article_replace_content(
            article=article,
            by=self.users[who],
            expected_version=article.content_version,
            content=change(content),
        )

    def _open_for_editing(self, pk, who) -> Article | None:
        article = self._article(pk)
        if article.state == ArticleState.APPROVED:
            services.article_revise(article=article, by=self.users[who])
            self.tracked[pk].contributors = {who}
        return article if article.state == ArticleState.DRAFT else None

    @rule(pk=articles, who=WHO_EDITS)
    def edit(self, pk, who):
        article = self._open_for_editing(pk, who)
        if article is None:
            return
        tracked = self.tracked[pk]
        tracked.edits += 1
        title = f"Question {pk} working {tracked.edits}?"
        self._replace(article, who, lambda c: dataclasses.replace(c, title=title))
        tracked.contributors.add(who)

    @rule(pk=articles, who=WHO_EDITS)
    def edit_and_revert(self, pk, who):
        article = self._open_for_editing(pk, who)
        if article is None:
            return
        before = article_get_content(article=article)
        claims = list(before.claims)
        claims[1] = dataclasses.replace(claims[1], text="Changed for a moment.")
        self._replace(article, who, lambda c: dataclasses.replace(c, claims=tuple(claims)))
        self._replace(self._article(pk), who, lambda c: before)
        self.tracked[pk].contributors.add(who)

    @rule(pk=articles)
    def submit(self, pk):
        article = self._article(pk)
        if article.state != ArticleState.DRAFT:
            return
        services.article_submit(
            article=article,
            by=self.users["editor"],
            summary="Revised." if article.published_version_id else "",
            confirm_open_threads=True,
        )
        self.tracked[pk].approvals = set()  # a new round

    # -- The board --------------------------------------------------------------------------

    def _declare(self, article, name, *, conflict=False):
        user = self.users[name]
        existing = ConflictDeclaration.objects.filter(article=article, reviewer=user).first()
        if existing is not None and (existing.has_conflict or not conflict):
            return
        try:
            conflict_declare(
                article=article,
                by=user,
                has_conflict=conflict,
                note="Consults." if conflict else "",
            )
        except REFUSED:
            pass

    @rule(pk=articles, name=REVIEWER)
    def start_review(self, pk, name):
        article = self._article(pk)
        if article.state != ArticleState.SUBMITTED:
            return
        self._declare(article, name)
        try:
            services.article_start_review(article=self._article(pk), by=self.users[name])
        except REFUSED:
            pass

    @rule(pk=articles, name=REVIEWER, dice=st.integers(0, 3))
    def recuse(self, pk, name, dice):
        if dice == 0:  # final for the article: rarer than the other steps
            self._declare(self._article(pk), name, conflict=True)

    @rule(pk=articles, name=REVIEWER)
    def verify_everything(self, pk, name):
        article = self._article(pk)
        if article.state != ArticleState.UNDER_REVIEW:
            return
        self._declare(article, name)
        allowed = self.may_sign_off(name, pk)
        for claim in article.claims.all():
            try:
                services.claim_review(claim=claim, by=self.users[name], verdict="verified")
            except PermissionDenied:
                assert not allowed, f"{name} may verify by the rule but was refused"
            else:
                assert allowed, f"{name} verified although the rule refuses them"

    @rule(pk=articles, name=REVIEWER)
    def review_round(self, pk, name):
        """Submit if need be, take the review and verify everything: a whole round in one step."""
        self.submit(pk)
        self.start_review(pk, name)
        self.verify_everything(pk, name)

    @rule(pk=articles, name=REVIEWER)
    def review_and_approve(self, pk, name):
        self.review_round(pk, name)
        self.approve(pk, name)

    @rule(
        pk=articles,
        first=REVIEWER,
        then=REVIEWER,
        days=st.integers(0, 30),
        first_approves=st.booleans(),
        verifies_too=st.booleans(),
    )
    def sign_offs_days_apart(self, pk, first, then, days, first_approves, verifies_too):
        """One reviewer verifies (and approves); days later another approves, relying on the
        first one's verdicts or verifying again."""
        self.review_round(pk, first)
        if first_approves:
            self.approve(pk, first)
        self.time_passes(days)
        if verifies_too:
            self.verify_everything(pk, then)
        self.approve(pk, then)

    @rule(pk=articles, name=REVIEWER)
    def approve(self, pk, name):
        article = self._article(pk)
        if article.state != ArticleState.UNDER_REVIEW:
            return
        self._declare(article, name)
        allowed = self.may_sign_off(name, pk)
        versions = set(ArticleVersion.objects.filter(article_id=pk).values_list("pk", flat=True))
        try:
            services.article_approve(article=article, by=self.users[name])
        except PermissionDenied:
            assert not allowed, f"{name} may approve by the rule but was refused"
            return
        except ConditionsNotMet:
            return
        assert allowed, f"{name} approved although the rule refuses them"
        self.tracked[pk].approvals.add(name)
        new = ArticleVersion.objects.filter(article_id=pk).exclude(pk__in=versions).first()
        if new is not None:
            self._check_publication(pk, new)

    def _check_publication(self, pk, version):
        """At the instant of publication, with the machine's own account of who may sign off."""
        tracked = self.tracked[pk]
        by_name = {user.pk: name for name, user in self.users.items()}
        credited = {by_name[uid] for uid in version.reviewers.values_list("pk", flat=True)}
        refused = {name for name in credited if not self.may_sign_off(name, pk)}
        assert not refused, f"credited although they may not sign off: {refused}"
        counted = {name for name in tracked.approvals if self.may_sign_off(name, pk)}
        assert len(counted) >= tracked.topic_rule, (counted, tracked.topic_rule)
        assert by_name[version.approved_by_id] in counted
        tracked.published_titles.append(version.content["title"])
        self.checked_versions.add(version.pk)

    @rule(pk=articles, name=REVIEWER)
    def request_changes(self, pk, name):
        article = self._article(pk)
        if article.state != ArticleState.UNDER_REVIEW:
            return
        try:
            services.article_request_changes(
                article=article, by=self.users[name], comment="Please look again."
            )
        except REFUSED:
            pass

    @rule(pk=articles)
    def retract(self, pk):
        article = self._article(pk)
        if article.state != ArticleState.RETRACTED:
            services.article_retract(article=article, by=self.users["admin"], comment="Withdrawn.")

    def teardown(self):
        call_command("flush", interactive=False, verbosity=0)
        cache.clear()
        fastpath.forget_all()
        if hasattr(self, "traveller"):
            self.traveller.stop()

    # -- What readers are shown ---------------------------------------------------------------

    @invariant()
    def every_version_was_checked_at_publication(self):
        if not hasattr(self, "tracked"):
            return
        assert set(ArticleVersion.objects.values_list("pk", flat=True)) == self.checked_versions

    @invariant()
    def readers_see_only_published_text(self):
        if not hasattr(self, "tracked"):
            return
        unpublished = set()
        for article in Article.objects.select_related("published_version"):
            tracked = self.tracked[article.pk]
            shown = tracked.published_titles[-1] if tracked.published_titles else None
            if article.title != shown:
                unpublished.add(article.title)
            response = self.reader.get(article.get_absolute_url())
            html = response.content.decode()
            if article.state == ArticleState.RETRACTED:
                assert response.status_code == (410 if shown else 404)
            elif shown:
                assert response.status_code == 200
            else:
                assert response.status_code == 404  # nothing approved, pending not shown
            if shown:
                assert shown in html or response.status_code == 404
            if article.title != shown:
                assert article.title not in html, (article.state, article.title)
        lists = (
            self.reader.get("/feeds/approvals.atom").content.decode()
            + self.reader.get("/sitemap-articles.xml").content.decode()
            + self.reader.get("/search/", {"q": "Question"}).content.decode()
        )
        for title in unpublished:
            assert title not in lists, title


@pytest.mark.django_db(transaction=True)
def test_credited_reviewers_could_sign_off_at_publication(settings):
    settings.SHOW_PENDING_ARTICLES = False  # readers then see nothing but approved versions
    machine = SignOffMachine.TestCase
    machine.settings = hypothesis_settings(
        max_examples=20,
        stateful_step_count=50,
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    machine().runTest()
