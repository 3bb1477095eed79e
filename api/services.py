"""Writes of the API app: issuing and revoking API tokens."""

from __future__ import annotations

import datetime
import hashlib
import secrets

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from api.models import ApiToken

PREFIX_LENGTH = 8


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


@transaction.atomic
def api_token_create(*, user, name: str) -> tuple[ApiToken, str]:
    """Issue a token for ``user``; returns the row and the secret, which is never stored."""
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": "Name the token after what will use it."})
    if not user.is_active:
        raise ValidationError({"user": "Inactive users cannot have API tokens."})
    key = secrets.token_urlsafe(32)
    token = ApiToken(user=user, name=name, key_prefix=key[:PREFIX_LENGTH], key_hash=hash_key(key))
    token.full_clean()
    token.save()
    return token, key


@transaction.atomic
def api_token_revoke(*, token: ApiToken) -> ApiToken:
    """Revoke a token for good; revoking twice keeps the first date."""
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token


# How often last_used_at is written: once a minute is precise enough and spares
# a write on every request.
LAST_USED_RESOLUTION = datetime.timedelta(minutes=1)


def api_token_note_use(*, token: ApiToken) -> None:
    """Record that the token was just used (at most one write a minute per token)."""
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
