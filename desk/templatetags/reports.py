"""Numbers of the reports page in words: ``{{ seconds|duration }}``."""

from django import template

from desk.reporting import duration as duration_words

register = template.Library()


@register.filter
def duration(seconds) -> str:
    """A length of time in minutes, hours or days ("—" when there is none)."""
    return duration_words(seconds)
