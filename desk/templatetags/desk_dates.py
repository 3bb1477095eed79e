"""Dates as the desk's tables show them, formatted once per day rather than once per row."""

import datetime
from functools import lru_cache

from django import template
from django.utils import timezone, translation
from django.utils.dateformat import format as date_format

register = template.Library()


@lru_cache(maxsize=2048)
def _formatted(day: datetime.date, language: str) -> str:
    return date_format(day, "M j, Y")


@register.filter
def short_date(value) -> str:
    """``value|date:"M j, Y"`` (a time in the current time zone's day), and the same words.

    A table of dates formats the same few days over and over; the month's name is
    looked up in the language once per day instead of once per cell.
    """
    if not value:
        return ""
    if isinstance(value, datetime.datetime):
        value = timezone.localdate(value) if timezone.is_aware(value) else value.date()
    return _formatted(value, translation.get_language() or "")
