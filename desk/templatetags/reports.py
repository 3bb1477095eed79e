"""Numbers of the reports page: ``{{ seconds|hours }}``, as the CSV files write them."""

from django import template

from desk.reporting import hours as hours_text

register = template.Library()


@register.filter
def hours(seconds) -> str:
    """A length of time in hours with one decimal ("—" when there is none)."""
    return hours_text(seconds) or "—"
