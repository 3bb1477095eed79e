"""Demo articles in every workflow state, written through the services as people would.

``seed_demo`` calls ``demo_articles_create`` once; each article is made only if
its slug is not there yet, so running it again changes nothing.
"""

from __future__ import annotations

import dataclasses

from django.utils.text import slugify

from articles import services
from articles.content import ArticleContent, ClaimData, ClaimKind, ReferenceData, ReferenceKind
from articles.models import Article
from articles.selectors import article_get_content
from articles.services import article_topics_set
from board.models import ConflictDeclaration, Specialty
from board.services import conflict_declare

P, H, B = ClaimKind.PARAGRAPH, ClaimKind.HEADING, ClaimKind.BULLET

NHS_PARACETAMOL = ReferenceData(
    kind=ReferenceKind.GUIDELINE,
    title="Paracetamol for adults: how and when to take it",
    source="NHS",
    year=2023,
    url="https://www.nhs.uk/medicines/paracetamol-for-adults/",
)
LABEL_PARACETAMOL = ReferenceData(
    kind=ReferenceKind.DRUG_LABEL,
    title="Paracetamol 500 mg tablets: summary of product characteristics",
    source="Electronic Medicines Compendium",
    year=2022,
)
NICE_HYDRATION = ReferenceData(
    kind=ReferenceKind.GUIDELINE,
    title="Diarrhoea and vomiting caused by gastroenteritis in under 5s",
    source="NICE",
    year=2009,
)


def _content(
    title: str, claims: list[tuple], references: tuple, heading: str = ""
) -> ArticleContent:
    return ArticleContent(
        title=title,
        display_heading=heading,
        claims=tuple(
            ClaimData(kind=kind, text=text, citations=cites, plain_text=plain)
            for kind, text, cites, plain in claims
        ),
        references=references,
    )


PARACETAMOL = _content(
    "How much paracetamol can an adult take in a day?",
    [
        (H, "Usual dose", (), ""),
        (
            P,
            "The usual adult dose is one or two 500 mg tablets up to four times in 24 hours.",
            (1, 2),
            "Take 1 or 2 tablets at a time, no more than 4 times a day.",
        ),
        (B, "Leave at least 4 hours between doses.", (1,), "Wait at least 4 hours between doses."),
        (
            B,
            "Do not take more than 4 g (eight 500 mg tablets) in 24 hours.",
            (1, 2),
            "Never take more than 8 tablets in a day.",
        ),
        (H, "When to take less", (), ""),
        (
            P,
            "Adults who weigh under 50 kg or have liver problems may need a lower dose; ask a "
            "pharmacist or doctor.",
            (2,),
            "If you are small or have liver problems, ask a pharmacist how much to take.",
        ),
    ],
    (NHS_PARACETAMOL, LABEL_PARACETAMOL),
    heading="Paracetamol dosing for adults",
)

REHYDRATION = _content(
    "How can I stop a young child getting dehydrated with diarrhoea?",
    [
        (P, "Keep offering breast milk or usual feeds, and small frequent drinks.", (1,), ""),
        (
            B,
            "Oral rehydration solution can be given if a child shows signs of dehydration.",
            (1,),
            "",
        ),
    ],
    (NICE_HYDRATION,),
)


def _exists(content: ArticleContent) -> bool:
    return Article.objects.filter(slug=slugify(content.title)).exists()


def _declare(article: Article, reviewer) -> None:
    """The reviewer declares no conflict of interest, as the desk asks before any review."""
    if not ConflictDeclaration.objects.filter(article=article, reviewer=reviewer).exists():
        conflict_declare(article=article, by=reviewer, has_conflict=False)


def _topics(article: Article, *, editor, slugs: tuple[str, ...]) -> None:
    topic_ids = list(Specialty.objects.filter(slug__in=slugs).values_list("pk", flat=True))
    article_topics_set(article=article, by=editor, topic_ids=topic_ids)


def _under_review(
    content: ArticleContent, *, editor, reviewer, topics: tuple[str, ...] = ()
) -> Article:
    article = services.article_create(by=editor, title=content.title, content=content)
    _topics(article, editor=editor, slugs=topics)
    services.article_submit(article=article, by=editor, note="Ready for review.")
    _declare(article, reviewer)
    return services.article_start_review(article=article, by=reviewer)


def _verify_all(article: Article, *, by) -> None:
    _declare(article, by)
    for claim in article.claims.all():
        services.claim_review(claim=claim, by=by, verdict="verified")


def demo_articles_create(*, editor, other_editor, reviewer, other_reviewer, admin) -> list[str]:
    """Make the demo articles that are missing; the slugs made."""
    made = []
    # Approved twice: a byline crediting both reviewers, and a review history of two entries.
    if not _exists(PARACETAMOL):
        article = _under_review(
            PARACETAMOL, editor=editor, reviewer=reviewer, topics=("pharmacology",)
        )
        _verify_all(article, by=other_reviewer)
        services.article_approve(article=article, by=reviewer, comment="Doses match the label.")
        services.article_revise(article=article, by=editor)
        current = article_get_content(article=article)
        claims = list(current.claims)
        claims[2] = dataclasses.replace(
            claims[2], plain_text="Wait at least 4 hours before taking more."
        )
        services.article_replace_content(
            article=article,
            by=editor,
            expected_version=article.content_version,
            content=dataclasses.replace(current, claims=tuple(claims)),
        )
        services.article_submit(
            article=article, by=editor, summary="Clearer wording of the interval between doses."
        )
        services.article_start_review(article=article, by=reviewer)
        _verify_all(article, by=other_reviewer)
        services.article_approve(article=article, by=reviewer)
        made.append(article.slug)
    # Under review, part verified.
    under_review = dataclasses.replace(PARACETAMOL, title="Can I take paracetamol with ibuprofen?")
    if not _exists(under_review):
        article = _under_review(
            under_review, editor=other_editor, reviewer=reviewer, topics=("pharmacology",)
        )
        first = article.claims.order_by("position").first()
        services.claim_review(claim=first, by=reviewer, verdict="verified")
        made.append(article.slug)
    # Sent back to its editor with a comment.
    if not _exists(REHYDRATION):
        article = _under_review(
            REHYDRATION, editor=editor, reviewer=other_reviewer, topics=("paediatrics",)
        )
        claim = article.claims.order_by("position").last()
        services.claim_review(
            claim=claim,
            by=other_reviewer,
            verdict="needs_change",
            comment="Say which signs of dehydration mean the child needs a doctor today.",
        )
        services.article_request_changes(
            article=article, by=other_reviewer, comment="See the comment on the last claim."
        )
        made.append(article.slug)
    # A draft nobody has submitted yet.
    draft = _content("Is it safe to take paracetamol in pregnancy?", [], ())
    if not _exists(draft):
        made.append(services.article_create(by=other_editor, title=draft.title).slug)
    # Retracted by a site admin, with the reason on record.
    retracted = dataclasses.replace(REHYDRATION, title="Does cola settle an upset stomach?")
    if not _exists(retracted):
        article = services.article_create(by=editor, title=retracted.title, content=retracted)
        services.article_retract(
            article=article, by=admin, comment="Withdrawn: the question invites unsafe advice."
        )
        made.append(article.slug)
    return made
