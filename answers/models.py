"""The index of reviewed claims that answer readers' questions, and what editors keep for it."""

from __future__ import annotations

from django.contrib.postgres.search import SearchVectorField
from django.db import models

AUDIENCES = ("professional", "patient")


class ClaimEntry(models.Model):
    """One verified claim of an approved version, in one audience's wording, ready to be quoted.

    Written by ``answers.services.claim_index_publish`` from the version readers are shown,
    never from working rows; everything an answer shows (text, citations, reviewer, date)
    is copied here, so a retrieval is one query.
    """

    article = models.ForeignKey(
        "articles.Article", on_delete=models.CASCADE, related_name="answer_entries"
    )
    version = models.ForeignKey(
        "articles.ArticleVersion", on_delete=models.CASCADE, related_name="+"
    )
    audience = models.CharField(max_length=16)
    claim_uid = models.CharField(max_length=64, blank=True)
    # The claim's place among the article's claims (1..n), as on the article page.
    number = models.PositiveIntegerField()
    # Verbatim what readers of this audience read: the approved wording, nothing added.
    text = models.TextField()
    question = models.TextField()  # the article's question in the approved version
    section = models.TextField(blank=True)  # the heading the claim stands under
    # The cited references: [{"number", "title", "source", "year", "doi", "pmid", "url"}].
    citations = models.JSONField(default=list)
    reviewer = models.CharField(max_length=200)
    reviewed_on = models.DateField()
    # Stems (``answers.text``) of the claim, and of its question and headings, padded with spaces.
    terms = models.TextField()
    context_terms = models.TextField(blank=True)
    # PostgreSQL only: the claim (weight A) and its context (weight B); GIN-indexed.
    search_vector = SearchVectorField(null=True, editable=False)

    class Meta:
        verbose_name_plural = "claim entries"
        ordering = ["article_id", "audience", "number"]
        indexes = [models.Index(fields=["audience", "article"], name="answers_entry_audience")]

    def __str__(self) -> str:
        return self.text[:80]


class IndexWord(models.Model):
    """A word found in the indexed claims: what a misspelt word of a question is corrected to."""

    word = models.CharField(max_length=64, primary_key=True)

    def __str__(self) -> str:
        return self.word


class EmergencyTerm(models.Model):
    """Words that suggest a reader may need urgent care; editors keep the list in the admin."""

    phrase = models.CharField(
        max_length=100,
        unique=True,
        help_text="Matched as whole words, in any case, anywhere in the question.",
    )
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["phrase"]

    def __str__(self) -> str:
        return self.phrase


class FollowUpAnswer(models.Model):
    """What a reader's follow-up question was answered with, kept for the editors' inbox."""

    question = models.OneToOneField(
        "public.FollowUpQuestion",
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="answer",
    )
    answered = models.BooleanField()
    urgent = models.BooleanField(default=False)
    # The question's terms, sorted: the same question asked again has the same key.
    key = models.CharField(max_length=200, db_index=True)
    # The closest claims, shown or not: [{"slug", "question", "number", "text", "score"}].
    closest = models.JSONField(default=list, blank=True)

    def __str__(self) -> str:
        return f"{'answered' if self.answered else 'unanswered'}: {self.key}"
