"""Writing one claim at a time: its words (an autosave), the passage it quotes of a source,
and folding an editor's burst of saves of it into one history entry."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction

from articles import limits, policy
from articles.content import ArticleContent, ClaimData, ClaimKind
from articles.models import Article, Claim
from articles.services.claim_rows import claim_fields, validate_claim
from articles.services.content import bump_content
from articles.services.steps import lock_article


@transaction.atomic
def claim_reword(
    *,
    article: Article,
    by,
    expected_version: int,
    uid: str,
    text: str,
    plain_text: str,
    reason: str = "Claim edited",
) -> Article:
    """Change one claim's wording and plain-language version, nothing else: the same record as
    ``article_replace_content`` (the claim's version and history, the content version, the
    contributors), written to the one row without rereading the body (an autosave)."""
    policy.ensure(by, policy.EDIT, article)
    lock_article(article, expected_version=expected_version)
    claim = Claim.objects.filter(article=article, uid=uid).first()
    if claim is None:
        raise ValidationError({"claim": "This claim is no longer in the article; reload the page."})
    data = ClaimData(kind=ClaimKind(claim.kind), text=text, plain_text=plain_text)
    limits.ensure_within(ArticleContent(title=article.title, claims=(data,)))
    validate_claim(data, claim.position)
    fields = claim_fields(data)
    if (claim.text, claim.plain_text) == (fields["text"], fields["plain_text"]):
        return article
    claim.text, claim.plain_text = fields["text"], fields["plain_text"]
    claim.version += 1
    claim._history_user = by
    claim._change_reason = reason[:100]
    claim.save(update_fields=["text", "plain_text", "version"])
    bump_content(article, by=by, reason=reason)
    return article


# What a quoted passage and its place in the source may hold.
PASSAGE_MAX_CHARS = 2000
LOCATOR_MAX_CHARS = 120


@transaction.atomic
def citation_passage_set(
    *,
    article: Article,
    by,
    expected_version: int,
    uid: str,
    reference_id: int,
    quote: str,
    locator: str = "",
) -> Article:
    """Quote the passage of a cited source that supports a claim, and say where it is (page,
    section, table); an empty quote clears it. The passage is reviewed with the claim, so
    a change bumps the claim's version and makes its verdicts stale."""
    policy.ensure(by, policy.EDIT, article)
    quote, locator = (quote or "").strip(), " ".join((locator or "").split())
    errors = {}
    if len(quote) > PASSAGE_MAX_CHARS:
        errors["quote"] = f"Keep the passage to {PASSAGE_MAX_CHARS:,} characters; quote less."
    if len(locator) > LOCATOR_MAX_CHARS:
        errors["locator"] = f"Keep where it is to {LOCATOR_MAX_CHARS} characters."
    if locator and not quote:
        errors["quote"] = "Quote the passage, or clear where it is as well."
    if errors:
        raise ValidationError(errors)
    lock_article(article, expected_version=expected_version)
    claim = Claim.objects.filter(article=article, uid=uid).first()
    if claim is None:
        raise ValidationError({"claim": "This claim is no longer in the article; reload the page."})
    rows = list(claim.citations.filter(reference_id=reference_id))
    if not rows:
        raise ValidationError(
            {"reference": "The claim no longer cites this reference; cite it before quoting it."}
        )
    if all((r.passage, r.passage_locator) == (quote, locator) for r in rows):
        return article
    for row in rows:
        row.passage, row.passage_locator = quote, locator
        row._history_user = by
        row.save(update_fields=["passage", "passage_locator"])
    reason = "Quoted passage changed" if quote else "Quoted passage removed"
    claim.version += 1
    claim._history_user = by
    claim._change_reason = reason
    claim.save(update_fields=["version"])
    bump_content(article, by=by, reason=reason)
    return article


# Saves of one claim by one editor this close together are one edit in the history:
# autosave sends one about a second after typing stops.
EDIT_BURST = datetime.timedelta(minutes=5)


def history_merge_burst(*, article: Article, uid: str, by, reason: str) -> int:
    """Fold the save just made into the same editor's previous save of the same claim.

    When the claim's previous history entry and the article's are that editor's
    own, of the same kind (``reason``), and less than ``EDIT_BURST`` old, they
    are superseded by the entries just written and removed, so a burst of
    autosaves leaves one entry for the claim and one for the article. Anything
    in between by someone else, or of another kind, keeps the earlier entries.
    Returns how many entries were folded.
    """
    claim = Claim.objects.filter(article=article, uid=uid).first()
    if claim is None:
        return 0
    folded = 0
    for history in (claim.history, article.history):
        rows = list(history.order_by("-history_date", "-history_id")[:2])
        if len(rows) == 2 and _one_burst(
            *rows, by=by, reason=reason, since=article.last_transition_at
        ):
            rows[1].delete()
            folded += 1
    return folded


def _one_burst(latest, previous, *, by, reason: str, since) -> bool:
    # Never across a workflow step: the content as it stood when the article was submitted
    # or sent back is what the board's rounds are compared with (``article_content_as_of``).
    return (
        latest.history_user_id == previous.history_user_id == by.pk
        and latest.history_change_reason == previous.history_change_reason == reason
        and previous.history_type == "~"
        and latest.history_date - previous.history_date < EDIT_BURST
        and (since is None or previous.history_date > since)
    )
