"""The states an article moves through, and which of them readers may see."""

from __future__ import annotations

from django.db import models


class ArticleState(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted"
    UNDER_REVIEW = "under_review", "Under review"
    APPROVED = "approved", "Approved"
    # Stored as "archived" since the first release; the value stays so old rows keep meaning.
    RETRACTED = "archived", "Retracted"


# Submitted to the board and not yet decided: readers may see these with the
# caution banner while the site shows pending articles (SHOW_PENDING_ARTICLES).
PENDING_STATES = (ArticleState.SUBMITTED, ArticleState.UNDER_REVIEW)
