"""The editorial content model: articles made of claims that cite references.

By subject: ``library`` (references, policy versions),
``article`` (articles, claims, citations), ``review`` (verdicts, approvals,
transitions, published versions), ``search`` (public search entries) and
``shelf`` (references put by for an article, desk-only).
"""

from articles.models.article import Article, Citation, Claim, ClaimSummary
from articles.models.library import EditorialPolicy, Reference, normalise_text
from articles.models.review import ArticleApproval, ArticleTransition, ArticleVersion, ClaimReview
from articles.models.search import ArticleSearchEntry
from articles.models.shelf import ArticleReference
from articles.models.threads import ClaimThread, ThreadMessage

__all__ = [
    "Article",
    "ArticleApproval",
    "ArticleReference",
    "ArticleSearchEntry",
    "ArticleTransition",
    "ArticleVersion",
    "Citation",
    "Claim",
    "ClaimReview",
    "ClaimSummary",
    "ClaimThread",
    "EditorialPolicy",
    "Reference",
    "ThreadMessage",
    "normalise_text",
]
