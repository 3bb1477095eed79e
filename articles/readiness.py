"""What an article must be like before a step may take it: the named conditions, in words.

Each condition is a predicate with the message the editor or reviewer reads when it
fails (``Step.conditions`` lists a step's, in the order they are told). They live
here, above the models and the policy, rather than in the state graph
(``articles.workflow``): they ask the sign-off rule for whose verdicts count and the
retraction screen for cited papers, and the model mixes the graph in, so the graph
must import neither.

The per-claim facts they read are ``claim_summaries``, built once per article instance.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db.models import Prefetch

from articles import policy
from articles.models import Article, Citation, Claim, ClaimSummary
from screening import rules as screening_rules


def claim_summaries(article: Article) -> list[ClaimSummary]:
    """Per-claim facts for the conditions, cached on the instance.

    3 queries, and 4 more when the claims have verdicts: whose verdicts count is
    the sign-off rule, asked now (``policy.sign_off_refusals``). A caller that
    already loaded the claims hands its summaries over with
    ``Article.use_claim_summaries``; ``Article.forget_cached_content`` drops them.
    """
    cached = article.cached_claim_summaries()
    if cached is not None:
        return cached
    claims = list(
        article.claims.prefetch_related(
            Prefetch("citations", queryset=Citation.objects.select_related("reference")),
            "reviews",
        )
    )
    reviewer_ids = {r.reviewer_id for claim in claims for r in claim.reviews.all()}
    excluded = policy.signers_not_counted(article, reviewer_ids)
    summaries = [claim.summary(exclude_reviewers=excluded) for claim in claims]
    article.use_claim_summaries(summaries)
    return summaries


def claim_summaries_of_new_claims(
    article: Article, *, claims: list[Claim], citations: list[Citation]
) -> None:
    """Keep the summaries of claims this transaction has just created, ``claims`` in order.

    No query: rows created a moment ago have no verdicts yet, and ``citations`` are
    the rows written for them, their references in hand. The conditions of the step
    that follows (an import is received at once) need not read back what was just
    written. For a body that had no claims before; one that kept some asks
    ``claim_summaries``, which loads their verdicts.
    """
    by_claim: dict[int, list[Citation]] = {id(claim): [] for claim in claims}
    for citation in citations:
        by_claim[id(citation.claim)].append(citation)
    for claim in claims:
        # As ``claim_summaries``'s prefetch leaves them (``Claim.summary`` reads these).
        claim._prefetched_objects_cache = {"citations": by_claim[id(claim)], "reviews": []}
    article.use_claim_summaries([claim.summary() for claim in claims])


def condition(message: str) -> Callable[[Callable], Callable]:
    """Mark a predicate as a step's condition, with what it asks for in words."""

    def mark(predicate: Callable) -> Callable:
        predicate.message = message
        return predicate

    return mark


@condition("The article has no question (title).")
def has_title(article: Article) -> bool:
    return bool(article.title.strip())


@condition("The article has no claims yet.")
def has_claims(article: Article) -> bool:
    return bool(claim_summaries(article))


@condition(
    "Some claims state a fact without citing a reference; cite one or mark the claim as "
    "needing none."
)
def every_fact_claim_is_cited(article: Article) -> bool:
    """Each fact-stating claim cites a reference or is marked as needing none."""
    return not any(c.lacks_citation for c in claim_summaries(article))


@condition("Some citations point to a number with no reference behind it.")
def has_no_unresolved_citation(article: Article) -> bool:
    return not any(c.unresolved for c in claim_summaries(article))


@condition(
    "Not every claim and heading has been verified by a board reviewer as it now reads "
    "(wording, plain-language version, evidence level, citations, quoted passages and the "
    "cited references' details)."
)
def every_claim_is_verified(article: Article) -> bool:
    """A board reviewer who did not write this revision verified each item as it now reads.

    Headings count: readers see them, so the board signs them off too.
    """
    return all(c.verified for c in claim_summaries(article))


# Retraction screening (screening.rules): a claim may cite a retracted paper only
# with a board reviewer's recorded justification.
has_no_unjustified_retracted_citation = condition(
    "Some claims cite a retracted paper; a board reviewer must record a justification on each "
    "such citation, or the editor must replace it."
)(screening_rules.has_no_unjustified_retracted_citation)

SUBMIT_CONDITIONS = (has_title, has_claims, every_fact_claim_is_cited, has_no_unresolved_citation)
# An article drafted elsewhere arrives with its unresolved citations and uncited claims:
# they are kept, and still hold its approval back.
IMPORT_CONDITIONS = (has_title, has_claims)
APPROVE_CONDITIONS = (
    *SUBMIT_CONDITIONS,
    every_claim_is_verified,
    has_no_unjustified_retracted_citation,
)


def unmet(conditions, article: Article) -> list[str]:
    """What ``article`` still lacks of ``conditions``, in words, in their order."""
    return [condition.message for condition in conditions if not condition(article)]
