"""The public site follows what the writers announce (``articles.events``).

The services say what they changed and import nothing of the public site; here
that becomes what readers' pages need: kept pages rendered again, and an
approved version's text rendered and stored once the approval commits.
"""

from __future__ import annotations

from django.db import transaction

from articles import events
from public import freshness
from public.rendered import rendered_body_prepare


def pages_changed(sender, *, keys: frozenset[str], **kwargs) -> None:
    """Something a public page shows changed: the kept pages must be rendered again."""
    freshness.bump()


def version_published(sender, *, version, **kwargs) -> None:
    """Render the approved text once it is committed, so its first reader does not wait for it."""
    transaction.on_commit(lambda: rendered_body_prepare(version_id=version.pk))


def connect_receivers() -> None:
    events.changed.connect(pages_changed, dispatch_uid="public-pages-changed")
    events.published.connect(version_published, dispatch_uid="public-version-published")
