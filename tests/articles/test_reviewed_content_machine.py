"""A state machine that interleaves edits through every door with verdicts and approvals.

After every step, each approved article's public page and API show exactly the
reviewed content recorded at approval: the snapshot's fingerprint is the one
every approval of it names, and each of its items was verified as it reads.
"""

import dataclasses

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.test import Client
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    consumes,
    initialize,
    invariant,
    rule,
)
from rest_framework.test import APIClient

from api import services as api_services
from articles import readiness, services
from articles.content import ArticleContent, ClaimData, ClaimKind, ReferenceData, ReferenceKind
from articles.errors import ConditionsNotMet, WorkflowConflict
from articles.imports import article_import
from articles.interchange.jsonformat import content_from_document
from articles.models import Article, ClaimReview, Reference
from articles.reviewed import claim_data_fingerprint, content_fingerprint
from articles.selectors import article_get_content
from articles.workflow import ArticleState
from public import fastpath
from tests.factories import (
    declare_no_conflict,
    make_admin,
    make_editor,
    make_policy,
    make_reviewer,
    sample_content,
)

WORDS = st.sampled_from(["safe", "unsafe", "daily", "rarely", "with food", "at night"])


def api_content(data: dict) -> ArticleContent:
    """What the public API shows, as content."""
    return ArticleContent(
        title=data["title"],
        display_heading=data["display_heading"],
        claims=tuple(
            ClaimData(
                kind=ClaimKind(c["kind"]),
                text=c["text"],
                level=c["level"],
                citations=tuple(c["citations"]),
                needs_no_citation=c["needs_no_citation"],
                plain_text=c["plain_text"],
            )
            for c in data["claims"]
        ),
        references=tuple(
            ReferenceData(
                kind=ReferenceKind(r["kind"]),
                title=r["title"],
                source=r["source"],
                year=r["year"],
                authors=r["authors"],
                doi=r["doi"],
                pmid=r["pmid"],
                url=r["url"],
            )
            for r in data["references"]
        ),
    )


class ReviewedContentMachine(RuleBasedStateMachine):
    articles = Bundle("articles")

    @initialize()
    def people(self):
        cache.clear()
        make_policy()
        self.editor = make_editor("m-editor")
        self.other_editor = make_editor("m-editor2")
        self.reviewer = make_reviewer("m-reviewer")
        self.admin = make_admin("m-admin")
        self.api = APIClient()
        _, key = api_services.api_token_create(user=self.editor, name="machine")
        self.api.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
        self.reader = Client()
        self.admin_client = Client()
        self.admin_client.force_login(self.admin)
        self.count = 0

    @rule(target=articles)
    def draft(self):
        self.count += 1
        title = f"Question number {self.count}?"
        article = services.article_create(
            by=self.editor, title=title, content=sample_content(title=title)
        )
        return article.pk

    def _article(self, pk) -> Article:
        return Article.objects.get(pk=pk)

    def _edit(self, article: Article, change) -> None:
        if article.state == ArticleState.APPROVED:
            services.article_revise(article=article, by=self.editor)
        if article.state != ArticleState.DRAFT:
            return
        content = article_get_content(article=article)
        services.article_replace_content(
            article=article,
            by=self.editor,
            expected_version=article.content_version,
            content=change(content),
        )

    @rule(pk=articles, index=st.integers(0, 3), word=WORDS)
    def desk_edits_plain_text(self, pk, index, word):
        def change(content):
            claims = list(content.claims)
            claims[index] = dataclasses.replace(claims[index], plain_text=f"Take it {word}.")
            return dataclasses.replace(content, claims=tuple(claims))

        self._edit(self._article(pk), change)

    @rule(pk=articles, word=WORDS)
    def api_edits_a_claim(self, pk, word):
        article = self._article(pk)
        if article.state != ArticleState.DRAFT:
            return
        draft = self.api.get(f"/api/drafts/{pk}/").json()
        document = draft["document"]
        document["claims"][1]["text"] = f"Claim 1 is {word}."
        response = self.api.put(
            f"/api/drafts/{pk}/", document, format="json", HTTP_IF_MATCH=draft["etag"]
        )
        assert response.status_code == 200, response.content

    @rule(pk=articles, word=WORDS)
    def importer_brings_a_new_heading(self, pk, word):
        article = self._article(pk)
        content = dataclasses.replace(
            article_get_content(article=article), display_heading=f"Taken {word}"
        )
        try:
            article_import(content=content, by=self.editor, source_name="machine.json")
        except WorkflowConflict:
            pass  # under review: the board must send it back first

    def _reference(self, index: int) -> Reference | None:
        current = list(Reference.objects.filter(is_current=True).order_by("pk"))
        return current[index % len(current)] if current else None

    @rule(word=WORDS, index=st.integers(0, 20))
    def another_article_completes_a_shared_reference(self, word, index):
        reference = self._reference(index)
        if reference is None:
            return
        data = ReferenceData(
            kind=ReferenceKind(reference.kind),
            title=reference.title,
            source=reference.source,
            year=reference.year,
            authors=reference.authors or f"Author {word}",
            url=reference.url or f"https://example.org/{word.replace(' ', '-')}",
        )
        self.count += 1
        services.article_create(
            by=self.other_editor,
            title=f"Other question {self.count}?",
            content=ArticleContent(
                title=f"Other question {self.count}?",
                claims=(ClaimData(kind=ClaimKind.PARAGRAPH, text="A fact.", citations=(1,)),),
                references=(data,),
            ),
        )

    @rule(word=WORDS, index=st.integers(0, 20))
    def admin_edits_a_reference(self, word, index):
        reference = self._reference(index)
        if reference is None:
            return
        response = self.admin_client.post(
            f"/admin/articles/reference/{reference.pk}/change/",
            {
                "kind": reference.kind,
                "title": reference.title,
                "source": reference.source,
                "year": reference.year,
                "authors": f"Edited {word}",
                "doi": reference.doi,
                "pmid": reference.pmid,
                "url": reference.url,
            },
        )
        assert response.status_code == 302

    @rule(pk=articles)
    def submit_and_start_review(self, pk):
        article = self._article(pk)
        if article.state == ArticleState.DRAFT:
            services.article_submit(
                article=article,
                by=self.editor,
                summary="Changed" if article.published_version_id else "",
            )
        if article.state == ArticleState.SUBMITTED:
            declare_no_conflict(article, self.reviewer)
            services.article_start_review(article=article, by=self.reviewer)

    @rule(pk=articles, index=st.integers(0, 3))
    def verify_one(self, pk, index):
        article = self._article(pk)
        if article.state != ArticleState.UNDER_REVIEW:
            return
        claim = article.claims.order_by("position")[index]
        services.claim_review(claim=claim, by=self.reviewer, verdict=ClaimReview.Verdict.VERIFIED)

    @rule(pk=articles)
    def review_everything_and_approve(self, pk):
        self.submit_and_start_review(pk)
        article = self._article(pk)
        if article.state != ArticleState.UNDER_REVIEW:
            return
        for claim in article.claims.all():
            services.claim_review(
                claim=claim, by=self.reviewer, verdict=ClaimReview.Verdict.VERIFIED
            )
        self.try_to_approve(pk)

    @rule(pk=articles)
    def try_to_approve(self, pk):
        """The reviewer clicks Approve whether or not every item is verified."""
        article = self._article(pk)
        if article.state != ArticleState.UNDER_REVIEW:
            return
        shown = content_fingerprint(article_get_content(article=article))
        try:
            services.article_approve(article=article, by=self.reviewer, expected_hash=shown)
        except ConditionsNotMet:
            assert not all(s.verified for s in readiness.claim_summaries(article))

    @rule(pk=consumes(articles))
    def send_back(self, pk):
        article = self._article(pk)
        if article.state == ArticleState.UNDER_REVIEW:
            services.article_request_changes(article=article, by=self.reviewer, comment="Again.")

    def teardown(self):
        # Each example starts from an empty database, so a replay meets the same state; the
        # site generation starts again with it, so pages kept by this example must go too.
        call_command("flush", interactive=False, verbosity=0)
        cache.clear()
        fastpath.forget_all()

    @invariant()
    def readers_see_exactly_what_was_reviewed(self):
        if not hasattr(self, "editor"):
            return

        for article in Article.objects.filter(published_version__isnull=False).select_related(
            "published_version"
        ):
            version = article.published_version
            snapshot = content_from_document(version.content)
            assert content_fingerprint(snapshot) == version.content_hash
            approvals = set(
                article.approvals.filter(revision=version.revision).values_list(
                    "content_hash", flat=True
                )
            )
            assert version.content_hash in approvals
            verified = set(
                ClaimReview.objects.filter(
                    claim__article=article, verdict=ClaimReview.Verdict.VERIFIED
                ).values_list("content_hash", flat=True)
            )
            for claim in snapshot.claims:
                assert claim_data_fingerprint(claim, snapshot.references) in verified
            response = self.reader.get(f"/api/articles/{article.slug}/")
            assert response.status_code == 200, response.content
            api = response.json()
            assert content_fingerprint(api_content(api)) == version.content_hash
            page = self.reader.get(article.get_absolute_url())
            assert page.status_code == 200
            html = page.content.decode()
            assert snapshot.display_heading.replace("'", "&#x27;") in html
            for claim in snapshot.claims:
                assert claim.text in html


@pytest.mark.django_db(transaction=True)
def test_readers_always_see_exactly_the_reviewed_content():
    machine = ReviewedContentMachine.TestCase
    machine.settings = settings(
        max_examples=8,
        stateful_step_count=25,
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    machine().runTest()
