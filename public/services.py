"""Writes of the public site: storing a reader's follow-up question."""

from __future__ import annotations

import hashlib
import hmac

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction

from articles.models import Article
from public.models import FollowUpQuestion

# Per client: this many questions per window; more are refused with 429.
RATE_LIMIT_COUNT = 5
RATE_LIMIT_WINDOW_SECONDS = 10 * 60


class RateLimited(Exception):
    """The client has sent too many questions lately."""


def client_hash(address: str) -> str:
    """A keyed hash of the client address: stable for rate limits, useless to anyone else."""
    return hmac.new(settings.SECRET_KEY.encode(), address.encode(), hashlib.sha256).hexdigest()


def followup_rate_limit_take(*, client: str) -> None:
    """Count one question against the client's allowance, or raise RateLimited.

    The counter lives in the shared cache (Redis in production), so the limit
    holds across processes and servers.
    """
    key = f"followup-rate:{client}"
    cache.add(key, 0, RATE_LIMIT_WINDOW_SECONDS)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, RATE_LIMIT_WINDOW_SECONDS)
        count = 1
    if count > RATE_LIMIT_COUNT:
        raise RateLimited


@transaction.atomic
def followup_question_create(
    *, article: Article, question: str, client: str, audience: str = ""
) -> FollowUpQuestion:
    """A reader asks a follow-up question on an article; it waits in the editors' inbox."""
    question = (question or "").strip()
    if not question:
        raise ValidationError({"question": "Write your question."})
    if len(question) > FollowUpQuestion.MAX_LENGTH:
        raise ValidationError(
            {"question": f"Keep your question under {FollowUpQuestion.MAX_LENGTH} characters."}
        )
    followup = FollowUpQuestion(
        article=article, question=question, client_hash=client, audience=audience
    )
    followup.full_clean()
    followup.save()
    return followup
