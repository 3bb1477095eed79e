"""Templates ask ``articles.policy`` too: ``{% can user "edit" article as editable %}``."""

from django import template

from articles import policy

register = template.Library()


@register.simple_tag
def can(user, action: str, article=None) -> bool:
    """Whether ``user`` may take ``action`` (a workflow step, "edit" or "verify") now."""
    return policy.can(user, action, article)


@register.filter
def is_reviewer(user) -> bool:
    return policy.is_reviewer(user)


@register.filter
def may_read_reports(user) -> bool:
    return policy.may_read_reports(user)


@register.filter
def role_names(user) -> str:
    return ", ".join(policy.role_names(user))
