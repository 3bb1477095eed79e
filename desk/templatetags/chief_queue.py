"""The editor-in-chief's queue in the desk header: how many articles each of their lists holds."""

from django import template

from articles import roles
from desk.chief_queue import chief_queue_counts
from desk.dashboard import Dashboard

register = template.Library()


@register.inclusion_tag("desk/_chief_queue_nav.html", takes_context=True)
def chief_queue_nav(context):
    """Loaded by the desk's base template only; no query for anyone but an editor-in-chief.

    The dashboard has counted its lists already; every other desk page counts them
    (2 queries).
    """
    user = context.get("user")
    if not roles.is_editor_in_chief(user):
        return {"counts": []}
    board = context.get("board")
    if isinstance(board, Dashboard) and board.chief is not None:
        return {"counts": board.chief.counts}
    return {"counts": chief_queue_counts()}
