"""What readers may find: one search entry per public article."""

from __future__ import annotations

from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.db import models


class ArticleSearchEntry(models.Model):
    """What readers may find of one article: the text of the version they are shown.

    Kept in step by ``articles.services`` whenever an article's public face
    changes, so public search reads one row per article instead of decoding
    snapshots. There is a row only for articles readers may see: approved
    ones (searched in their approved snapshot, whatever revision is in
    progress) and pending ones (which the site may still hide at read time).
    """

    article = models.OneToOneField(
        "articles.Article", on_delete=models.CASCADE, primary_key=True, related_name="search_entry"
    )
    title = models.TextField()
    display_heading = models.TextField(blank=True)
    # Every claim's text, each followed by its plain-language version.
    body = models.TextField(blank=True)
    shown_updated = models.DateField()
    # PostgreSQL only: title, heading and body as one weighted document (see
    # ``document``), GIN-indexed by migration 0004; on SQLite it stays empty.
    search_vector = SearchVectorField(null=True, editable=False)

    class Meta:
        verbose_name_plural = "article search entries"
        # The home page lists entries newest first (public.selectors.article_list_public).
        indexes = [models.Index(fields=["-shown_updated", "-article"], name="search_entry_recent")]

    def __str__(self) -> str:
        return self.title

    @staticmethod
    def document(*, title: str, display_heading: str, body: str):
        """The weighted full-text document of these texts: the question counts most."""
        return (
            SearchVector(models.Value(title), weight="A", config="english")
            + SearchVector(models.Value(display_heading), weight="B", config="english")
            + SearchVector(models.Value(body), weight="C", config="english")
        )
