"""Template helpers that put screening results beside what desk and public templates show."""

from django import template

from screening import selectors

register = template.Library()


@register.simple_tag
def article_screening(article):
    """``{% article_screening article as screening %}``: once per page (1 to 3 queries)."""
    return selectors.article_screening(article=article)


@register.simple_tag
def article_open_flags(article):
    """``{% article_open_flags article as flags %}``: the open flags (1 query)."""
    return selectors.flag_list_open(article=article)


@register.filter
def citation_screening(screening, citation):
    """What the screening says about one citation, or None when nothing."""
    if not screening:
        return None
    return screening.for_citation(citation)


@register.filter
def notice_for(notices, number):
    """The open flag beside reference ``number`` on the public page, or None."""
    if not notices:
        return None
    return notices.by_number.get(number)
