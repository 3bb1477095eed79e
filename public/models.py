"""What readers leave with us (follow-up questions) and site text editors may change."""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class FollowUpQuestion(models.Model):
    """A reader's follow-up question on an article, waiting in the editors' inbox."""

    class Status(models.TextChoices):
        NEW = "new", "New"
        DISMISSED = "dismissed", "Dismissed"
        CONVERTED = "converted", "Converted to an article"

    MAX_LENGTH = 1000

    article = models.ForeignKey(
        "articles.Article", on_delete=models.CASCADE, related_name="follow_up_questions"
    )
    question = models.TextField(max_length=MAX_LENGTH)
    # Which wording the reader was shown, so editors know whom they are answering.
    audience = models.CharField(max_length=16, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    status = models.CharField(
        max_length=16, choices=Status.choices, default=Status.NEW, db_index=True
    )
    # A keyed hash of the client address: enough to spot floods, never the address itself.
    client_hash = models.CharField(max_length=64, blank=True)
    converted_article = models.ForeignKey(
        "articles.Article", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.question[:80]


# The wording of the professional disclaimer on the source pages, under this site's name;
# shown whenever no edited text is stored.
DEFAULT_DISCLAIMER = (
    "This information is intended for healthcare professionals. Any medical decision-making "
    "should rely on clinical judgment and independently verified information. The content "
    "provided herein does not replace professional discretion and should be considered "
    "supplementary to established clinical guidelines. Healthcare providers should verify all "
    "information against primary literature and current practice standards before application "
    "in patient care. Medical Answers assumes no liability for clinical decisions based on "
    "this content."
)

# Patients and caregivers who chose their audience are spoken to as such.
DEFAULT_PATIENT_DISCLAIMER = (
    "This page is for general information and does not replace advice from your own doctor, "
    "nurse or pharmacist, who knows your health. Do not start, stop or change a medicine or "
    "a treatment because of what you read here without asking them first. If you feel very "
    "unwell or think it is an emergency, call your local emergency number."
)


class SiteText(models.Model):
    """A piece of fixed wording on the public pages that site admins may edit."""

    DISCLAIMER = "disclaimer"
    PATIENT_DISCLAIMER = "disclaimer-patient"  # shown to readers who chose "Patient or caregiver"
    DEFAULTS = {DISCLAIMER: DEFAULT_DISCLAIMER, PATIENT_DISCLAIMER: DEFAULT_PATIENT_DISCLAIMER}

    key = models.SlugField(max_length=64, unique=True)
    text = models.TextField(help_text="Plain text; blank lines separate paragraphs.")
    # Part of the public page's cache key, so an edit shows at once on every server.
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["key"]

    def __str__(self) -> str:
        return self.key


class SiteGeneration(models.Model):
    """One row: a counter raised by every write that can change a public page.

    Kept pages remember the value they were rendered under; a page is current
    while none of the keys it names has been stamped with a higher one
    (``PageKeyGeneration``, see ``public.freshness``). The counter is raised
    inside the writing transaction, so it can never say "nothing changed" about
    a change that is committed.
    """

    value = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return str(self.value)


class PageKeyGeneration(models.Model):
    """The site generation at which pages naming ``key`` last changed (``public.freshness``)."""

    key = models.CharField(max_length=200, unique=True)
    generation = models.BigIntegerField()

    def __str__(self) -> str:
        return f"{self.key}@{self.generation}"


class EdgePurge(models.Model):
    """Keys to purge from the CDN, written with the change and sent after it commits.

    Sent to every address in ``CDN_PURGE_URLS`` by the task worker
    (``public.purge``), retried with a growing delay until every one answers; never
    given up on, since a page the edge still holds could show a retracted article.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"

    keys = models.TextField(help_text="Space-separated page keys.")
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.QUEUED, db_index=True
    )
    # Times the worker sent it to every address (after the committing process's own sending).
    sends = models.PositiveIntegerField(default=0)
    failures = models.PositiveIntegerField(default=0, help_text="Failed attempts so far.")
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.keys} ({self.status})"


class RenderedBody(models.Model):
    """The HTML of an approved version's text, rendered once for one audience.

    An approved version never changes, so its claims and references are
    rendered when it is first shown and read back afterwards. The parts of the
    page that can change without a new approval (reviewers' names, the policy
    in force, the disclaimer, the review history) are not in it. A release that
    changes those templates changes ``public.rendered.template_version()``, and each
    body is rendered again the first time it is next shown.
    """

    version = models.ForeignKey(
        "articles.ArticleVersion", on_delete=models.CASCADE, related_name="rendered_bodies"
    )
    audience = models.CharField(max_length=16)
    template_version = models.CharField(max_length=16)
    html = models.TextField()
    # What the page around the body needs of the content, so it never decodes the snapshot:
    # title, description, has_plain_language, structured (schema.org fields of the content).
    facts = models.JSONField(default=dict)
    rendered_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["version", "audience"], name="rendered_body_one_per_audience"
            )
        ]

    def __str__(self) -> str:
        return f"{self.version_id}/{self.audience}@{self.template_version}"
