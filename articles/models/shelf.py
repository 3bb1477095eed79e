"""An article's shelf: library references gathered for it before (or without) being cited."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class ArticleReference(models.Model):
    """A library reference an editor put by for an article, to cite it first.

    Desk-only: readers never see the shelf and no fingerprint includes it, so
    it may change in any state without touching what the board reviewed.
    """

    article = models.ForeignKey(
        "articles.Article", on_delete=models.CASCADE, related_name="shelf_entries"
    )
    reference = models.ForeignKey(
        "articles.Reference", on_delete=models.PROTECT, related_name="shelf_entries"
    )
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["added_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["article", "reference"], name="article_reference_once_per_article"
            )
        ]

    def __str__(self) -> str:
        return f"{self.reference} for article {self.article_id}"
