"""Templates ask ``articles.policy`` too: ``{% can user "edit" article as editable %}``."""

from django import template

from articles import policy, roles, steps

register = template.Library()


@register.simple_tag
def can(user, action: str, article=None) -> bool:
    """Whether ``user`` may take ``action`` (a workflow step, "edit" or "verify") now.

    A workflow step is asked of its record (``articles.steps``), anything else of the policy.
    """
    step = steps.named(action)
    if step is not None:
        return article is not None and step.can(user, article)
    return policy.can(user, action, article)


@register.filter
def is_reviewer(user) -> bool:
    return roles.is_reviewer(user)


@register.filter
def may_read_reports(user) -> bool:
    return policy.may_read_reports(user)


@register.filter
def role_names(user) -> str:
    return ", ".join(policy.role_names(user))
