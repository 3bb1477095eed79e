"""The desk header's link to the notifications, with the unread count (one query, desk only)."""

from django import template

from notifications.selectors import notification_count_unread

register = template.Library()


@register.inclusion_tag("notifications/_nav_item.html", takes_context=True)
def notifications_nav_item(context):
    """Loaded by the desk's base template only: public pages never pay for the count."""
    user = context.get("user")
    return {"unread": notification_count_unread(user=user)}
