"""Retraction screening's pages in a real browser: accessible (axe) and valid HTML (vnu)."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from screening.models import ScreeningRun
from tests.browser import assert_no_axe_violations, assert_valid_html_many
from tests.factories import (
    approved_article,
    make_editor,
    make_policy,
    make_reviewer,
    under_review_article,
)
from tests.screening.conftest import cited_content, paper
from tests.screening.csv_support import record, write_csv

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def screened(tmp_path):
    """An approved article flagged by a later import, and one under review citing the paper."""
    make_policy()
    editor, reviewer = make_editor("e2e-editor"), make_reviewer("e2e-reviewer")
    flagged = approved_article(
        by=editor, reviewer=reviewer, content=cited_content(paper(1, doi="10.1000/a"))
    )
    rows = [
        record(1, OriginalPaperDOI="10.1000/a", RetractionDate="3/14/2024 0:00"),
        record(2, OriginalPaperDOI="10.1000/b", RetractionNature="Correction"),
    ]
    call_command("import_retractions", str(write_csv(tmp_path / "rw.csv", rows)), "--no-progress")
    in_review = under_review_article(
        by=editor,
        reviewer=reviewer,
        content=cited_content(
            paper(1, doi="10.1000/a"), paper(2, doi="10.1000/b"), title="Is baclofen safe?"
        ),
    )
    return {"flagged": flagged, "in_review": in_review, "reviewer": reviewer}


def test_screening_pages_are_accessible_and_valid(live_server, screened, new_page):
    run = ScreeningRun.objects.get()
    desk = Client()
    desk.force_login(screened["reviewer"])
    documents = {}
    paths = {
        "flagged article": (Client(), screened["flagged"].get_absolute_url()),
        "review with notices": (
            desk,
            reverse("desk:review", kwargs={"pk": screened["in_review"].pk}),
        ),
        "flagged article at the desk": (
            desk,
            reverse("desk:article", kwargs={"pk": screened["flagged"].pk}),
        ),
        "dashboard": (desk, reverse("desk:dashboard")),
        "screening queue": (desk, reverse("screening:queue")),
        "screening run": (desk, reverse("screening:run", kwargs={"pk": run.pk})),
    }
    for name, (who, path) in paths.items():
        response = who.get(path)
        assert response.status_code == 200, name
        documents[name] = response.content.decode()
    assert "Retracted in March 2024" in documents["flagged article"]
    assert_valid_html_many(documents)
    tab = new_page(width=1280, height=900)
    response = tab.goto(live_server.url + screened["flagged"].get_absolute_url())
    assert response.status == 200
    assert_no_axe_violations(tab)
