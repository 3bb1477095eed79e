"""Writes of the answers app: the claim index, and the record of each follow-up answer."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.contrib.postgres.search import SearchVector
from django.db import transaction
from django.db.models import F, Q

from answers import text
from answers.models import AUDIENCES, ClaimEntry, FollowUpAnswer, IndexWord
from answers.selectors import answer_get
from articles.interchange.jsonformat import content_from_document
from articles.models import Article
from articles.visibility import Shown, approved_visible_q, shown_for
from public.services import followup_question_create

# The stems the scoring reads (``answers.text``), taken as they are ("simple"): the claim's
# own (weight A) and its question's and headings' (weight B). A search on them finds exactly
# the claims the scoring would credit, which lets retrieval skip those that cannot pass.
SEARCH_VECTOR = SearchVector("terms", weight="A", config="simple") + SearchVector(
    "context_terms", weight="B", config="simple"
)


def _citations(claim, references) -> list[dict]:
    cited = []
    for number in dict.fromkeys(claim.citations):
        if not 1 <= number <= len(references):
            continue
        ref = references[number - 1]
        cited.append(
            {
                "number": number,
                "title": ref.title,
                "source": ref.source,
                "year": ref.year,
                "doi": ref.doi,
                "pmid": ref.pmid,
                "url": ref.url,
            }
        )
    return cited


def _entries(article: Article, version) -> list[ClaimEntry]:
    """The entries of an approved version: every claim a reviewer verified, in each wording."""
    content = content_from_document(version.content)
    verified = version.claim_verifications or {}
    entries, section = [], {audience: "" for audience in AUDIENCES}
    for number, claim in enumerate(content.claims, start=1):
        for audience in AUDIENCES:
            # The wording of the article page (``public.rendered``): plain language when given.
            wording = claim.plain_text if audience == "patient" and claim.plain_text else claim.text
            if claim.kind.is_heading:
                section[audience] = wording
                continue
            verification = verified.get(claim.uid) if claim.uid else None
            if not verification or not wording.strip():
                continue  # only what a reviewer verified is ever quoted
            context = " ".join((content.title, content.display_heading, section[audience]))
            entries.append(
                ClaimEntry(
                    article=article,
                    version=version,
                    audience=audience,
                    claim_uid=claim.uid,
                    number=number,
                    text=wording,
                    question=content.title,
                    section=section[audience],
                    citations=_citations(claim, content.references),
                    reviewer=verification.get("reviewer", ""),
                    reviewed_on=datetime.datetime.fromisoformat(verification["at"]).date(),
                    terms=text.terms_field(text.terms(wording)),
                    context_terms=text.terms_field(text.terms(context) - text.terms(wording)),
                )
            )
    return entries


def claim_index_publish(*, version, article: Article | None = None) -> None:
    """Index the claims of ``version``, just approved for readers, in place of the article's."""
    _index_versions([(article or version.article, version)])


def _index_versions(pairs) -> int:
    """Index each (article, approved version) in place of the article's entries (4 queries).

    One approval indexes one pair; a rebuild indexes many at once, the same way.
    """
    article_ids = [article.pk for article, _version in pairs]
    ClaimEntry.objects.filter(article_id__in=article_ids).delete()
    entries = ClaimEntry.objects.bulk_create(
        [e for article, version in pairs for e in _entries(article, version)], batch_size=2000
    )
    if not entries:
        return 0
    vocabulary = {w for e in entries for w in text.words(f"{e.text} {e.question} {e.section}")}
    IndexWord.objects.bulk_create(
        [IndexWord(word=w) for w in sorted(vocabulary) if len(w) <= 64],
        ignore_conflicts=True,
        batch_size=2000,
    )
    if settings.IS_POSTGRES:
        ClaimEntry.objects.filter(article_id__in=article_ids).update(search_vector=SEARCH_VECTOR)
    return len(entries)


def claim_index_prune(*, article_ids) -> int:
    """Drop the entries of these articles that readers are no longer shown (retracted, replaced)."""
    gone = ~approved_visible_q(prefix="article__") | ~Q(
        version_id=F("article__published_version_id")
    )
    stale = ClaimEntry.objects.filter(gone, article_id__in=article_ids)
    # Most commits touch articles with nothing indexed (drafts, submissions, imports): one
    # read on the index answers them, where a delete is a transaction of its own.
    if not stale.exists():
        return 0
    deleted, _ = stale.delete()
    return deleted


def claim_index_rebuild(*, batch: int = 200) -> int:
    """Index every article again (after a change of the wording rules); the entries written.

    Articles are taken ``batch`` at a time, each batch in one transaction: the shown
    ones indexed together, the others' entries dropped.
    """
    articles = Article.objects.select_related("published_version").order_by("pk")
    last = 0
    while chunk := list(articles.filter(pk__gt=last)[:batch]):
        last = chunk[-1].pk
        shown = [a for a in chunk if shown_for(a, pending_shown=False) == Shown.APPROVED]
        with transaction.atomic():
            ClaimEntry.objects.filter(article_id__in=[a.pk for a in chunk]).exclude(
                article_id__in=[a.pk for a in shown]
            ).delete()
            if shown:
                _index_versions([(a, a.published_version) for a in shown])
    return ClaimEntry.objects.count()


@transaction.atomic
def followup_ask(*, article: Article, question: str, client: str, audience: str):
    """A reader's question: stored for the editors as before, answered from reviewed claims.

    Returns the stored question and the answer; the answer's closest claims are kept
    beside the question, shown or not, so an editor sees what came near.
    """
    followup = followup_question_create(
        article=article, question=question, client=client, audience=audience
    )
    answer = answer_get(question=followup.question, audience=audience)
    FollowUpAnswer.objects.create(
        question=followup,
        answered=answer.answered,
        urgent=answer.urgent,
        key=text.question_key(followup.question),
        closest=[
            {
                "slug": m.entry.article.slug,
                "question": m.entry.question,
                "number": m.entry.number,
                "text": m.entry.text,
                "score": m.score,
            }
            for m in answer.closest
        ],
    )
    return followup, answer


__all__ = [
    "claim_index_prune",
    "claim_index_publish",
    "claim_index_rebuild",
    "followup_ask",
]
