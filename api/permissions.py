"""Who may use the write API: editors, with the same permissions as at the desk."""

from __future__ import annotations

from rest_framework import permissions

from articles.workflow import PERM_EDIT, PERM_SUBMIT


class IsEditor(permissions.BasePermission):
    """Writing drafts needs both editing and submitting rights; reviewers get 403."""

    message = "Only editors may draft and submit articles through the API."

    def has_permission(self, request, view) -> bool:
        user = request.user
        return bool(
            user
            and user.is_authenticated
            and user.is_active
            and user.has_perm(PERM_EDIT)
            and user.has_perm(PERM_SUBMIT)
        )
