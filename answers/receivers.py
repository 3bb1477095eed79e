"""The answer index follows what the writers announce (``articles.events``).

An approval indexes the version it publishes inside its own transaction, so a
committed approval is answerable at once. After any commit that touched
articles, entries readers are no longer shown (a retraction) are dropped;
until then the read-time rule in ``answers.selectors`` already hides them.
"""

from __future__ import annotations

from django.db import transaction

from answers.models import EmergencyTerm
from answers.services import claim_index_prune, claim_index_publish
from articles import events

ARTICLE_PREFIX = "article:"
# The key answer pages name for the editors' emergency list (``articles.events`` keys).
EMERGENCY_LIST = "emergency-terms"


def version_published(sender, *, version, **kwargs) -> None:
    claim_index_publish(version=version)


def articles_committed(sender, *, keys: frozenset[str], **kwargs) -> None:
    ids = [int(k[len(ARTICLE_PREFIX) :]) for k in keys if k.startswith(ARTICLE_PREFIX)]
    if ids:
        claim_index_prune(article_ids=ids)


def emergency_list_changed(**kwargs) -> None:
    # Answer pages show the urgent-care notice by this list: kept copies must go.
    with transaction.atomic():
        events.announce(EMERGENCY_LIST)


def connect() -> None:
    from django.db.models.signals import post_delete, post_save

    events.published.connect(version_published, dispatch_uid="answers-version-published")
    events.committed.connect(articles_committed, dispatch_uid="answers-articles-committed")
    for signal in (post_save, post_delete):
        signal.connect(
            emergency_list_changed, sender=EmergencyTerm, dispatch_uid=f"answers-emergency-{signal}"
        )
