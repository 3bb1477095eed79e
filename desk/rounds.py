"""Review rounds: what changed since the board last reviewed the article, claim by claim.

A round ends when a reviewer requests changes or the article is approved. The
next round's reviewer is shown, for each claim, how it read then against how
it reads now (phrase by phrase, plain-language version and cited references
included), the board's verdict and comment of that round, and the claim's
thread with the editors' replies.

Where the earlier content comes from: an approval stores a snapshot
(``ArticleVersion``), read without a query; a request for changes is rebuilt
from the history tables as of that moment (``articles.history``, four queries
whatever the number of claims).
"""

from __future__ import annotations

import dataclasses
import datetime
from dataclasses import dataclass, field

from django.db.models import OuterRef, Prefetch, Subquery

from articles import steps
from articles.content import ArticleContent, ClaimData
from articles.history import article_content_as_of
from articles.interchange.jsonformat import content_from_document
from articles.models import (
    Article,
    ArticleTransition,
    Claim,
    ClaimReview,
    ClaimThread,
    ThreadMessage,
)
from articles.selectors import content_from_claims
from desk.diff import ClaimChange, Segment, content_diff

# The transitions that close a round of review.
ENDS_ROUND = steps.ENDS_ROUND


@dataclass
class ClaimMemory:
    """One claim now against the end of the last round."""

    change: ClaimChange
    cited_before: tuple[str, ...] = ()
    cited_after: tuple[str, ...] = ()
    # The board's last verdict on the claim in that round (any reviewer), with its comment.
    earlier_review: ClaimReview | None = None
    before: ClaimData | None = None  # the claim as it read then
    # Where that comment is shown instead (see ``rows_annotate``).
    comment_in_thread: bool = False
    comment_on_verdict: bool = False

    @property
    def status(self) -> str:
        return self.change.status

    @property
    def unchanged(self) -> bool:
        return self.change.status == "same"

    @property
    def citations_changed(self) -> bool:
        return self.cited_before != self.cited_after

    @property
    def plain_segments(self) -> tuple[Segment, ...]:
        return self.change.plain_segments


@dataclass
class ReviewRound:
    """Where the last round ended, and each claim against it."""

    ended: ArticleTransition
    by_uid: dict[str, ClaimMemory] = field(default_factory=dict)
    removed: list[ClaimMemory] = field(default_factory=list)

    @property
    def ended_at(self) -> datetime.datetime:
        return self.ended.created_at

    @property
    def ended_by(self) -> steps.Step | None:
        """The step that closed the round (its ``reason`` says it: "Approved")."""
        return steps.named(self.ended.name)

    @property
    def counts(self) -> dict[str, int]:
        counts = {"added": 0, "removed": len(self.removed), "changed": 0, "same": 0}
        for memory in self.by_uid.values():
            counts[memory.status] += 1
        return counts


def _cited_titles(content: ArticleContent, claim: ClaimData | None) -> tuple[str, ...]:
    if claim is None:
        return ()
    return tuple(
        content.references[n - 1].title
        if 1 <= n <= len(content.references)
        else f"[{n}] (unresolved)"
        for n in claim.citations
    )


def _only(content: ArticleContent, uid: str) -> tuple[ClaimData, ...]:
    return tuple(c for c in content.claims if c.uid == uid)


def _content_at_round_end(article: Article, ended: ArticleTransition) -> ArticleContent | None:
    version = article.published_version
    if (
        ended.name == steps.APPROVE.name
        and version is not None
        and version.revision == ended.revision
    ):
        return content_from_document(version.content)
    return article_content_as_of(article=article, when=ended.created_at)


def review_round_get(
    *, article: Article, rows: list, only_uid: str | None = None
) -> ReviewRound | None:
    """The last round against the claims now (``rows`` of ``claim_list_for_desk``); None in the first.

    One query for the round's end, up to four for the content then; the verdicts
    come from the rows' prefetched reviews. ``only_uid`` compares that one claim
    alone (a row redrawn after a verdict), sparing the word diff of all the others.
    """
    ended = (
        article.transitions.filter(name__in=ENDS_ROUND)
        .select_related("actor")
        .order_by("-created_at", "-pk")
        .first()
    )
    if ended is None:
        return None
    before = _content_at_round_end(article, ended)
    if before is None:
        return None
    now = content_from_claims(article, [row.claim for row in rows])
    if only_uid is not None:
        before = dataclasses.replace(before, claims=_only(before, only_uid))
        now = dataclasses.replace(now, claims=_only(now, only_uid))
    old_by_uid = {c.uid: c for c in before.claims if c.uid}
    new_by_uid = {c.uid: c for c in now.claims if c.uid}
    reviews_by_uid = {
        str(row.claim.uid): [r for r in row.reviews if r.created_at <= ended.created_at]
        for row in rows
    }
    memory = ReviewRound(ended=ended)
    for change in content_diff(before, now).claims:
        item = ClaimMemory(
            change=change,
            cited_before=_cited_titles(before, old_by_uid.get(change.uid)),
            cited_after=_cited_titles(now, new_by_uid.get(change.uid)),
            before=old_by_uid.get(change.uid),
        )
        earlier = reviews_by_uid.get(change.uid)
        item.earlier_review = earlier[-1] if earlier else None
        if change.status == "removed":
            memory.removed.append(item)
        elif change.uid:
            memory.by_uid[change.uid] = item
    return memory


def _threads_shown(article: Article):
    # A thread is titled by its claim as it reads now: the wording it was opened on may have
    # been changed since, and that change is what the thread is about.
    wording_now = Claim.objects.filter(article_id=OuterRef("article_id"), uid=OuterRef("claim_uid"))
    return (
        ClaimThread.objects.filter(article=article)
        .select_related("opened_by")
        .annotate(claim_wording_now=Subquery(wording_now.values("text")[:1]))
        .prefetch_related(
            Prefetch("messages", queryset=ThreadMessage.objects.select_related("author"))
        )
    )


def thread_list_for_article(*, article: Article) -> list[ClaimThread]:
    """The article's claim threads with their messages and authors, oldest first (2 queries).

    Each has ``title``: its claim's wording now, or as it read when opened once it is removed.
    """
    return [_titled(thread) for thread in _threads_shown(article)]


def thread_get_for_article(*, article: Article, pk: int) -> ClaimThread | None:
    """One of the article's threads as ``thread_list_for_article`` gives it (2 queries)."""
    thread = _threads_shown(article).filter(pk=pk).first()
    return _titled(thread) if thread is not None else None


def _titled(thread: ClaimThread) -> ClaimThread:
    thread.title = thread.claim_wording_now or thread.claim_text
    return thread


def threads_by_claim(threads: list[ClaimThread]) -> dict[str, ClaimThread]:
    """The thread each claim shows: its unresolved one, else its latest."""
    shown: dict[str, ClaimThread] = {}
    for thread in threads:  # oldest first: a later thread replaces an earlier resolved one
        uid = str(thread.claim_uid)
        if uid not in shown or shown[uid].is_resolved:
            shown[uid] = thread
    return shown


def rows_annotate(rows: list, *, threads: list[ClaimThread], memory: ReviewRound | None) -> None:
    """Give each row its thread (``row.thread``) and its round memory (``row.memory``).

    A reviewer's comment is shown in one place: a "Needs change" comment is the message
    that opened (or joined) the claim's thread, so the verdict and the round memory link
    to the thread instead (``comment_in_thread``); a comment given with "Verified" opens
    no thread and is shown with the verdict, once (``comment_on_verdict``).
    """
    shown = threads_by_claim(threads)
    for row in rows:
        uid = str(row.claim.uid)
        row.thread = shown.get(uid)
        row.memory = memory.by_uid.get(uid) if memory is not None else None
        row.paired = pairing_of(row.memory.before if row.memory else None, row.claim)
        latest = row.latest_review
        row.comment_in_thread = said_in_thread(row.thread, latest)
        row.last_comment_in_thread = said_in_thread(row.thread, row.last_review)
        if row.memory is not None:
            earlier = row.memory.earlier_review
            row.memory.comment_in_thread = said_in_thread(row.thread, earlier)
            row.memory.comment_on_verdict = earlier is not None and earlier == latest


def said_in_thread(thread: ClaimThread | None, review: ClaimReview | None) -> bool:
    """Whether the review's comment is a message of the thread (from prefetched messages)."""
    if thread is None or review is None or not review.comment:
        return False
    return any(
        m.author_id == review.reviewer_id and m.body == review.comment
        for m in thread.messages.all()
    )


def removed_with_threads(memory: ReviewRound | None, threads: list[ClaimThread]) -> list:
    """Claims removed since the last round, each with its thread (or None)."""
    if memory is None:
        return []
    shown = threads_by_claim(threads)
    for item in memory.removed:
        item.thread = shown.get(item.change.uid)
    return memory.removed


# -- Paired text -----------------------------------------------------------------------

WORDING_ONLY = "Plain-language version not changed with the claim: still right?"
PLAIN_ONLY = "Claim not changed with its plain-language version: still right?"


@dataclass(frozen=True)
class PairedText:
    """One half of a claim's pair changed since the board last saw it, the other did not."""

    message: str
    before: ClaimData  # the claim as the board last saw it
    confirmed: bool  # the editor said the pair is still right, as it now reads
    wording_changed: bool  # else the plain-language version changed

    @property
    def was(self) -> str:
        """The half that changed, as the board last saw it."""
        return self.before.text if self.wording_changed else self.before.plain_text


def paired_text_flags(*, article: Article, claims: list) -> dict[str, PairedText]:
    """Claims whose wording changed since the last round and whose plain-language version did
    not, or the reverse, by uid (1 query, up to 4 more for the content then; none in the
    first round). Claims without a plain-language version then or now have nothing to pair."""
    ended = article.transitions.filter(name__in=ENDS_ROUND).order_by("-created_at", "-pk").first()
    before = _content_at_round_end(article, ended) if ended is not None else None
    if before is None:
        return {}
    then = {c.uid: c for c in before.claims if c.uid}
    flags = {str(c.uid): pairing_of(then.get(str(c.uid)), c) for c in claims}
    return {uid: flag for uid, flag in flags.items() if flag is not None}


def pairing_of(old: ClaimData | None, claim) -> PairedText | None:
    """The paired-text question for a claim against how it read then; None when none is asked."""
    if old is None or not (old.plain_text or claim.plain_text):
        return None
    wording, plain = old.text != claim.text, old.plain_text != claim.plain_text
    if wording == plain:
        return None
    return PairedText(
        message=WORDING_ONLY if wording else PLAIN_ONLY,
        before=old,
        confirmed=claim.pairing_confirmed == claim.pairing,
        wording_changed=wording,
    )
