"""Writes: the only code that creates, edits or moves articles and library references.

Every service takes keyword-only arguments, runs in one transaction, asks
``articles.policy`` whether the acting user may act (django-fsm checks
permissions only when asked), records who and why for the history, and defers
notifications in the same transaction (the outbox app sends them once it commits). By subject:

- ``transitions``: the workflow steps, each through the same sequence;
- ``content``: drafts, their body, restoring a past version (the body's rows written by
  ``claim_rows``, new rows' history copied by ``history_rows``);
- ``claims``: one claim at a time: its words, its quoted passages, bursts of saves;
- ``review``: verdicts on claims;
- ``references``: the shared library, copy-on-write once a reference is reviewed;
- ``shelf``: reference lists imported into the library, and each article's shelf;
- ``search``: the public search entries;
- ``threads``: per-claim discussion between the board and the editors;
- ``board``: what running the board changes on an article (its topics, its reviewer);
- ``steps``: what every write shares (the row lock, the audit row), for writers elsewhere
  that change an article alongside their own rows.
"""

from articles.services.board import article_reviewer_release, article_topics_set
from articles.services.claims import citation_passage_set, claim_reword, history_merge_burst
from articles.services.content import (
    article_create,
    article_replace_content,
    article_revert,
    article_update,
    citation_resolve,
    unique_slug,
)
from articles.services.references import (
    reference_get_or_create,
    reference_is_frozen,
    reference_update,
    references_find_or_add,
)
from articles.services.review import claim_review
from articles.services.search import search_entry_refresh
from articles.services.shelf import (
    article_shelve_references,
    article_unshelve_reference,
    references_import,
)
from articles.services.steps import audit_record, lock_article
from articles.services.threads import (
    thread_mark_addressed,
    thread_reopen,
    thread_reply,
    thread_resolve,
)
from articles.services.transitions import (
    article_approve,
    article_receive_import,
    article_request_changes,
    article_retract,
    article_revise,
    article_start_review,
    article_submit,
    article_withdraw,
)

__all__ = [
    "article_approve",
    "article_create",
    "article_receive_import",
    "citation_passage_set",
    "article_replace_content",
    "article_request_changes",
    "article_retract",
    "article_revert",
    "article_reviewer_release",
    "article_revise",
    "article_shelve_references",
    "article_unshelve_reference",
    "article_start_review",
    "article_submit",
    "article_topics_set",
    "article_update",
    "article_withdraw",
    "audit_record",
    "citation_resolve",
    "claim_reword",
    "history_merge_burst",
    "lock_article",
    "claim_review",
    "reference_get_or_create",
    "reference_is_frozen",
    "reference_update",
    "references_find_or_add",
    "references_import",
    "search_entry_refresh",
    "thread_mark_addressed",
    "thread_reopen",
    "thread_reply",
    "thread_resolve",
    "unique_slug",
]
