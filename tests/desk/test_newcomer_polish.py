"""Two things a newcomer met: a revision sent without its public change summary, and where
`make run` leaves its address and logins."""

from __future__ import annotations

import re
import shlex
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse

from articles import services
from articles.management.commands.seed_demo import DEMO_PASSWORD, DEMO_USERS
from articles.states import ArticleState
from outbox.models import OutboundEmail
from tests.factories import approved_article

pytestmark = pytest.mark.django_db

MAKEFILE = Path(__file__).resolve().parents[2] / "Makefile"
CONSOLE_MAIL = "django.core.mail.backends.console.EmailBackend"


# -- A revision without its public change summary -------------------------------------


@pytest.fixture
def revision(editor, reviewer, policy):
    """An approved article its editor has started to revise: the summary is now required."""
    article = approved_article(by=editor, reviewer=reviewer)
    services.article_revise(article=article, by=editor)
    article.refresh_from_db()
    return article


def submit(client, article, **typed):
    url = reverse("desk:transition", kwargs={"pk": article.pk, "name": "submit"})
    return client.post(url, {"expected_version": article.content_version, **typed})


def test_a_revision_without_its_summary_shows_the_form_again_with_the_field_marked(
    client, editor, revision
):
    client.force_login(editor)
    note = "I rewrote the dosing claim & cited the label."
    response = submit(client, revision, summary="   ", note=note)
    assert response.status_code == 400
    page = response.content.decode()
    # The article's own page with its workflow form, not an error page.
    assert f'action="/desk/articles/{revision.pk}/submit/"' in page
    field = re.search(r'<input [^>]*name="summary"[^>]*>', page).group(0)
    assert 'aria-invalid="true"' in field
    assert 'aria-describedby="summary-error-submit summary-help-submit"' in field
    # The message is right after the field, under the id the field names.
    after = page[page.index(field) + len(field) :].lstrip()
    assert after.startswith('<p class="field-error" id="summary-error-submit">Say in one line')
    # The alert at the top of the form says it too, and leads to the field.
    assert '<a href="#summary-submit">Public change summary</a>: Say in one line' in page
    # What the editor typed is still there.
    assert 'value="   "' in field
    assert "I rewrote the dosing claim &amp; cited the label.</textarea>" in page
    revision.refresh_from_db()
    assert revision.state == ArticleState.DRAFT


def test_with_its_summary_the_revision_goes_to_the_board(client, editor, revision):
    client.force_login(editor)
    response = submit(client, revision, summary="Dosing claim rewritten.", note="")
    assert response.status_code == 302
    revision.refresh_from_db()
    assert revision.state == ArticleState.SUBMITTED


def test_before_a_submission_no_field_is_marked(client, editor, revision):
    client.force_login(editor)
    page = client.get(reverse("desk:article", kwargs={"pk": revision.pk})).content.decode()
    workflow = page[
        page.index('id="h-actions"') : page.index("</section>", page.index('id="h-actions"'))
    ]
    field = re.search(r'<input [^>]*name="summary"[^>]*>', workflow).group(0)
    assert "aria-invalid" not in field and "field-error" not in workflow
    assert "desk-errors" not in workflow


# -- `make run`: the address and the logins last ---------------------------------------


def run_recipe() -> list[str]:
    """The commands of the Makefile's ``run`` target, joined where a line continues."""
    lines = MAKEFILE.read_text().splitlines()
    start = lines.index("run: $(STAMP)") + 1
    recipe, joined = [], ""
    for line in lines[start:]:
        if not line.startswith("\t"):
            break
        joined += line.strip().rstrip("\\").strip() + " "
        if not line.endswith("\\"):
            recipe.append(joined.strip().lstrip("@"))
            joined = ""
    return recipe


def make_variable(name: str) -> str:
    return re.search(rf"^{name} :?= (.+)$", MAKEFILE.read_text(), re.M).group(1).strip()


def test_make_run_delivers_the_demo_mail_quietly_between_the_logins_and_the_server():
    recipe = run_recipe()
    steps = [
        next(i for i, c in enumerate(recipe) if word in c)
        for word in (
            "seed_demo",
            "outbox_worker --batch",
            "run_worker.sh",
            "runserver",
        )
    ]
    assert steps == sorted(steps)
    quiet = recipe[steps[1]]
    assert "--verbosity 0" in quiet
    assert quiet.startswith("EMAIL_BACKEND=$(DEMO_MAIL_BACKEND) ")
    assert make_variable("DEMO_MAIL_BACKEND") != CONSOLE_MAIL


def test_the_demo_ends_with_the_address_and_the_logins_and_prints_no_mail(capfd, monkeypatch):
    """`make run`'s steps before the server, as it runs them, with mail to the console."""
    # The worker closes stale connections between tasks; here that would close the test's
    # own connection, and its transaction with it.
    monkeypatch.setattr("outbox.worker.close_old_connections", lambda: None)
    out = StringIO()
    with override_settings(EMAIL_BACKEND=CONSOLE_MAIL):
        call_command("seed_demo", stdout=out)
        queued = OutboundEmail.objects.filter(status=OutboundEmail.Status.QUEUED).count()
        quiet = next(c for c in run_recipe() if "outbox_worker --batch" in c)
        args = shlex.split(quiet.split("manage.py outbox_worker", 1)[1])
        with override_settings(EMAIL_BACKEND=make_variable("DEMO_MAIL_BACKEND")):
            call_command("outbox_worker", *args)
    printed = capfd.readouterr()
    lines = out.getvalue().splitlines()
    logins = [f"  {username:<10} {group}" for username, _, _, group, _ in DEMO_USERS]
    assert lines[-len(DEMO_USERS) - 3 :] == [
        f"{queued} demo mails are in the outbox: http://127.0.0.1:8000/admin/outbox/outboundemail/",
        "The site: http://127.0.0.1:8000/",
        f"Demo logins (password for all: {DEMO_PASSWORD}):",
        *logins,
    ]
    assert queued >= 10  # the demo's steps tell the board and the editors
    # Nothing after the logins: no mail, no worker's log line.
    assert printed.out == "" and printed.err == ""
    assert "Subject:" not in out.getvalue() and "was submitted for review" not in out.getvalue()
    # Every one of them is in the outbox, as the admin lists it, and none waits any more.
    assert OutboundEmail.objects.count() == queued
    assert set(OutboundEmail.objects.values_list("status", flat=True)) == {"sent"}


def test_a_second_demo_load_still_ends_with_the_logins():
    call_command("seed_demo", stdout=StringIO())
    out = StringIO()
    call_command("seed_demo", stdout=out)
    lines = out.getvalue().splitlines()
    assert "demo mail" not in out.getvalue()  # nothing new in the outbox
    assert lines[-len(DEMO_USERS) - 2] == "The site: http://127.0.0.1:8000/"
    assert lines[-1] == f"  {DEMO_USERS[-1][0]:<10} {DEMO_USERS[-1][3]}"
