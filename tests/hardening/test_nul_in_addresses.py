"""A NUL character in an address or its query string is never a 500.

PostgreSQL cannot hold NUL in text at all, so a value that reaches a query with one
raises there; each door must stop it first (forms prohibit it; free-text lookups drop
it). Run on both databases: SQLite would accept what PostgreSQL refuses.
"""

from __future__ import annotations

import pytest
from django.test import Client

from tests.factories import approved_article

NUL = "%00"


def addresses(article) -> list[str]:
    desk = f"/desk/articles/{article.pk}"
    return [
        f"/search/?q=baclofen{NUL}",
        f"/answers/?q=dose{NUL}&audience=patient{NUL}",
        f"{article.get_absolute_url()}?audience={NUL}",
        f"/?page={NUL}",
        f"/desk/articles/?q=x{NUL}&state=draft{NUL}",
        f"/desk/references/?q=x{NUL}",
        f"{desk}/editor/?after={NUL}&undo=delete&uid={NUL}",
        f"{desk}/timeline/?kind={NUL}",
        f"{desk}/edit/?format={NUL}",
        f"/desk/reports/?start={NUL}&end={NUL}",
        f"/desk/notifications/?page={NUL}",
        f"/api/articles/?updated_since={NUL}",
        f"/api/answers/?q=dose{NUL}",
        f"/api/articles/{NUL}/",
        f"/articles/x{NUL}/",
    ]


@pytest.fixture
def article(editor, reviewer, policy):
    return approved_article(by=editor, reviewer=reviewer)


@pytest.mark.parametrize("role", ["anonymous", "editor", "reviewer", "admin"])
def test_nul_in_any_address_is_answered_without_a_server_error(roles, role, article):
    user = roles[role]
    client = Client(raise_request_exception=False)
    if user.is_authenticated:
        client.force_login(user)
    failures = []
    for address in addresses(article):
        status = client.get(address).status_code
        if status >= 500:
            failures.append(f"{address}: {status}")
    assert not failures, "\n".join(failures)
