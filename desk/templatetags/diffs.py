"""Diffs in templates: ``{{ change.segments|phrases }}`` writes each change as <del> then <ins>."""

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

_HTML = {"del": "<del>{}</del>", "ins": "<ins>{}</ins>", "same": "{}"}


@register.filter
def phrases(segments) -> SafeString:
    """The segments of ``desk.diff.phrase_diff`` as HTML, every text escaped."""
    return mark_safe("".join(format_html(_HTML[s.op], s.text) for s in segments))  # noqa: S308
