"""Roles as Django groups, and the permissions each one holds.

The groups are created by a data migration and kept in step by ``seed_demo``.
Whether a user may do something is asked of ``articles.policy``, never here.
"""

from __future__ import annotations

EDITORS = "Editors"
# The account imports are recorded under when no person is named (``articles.imports``).
IMPORTER_USERNAME = "importer"
BOARD_REVIEWERS = "Board reviewers"
SITE_ADMINS = "Site admins"
EDITORS_IN_CHIEF = "Editors-in-chief"

_READ_CONTENT = [
    "articles.view_article",
    "articles.view_claim",
    "articles.view_citation",
    "articles.view_reference",
    "articles.view_editorialpolicy",
    "board.view_boardmember",
    "articles.view_articletransition",
    "articles.view_articleversion",
]

GROUP_PERMISSIONS: dict[str, list[str]] = {
    EDITORS: [
        *_READ_CONTENT,
        "articles.add_article",
        "articles.change_article",
        "articles.submit_article",
        "articles.add_claim",
        "articles.change_claim",
        "articles.delete_claim",
        "articles.add_citation",
        "articles.change_citation",
        "articles.delete_citation",
        "articles.add_reference",
        "articles.change_reference",
    ],
    BOARD_REVIEWERS: [
        *_READ_CONTENT,
        "articles.review_article",
        "articles.view_claimreview",
        "articles.add_claimreview",
    ],
    SITE_ADMINS: [
        *_READ_CONTENT,
        "articles.retract_article",
        "articles.change_editorialpolicy",
        "articles.add_editorialpolicy",
        "board.change_boardmember",
        "board.add_boardmember",
        # The board's specialty list and its members' credentials (renewals, expiry dates).
        "board.view_specialty",
        "board.add_specialty",
        "board.change_specialty",
        "board.view_credential",
        "board.add_credential",
        "board.change_credential",
        "board.delete_credential",
    ],
    # Assign submitted articles to reviewers with due dates, and read the board reports.
    EDITORS_IN_CHIEF: [
        *_READ_CONTENT,
        "board.assign_reviewers",
        "board.view_reviewassignment",
        "board.view_conflictdeclaration",
        "board.view_specialty",
        "board.view_credential",
    ],
}


def sync_groups(group_model, permission_model, *, apps_migrated=None) -> None:
    """Create the role groups and give each exactly its permissions.

    A data migration passes ``apps_migrated``, the apps whose models exist at its
    point in the history: permissions of later apps are granted by their own
    migration, which calls this again.
    """
    for group_name, permissions in GROUP_PERMISSIONS.items():
        group, _ = group_model.objects.get_or_create(name=group_name)
        wanted = []
        for dotted in permissions:
            app_label, codename = dotted.split(".")
            if apps_migrated is not None and app_label not in apps_migrated:
                continue
            found = permission_model.objects.filter(
                content_type__app_label=app_label, codename=codename
            ).first()
            if found is None and apps_migrated is None:
                raise permission_model.DoesNotExist(f"No permission {dotted}.")
            if found is not None:
                # A migration earlier than the model's own (the board's members were
                # part of the articles app at first) grants it when the model is made.
                wanted.append(found)
        group.permissions.set(wanted)


def sync_groups_in_migration(apps, *, apps_migrated: set[str]) -> None:
    """``sync_groups`` from a data migration, with the permissions of ``apps_migrated`` made.

    Django creates permissions after all migrations have run; a data migration that
    grants them has to create those of the apps migrated so far itself.
    """
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, verbosity=0)
        app_config.models_module = None
    sync_groups(
        apps.get_model("auth", "Group"),
        apps.get_model("auth", "Permission"),
        apps_migrated=apps_migrated,
    )
