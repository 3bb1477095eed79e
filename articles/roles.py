"""Who a user is at the desk: the roles, read from the permissions their groups hold.

Roles are Django groups holding permissions (``articles.permissions``); a role is
asked of the user alone, never of an article. The per-article rules built on them
are ``articles.policy``'s and the board's (``board.rules``), which both ask here: this
module imports no rule, so either may import it at the top.
"""

from __future__ import annotations

# Permission codenames (app label "articles"); granted to groups by a data migration.
PERM_EDIT = "articles.change_article"
PERM_SUBMIT = "articles.submit_article"
PERM_REVIEW = "articles.review_article"
PERM_RETRACT = "articles.retract_article"
PERM_ASSIGN = "board.assign_reviewers"


def _active(user) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def is_editor(user) -> bool:
    """Editors draft, edit, submit and revise articles (the Editors group holds both rights)."""
    return _active(user) and user.has_perm(PERM_EDIT) and user.has_perm(PERM_SUBMIT)


def is_reviewer(user) -> bool:
    """Medical Advisory Board reviewers."""
    return _active(user) and user.has_perm(PERM_REVIEW)


def is_site_admin(user) -> bool:
    """Site admins retract articles and keep the policy, the board and the site texts."""
    return _active(user) and user.has_perm(PERM_RETRACT)


def is_editor_in_chief(user) -> bool:
    """Editors-in-chief assign reviewers with due dates and read the board reports."""
    return _active(user) and user.has_perm(PERM_ASSIGN)
