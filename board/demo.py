"""Demo data for running the board: specialties, credentials, topics and an assignment.

``seed_demo`` calls ``board_demo_create`` after the demo users and articles exist;
every row is made only if missing, so running it again changes nothing.
"""

from __future__ import annotations

import datetime

from django.utils import timezone

from articles.models import Article
from articles.states import ArticleState
from board.models import BoardMember, Credential, ReviewAssignment, Specialty

SPECIALTIES = [
    # name, slug, required approvals, re-review after days (None: the site settings)
    ("Neurology", "neurology", None, None),
    ("Pharmacology", "pharmacology", None, 180),
    ("Paediatrics", "paediatrics", None, None),
    ("Oncology", "oncology", 2, 180),
]

# username: specialties and credentials (name, issued by, days until expiry or None)
MEMBERS = {
    "reviewer": (
        ("neurology", "pharmacology"),
        [
            ("Board certification, Neurology", "American Board of Psychiatry and Neurology", 20),
            ("Medical licence", "General Medical Council", None),
        ],
    ),
    "reviewer2": (
        ("pharmacology", "paediatrics"),
        [("Doctor of Pharmacy licence", "State Board of Pharmacy", 700)],
    ),
}


def specialties_create() -> None:
    """The managed specialty list (also the articles' topics)."""
    for name, slug, approvals, rereview in SPECIALTIES:
        Specialty.objects.get_or_create(
            slug=slug,
            defaults={
                "name": name,
                "required_approvals": approvals,
                "rereview_after_days": rereview,
            },
        )


def board_demo_create(*, users: dict) -> None:
    """Specialties and credentials of the demo reviewers, and an assignment with a due date."""
    today = timezone.localdate()
    for username, (slugs, credentials) in MEMBERS.items():
        member = BoardMember.objects.filter(user=users[username]).first()
        if member is None:
            continue
        member.specialties.add(*Specialty.objects.filter(slug__in=slugs))
        for name, issued_by, days in credentials:
            Credential.objects.get_or_create(
                member=member,
                name=name,
                defaults={
                    "issued_by": issued_by,
                    "expires_on": today + datetime.timedelta(days=days) if days else None,
                },
            )
    # The article under review is assigned to its reviewer, due in a week.
    article = (
        Article.objects.filter(state=ArticleState.UNDER_REVIEW, assigned_reviewer=users["reviewer"])
        .order_by("pk")
        .first()
    )
    if article is not None and not ReviewAssignment.objects.filter(article=article).exists():
        ReviewAssignment.objects.create(
            article=article,
            reviewer=users["reviewer"],
            assigned_by=users["chief"],
            due_on=today + datetime.timedelta(days=7),
        )
