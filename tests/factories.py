"""Test data, built through the services so every state is reached the real way."""

from __future__ import annotations

import datetime

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission

from articles import services
from articles.content import ArticleContent, ClaimData, ClaimKind, ReferenceData, ReferenceKind
from articles.models import ClaimReview, EditorialPolicy
from articles.permissions import BOARD_REVIEWERS, EDITORS, SITE_ADMINS, sync_groups
from articles.states import ArticleState
from board.models import BoardMember


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    first_name = "Test"
    last_name = factory.Sequence(lambda n: f"Person{n}")
    password = factory.django.Password("pw-for-tests-2026")

    @factory.post_generation
    def group(self, create, extracted, **kwargs):
        if extracted:
            group = Group.objects.filter(name=extracted).first()
            if group is None:
                # Transactional tests flush the groups the data migration made.
                sync_groups(Group, Permission)
                group = Group.objects.get(name=extracted)
            self.groups.add(group)


def make_editor(username: str = "editor") -> object:
    return UserFactory(username=username, group=EDITORS)


def make_reviewer(username: str = "reviewer", *, with_profile: bool = True):
    user = UserFactory(username=username, group=BOARD_REVIEWERS)
    if with_profile:
        BoardMember.objects.get_or_create(
            user=user,
            defaults={
                "name": f"Dr. {username.title()}",
                "credentials": "MD",
                "specialty": "Neurology",
            },
        )
    return user


def make_admin(username: str = "admin"):
    user = UserFactory(username=username, group=SITE_ADMINS)
    user.is_staff = user.is_superuser = True
    user.save()
    return user


def make_policy(
    version: int = 1, effective: datetime.date = datetime.date(2025, 1, 1)
) -> EditorialPolicy:
    policy, _ = EditorialPolicy.objects.get_or_create(
        version=version, defaults={"body": f"Policy text v{version}.", "effective_date": effective}
    )
    return policy


def reference_data(n: int = 1, **overrides) -> ReferenceData:
    values = dict(
        kind=ReferenceKind.GUIDELINE,
        title=f"Guideline number {n}",
        source="Praxis Medical Insights",
        year=2020 + n % 6,
    )
    values.update(overrides)
    return ReferenceData(**values)


def sample_content(
    *, claims: int = 3, references: int = 2, title: str = "What is baclofen used for?"
) -> ArticleContent:
    """A ready-to-submit body: a heading, then cited paragraphs and list items."""
    refs = tuple(reference_data(i + 1) for i in range(references))
    body = [ClaimData(kind=ClaimKind.HEADING, text="Primary indications")]
    for i in range(claims):
        kind = ClaimKind.PARAGRAPH if i % 3 == 0 else ClaimKind.BULLET
        body.append(
            ClaimData(
                kind=kind, text=f"Claim {i + 1} states a fact.", citations=((i % references) + 1,)
            )
        )
    return ArticleContent(
        title=title, display_heading=title.title(), claims=tuple(body), references=refs
    )


def paragraphs_content(title: str, *texts: str) -> ArticleContent:
    """A body of the given paragraphs, each citing one reference."""
    return ArticleContent(
        title=title,
        claims=tuple(
            ClaimData(kind=ClaimKind.PARAGRAPH, text=text, citations=(1,)) for text in texts
        ),
        references=(reference_data(1),),
    )


def draft_article(*, by=None, content: ArticleContent | None = None, **kwargs):
    by = by or make_editor()
    content = content or sample_content(**kwargs)
    return services.article_create(by=by, title=content.title, content=content)


def submitted_article(*, by=None, **kwargs):
    by = by or make_editor()
    article = draft_article(by=by, **kwargs)
    return services.article_submit(article=article, by=by)


def declare_no_conflict(article, reviewer) -> None:
    """The reviewer declares no conflict of interest with the article (once)."""
    from board.models import ConflictDeclaration
    from board.services import conflict_declare

    if not ConflictDeclaration.objects.filter(article=article, reviewer=reviewer).exists():
        conflict_declare(article=article, by=reviewer, has_conflict=False)


def under_review_article(*, by=None, reviewer=None, **kwargs):
    reviewer = reviewer or make_reviewer()
    article = submitted_article(by=by, **kwargs)
    declare_no_conflict(article, reviewer)
    return services.article_start_review(article=article, by=reviewer)


def verify_all_claims(article, reviewer) -> None:
    """Verify every item readers see, headings included, as it now reads."""
    declare_no_conflict(article, reviewer)
    for claim in article.claims.all():
        services.claim_review(claim=claim, by=reviewer, verdict=ClaimReview.Verdict.VERIFIED)


def approved_article(*, by=None, reviewer=None, **kwargs):
    reviewer = reviewer or make_reviewer()
    article = under_review_article(by=by, reviewer=reviewer, **kwargs)
    verify_all_claims(article, reviewer)
    return services.article_approve(article=article, by=reviewer)


def article_in_state(state: str, *, editor, reviewer, verifier=None):
    """An article by ``editor`` in ``state``; under review it is verified (by ``verifier``)."""
    if state == ArticleState.DRAFT:
        return draft_article(by=editor)
    if state == ArticleState.SUBMITTED:
        return submitted_article(by=editor)
    if state == ArticleState.UNDER_REVIEW:
        article = under_review_article(by=editor, reviewer=reviewer)
        verify_all_claims(article, verifier or reviewer)
        return article
    return approved_article(by=editor, reviewer=reviewer)
