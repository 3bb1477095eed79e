"""Attempt counters for log-in and password-reset throttling, kept in the database.

They live in the database rather than the cache so that a cache outage or
eviction neither loses them nor stops anyone logging in, and so that one
atomic statement counts an attempt before its password is checked.
"""

from django.db import models


class AttemptCounter(models.Model):
    """Attempts under one key (such as a username and client) in the current window."""

    key = models.CharField(max_length=80, unique=True)
    count = models.PositiveIntegerField(default=0)
    # Seconds since the epoch when the window opened; a float keeps the SQL the same on
    # SQLite and PostgreSQL.
    window_start = models.FloatField(db_index=True)

    def __str__(self) -> str:
        return f"{self.key}: {self.count}"
