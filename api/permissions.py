"""Who may use the write API: editors, as ``articles.policy`` defines them."""

from __future__ import annotations

from rest_framework import permissions

from articles import roles


class IsEditor(permissions.BasePermission):
    """Drafting and submitting are for editors; reviewers' and readers' tokens get 403."""

    message = "Only editors may draft and submit articles through the API."

    def has_permission(self, request, view) -> bool:
        return roles.is_editor(request.user)
