"""The public site follows what the writers announce (``articles.events``).

The services say what they changed and import nothing of the public site; here
that becomes what readers' pages need: the keys of the pages that show it
invalidated (kept pages rendered again, ``public.freshness``) and purged from
the edge once the change commits (``public.purge``), and an approved version's
text rendered and stored once the approval commits.

From what changed to the pages that show it (``page_keys``):

- ``article:<pk>``: its page, and the listings that show it (home, search, the
  feed, the sitemap). Writers announce an article only for a change readers
  see: a workflow step, an approval, a screening flag on it;
- ``reference:<pk>``: the pages of the articles citing it (a pending article shows
  the library's references as they stand);
- ``user:<pk>``: the pages of the articles naming that person (writers, reviewers,
  approvers), the feed (approvers), and the board page if they sit on the board;
- ``policy``, ``board``, ``site-text``: the pages naming those keys as they are.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import Q

from articles import events
from articles.models import Article, ArticleVersion
from board.models import BoardMember
from public import edge, freshness, purge
from public.rendered import rendered_body_prepare


def page_keys(changed: frozenset[str]) -> set[str]:
    """The keys of every public page showing what ``changed`` names (at most 3 queries)."""
    keys, references, users = set(), [], []
    for key in changed:
        kind, _, pk = key.partition(":")
        if kind == "article":
            keys |= {key, *edge.LISTINGS}
        elif kind == "reference" and pk.isdigit():
            keys.add(key)
            references.append(int(pk))
        elif kind == "user" and pk.isdigit():
            keys |= {key, edge.FEED}
            users.append(int(pk))
        else:
            keys.add(key)
    if references:
        citing = Article.objects.filter(claims__citations__reference_id__in=references)
        keys.update(events.article_key(pk) for pk in citing.order_by().values_list("pk", flat=True))
    if users:
        named = Article.objects.filter(contributors__in=users).order_by().values_list("pk")
        reviewed = (
            ArticleVersion.objects.filter(Q(approved_by__in=users) | Q(reviewers__in=users))
            .order_by()
            .values_list("article_id")
        )
        keys.update(events.article_key(pk) for (pk,) in named.union(reviewed))
        if BoardMember.objects.filter(user_id__in=users).exists():
            keys.add(events.BOARD)
    return keys


def pages_changed(sender, *, keys: frozenset[str], **kwargs) -> None:
    """Something public pages show changed: their keys are invalidated in the writer's
    transaction, and purged from the edge once it commits."""
    shown = page_keys(keys)
    freshness.invalidate(shown)
    purge.purge_queue(keys=shown)


def version_published(sender, *, version, **kwargs) -> None:
    """Render the approved text once it is committed, so its first reader does not wait for it."""
    transaction.on_commit(lambda: rendered_body_prepare(version_id=version.pk))


def connect_receivers() -> None:
    events.changed.connect(pages_changed, dispatch_uid="public-pages-changed")
    events.published.connect(version_published, dispatch_uid="public-version-published")
