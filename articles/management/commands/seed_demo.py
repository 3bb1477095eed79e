"""Load the demo users, board profiles, editorial policy, seed pages and an article in every state; safe to run again.

It ends with where to start: the site's address and the demo logins are the last
lines it prints (``make run`` starts the server straight after). The mail the demo's
steps cause stays in the outbox, readable in the admin; one line says how much.
"""

import datetime
from pathlib import Path

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.management.base import BaseCommand
from django.db import transaction
from django.urls import reverse

from articles.demo import demo_articles_create
from articles.imports import article_import, importer_user
from articles.interchange import parse_bytes
from articles.models import Article, EditorialPolicy
from articles.permissions import (
    BOARD_REVIEWERS,
    EDITORS,
    EDITORS_IN_CHIEF,
    SITE_ADMINS,
    sync_groups,
)
from board.demo import board_demo_create, specialties_create
from board.models import BoardMember
from editorial.urls_absolute import absolute_url
from outbox.models import OutboundEmail

DEMO_PASSWORD = "review-demo-2026"
SEED_DIR = Path(__file__).resolve().parents[3] / "data" / "seeds"

DEMO_USERS = [
    # username, first, last, group, superuser
    ("editor", "Elena", "Marsh", EDITORS, False),
    ("editor2", "Tom", "Okafor", EDITORS, False),
    ("reviewer", "Priya", "Raman", BOARD_REVIEWERS, False),
    ("reviewer2", "Daniel", "Weiss", BOARD_REVIEWERS, False),
    ("chief", "Grace", "Adeyemi", EDITORS_IN_CHIEF, False),
    ("admin", "Site", "Admin", SITE_ADMINS, True),
]

BOARD = {
    "reviewer": dict(
        name="Dr. Priya Raman",
        credentials="MD",
        specialty="Neurology",
        bio="Consultant neurologist with a clinical focus on spasticity and movement disorders.",
        disclosures="No relevant financial relationships.",
    ),
    "reviewer2": dict(
        name="Daniel Weiss",
        credentials="PharmD",
        specialty="Clinical pharmacy",
        bio="Clinical pharmacist specialising in medication safety and dosing in renal impairment.",
        disclosures="Has received speaker fees from a hospital pharmacy association.",
    ),
}

POLICY_V1 = """Every article answers one reader's question with claims that cite their sources.

Editors draft articles and cite a reference for each statement of fact. A member of our Medical Advisory Board, who did not write the article, checks every claim against the references it cites before the article is approved.

Until an article is approved it is shown with a notice that it is pending human review. When an approved article is corrected, the correction is reviewed in the same way, and the article's review history says what changed and when.

Content is for education and does not replace professional medical advice."""


class Command(BaseCommand):
    help = "Create the demo users, board profiles and editorial policy v1 (idempotent)."

    @transaction.atomic
    def handle(self, *args, **options):
        mail_before = OutboundEmail.objects.count()
        sync_groups(Group, Permission)
        User = get_user_model()
        for username, first, last, group_name, superuser in DEMO_USERS:
            user, created = User.objects.get_or_create(
                username=username,
                defaults={
                    "first_name": first,
                    "last_name": last,
                    "email": f"{username}@example.org",
                },
            )
            if created:
                user.set_password(DEMO_PASSWORD)
            user.is_staff = superuser
            user.is_superuser = superuser
            user.save()
            user.groups.add(Group.objects.get(name=group_name))
            if username in BOARD:
                BoardMember.objects.update_or_create(user=user, defaults=BOARD[username])
        EditorialPolicy.objects.get_or_create(
            version=1,
            defaults={
                "title": "Editorial policy",
                "body": POLICY_V1,
                "effective_date": datetime.date(2025, 1, 1),
            },
        )
        specialties_create()
        self._import_seed_articles()
        users = {
            u.username: u for u in User.objects.filter(username__in=[u[0] for u in DEMO_USERS])
        }
        for slug in demo_articles_create(
            editor=users["editor"],
            other_editor=users["editor2"],
            reviewer=users["reviewer"],
            other_reviewer=users["reviewer2"],
            admin=users["admin"],
        ):
            self.stdout.write(f"Demo article: /articles/{slug}/")
        board_demo_create(users=users)
        self._where_to_start(mail=OutboundEmail.objects.count() - mail_before)

    def _where_to_start(self, *, mail: int) -> None:
        """The last lines: the demo's mail in one line, then the address and the logins."""
        outbox = absolute_url(reverse("admin:outbox_outboundemail_changelist"))
        if mail:
            self.stdout.write(
                f"{mail} demo mail{'s are' if mail != 1 else ' is'} in the outbox: {outbox}"
            )
        self.stdout.write(f"The site: {absolute_url('/')}")
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        for username, _first, _last, group_name, _ in DEMO_USERS:
            self.stdout.write(f"  {username:<10} {group_name}")

    def _import_seed_articles(self):
        """Import the seed pages once; later runs leave them as the demo users left them."""
        from django.utils.text import slugify

        for path in sorted(SEED_DIR.glob("*.txt")):
            content = parse_bytes(path.read_bytes(), filename=path.name)
            if Article.objects.filter(slug=slugify(content.title)).exists():
                continue
            result = article_import(content=content, by=importer_user(), source_name=path.name)
            self.stdout.write(f"Imported {path.name}: /articles/{result.article.slug}/")
