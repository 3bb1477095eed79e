"""Public search entries: kept in step with what readers are shown of each article."""

from __future__ import annotations

from django.conf import settings

from articles.interchange.jsonformat import content_from_document
from articles.models import Article, ArticleSearchEntry
from articles.visibility import Shown, shown_for


def search_entry_refresh(article: Article) -> None:
    """Bring the article's public search entry in line with what readers now see.

    Called by every service that changes which version readers see. Pending
    articles are always indexed (the site may hide them at read time, by the
    rule of ``articles.visibility``); drafts never approved and retracted
    articles have no entry.
    """
    shown = shown_for(article, pending_shown=True)
    if shown is None:
        ArticleSearchEntry.objects.filter(article_id=article.pk).delete()
        return
    if shown == Shown.APPROVED:
        version = article.published_version
        content = content_from_document(version.content)
        title, heading, shown_updated = content.title, content.display_heading, version.last_updated
        texts = [(claim.text, claim.plain_text) for claim in content.claims]
    else:
        title, heading, shown_updated = article.title, article.display_heading, article.last_updated
        texts = article.claims.order_by("position", "pk").values_list("text", "plain_text")
    body = "\n".join(line for pair in texts for line in pair if line)
    fields = {
        "title": title,
        "display_heading": heading,
        "body": body,
        "shown_updated": shown_updated,
    }
    if settings.IS_POSTGRES:
        fields["search_vector"] = ArticleSearchEntry.document(
            title=title, display_heading=heading, body=body
        )
    # Insert, or update the entry there is: one statement on both databases.
    ArticleSearchEntry.objects.bulk_create(
        [ArticleSearchEntry(article_id=article.pk, **fields)],
        update_conflicts=True,
        unique_fields=["article"],
        update_fields=list(fields),
    )
