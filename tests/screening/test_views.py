"""The desk's screening pages: who may open them, and what they answer."""

import pytest
from django.urls import reverse

from articles.models import ClaimReview
from screening.library import library_rescreen
from screening.models import CitationJustification, ScreeningRun
from tests.factories import declare_no_conflict, make_editor, under_review_article
from tests.screening.conftest import cited_content, paper
from tests.screening.csv_support import record, write_csv

pytestmark = pytest.mark.django_db

RETRACTED = "10.1000/retracted"


@pytest.fixture
def reader(db):
    from tests.factories import UserFactory

    return UserFactory(username="reader")


@pytest.fixture
def everyone(anonymous, reader, editor, reviewer, site_admin):
    return {
        "anonymous": anonymous,
        "reader": reader,
        "editor": editor,
        "reviewer": reviewer,
        "admin": site_admin,
    }


@pytest.fixture
def in_review(tmp_path, import_csv, editor, reviewer, policy):
    rows = [
        record(
            1, OriginalPaperDOI=RETRACTED, RetractionDate="3/14/2024 0:00", Reason="+Paper Mill;"
        ),
        record(
            2,
            OriginalPaperDOI="10.1000/corrected",
            RetractionNature="Correction",
            RetractionDate="11/2/2022 0:00",
            Reason="+Error in Table;",
            RetractionDOI="10.9999/fix",
        ),
    ]
    import_csv(write_csv(tmp_path / "rw.csv", rows))
    content = cited_content(paper(1, doi=RETRACTED), paper(2, doi="10.1000/corrected"))
    return under_review_article(by=editor, reviewer=reviewer, content=content)


def login(client, user):
    if user.is_authenticated:
        client.force_login(user)
    return client


def first_claim(article):
    return article.claims.filter(citations__isnull=False).order_by("position").first()


def justify_url(article):
    return reverse("screening:justify", kwargs={"pk": article.pk, "uid": first_claim(article).uid})


# Who may open what: desk users read; board reviewers (and the admin) justify.
READ_STATUS = {"anonymous": 302, "reader": 403, "editor": 200, "reviewer": 200, "admin": 200}
JUSTIFY_STATUS = {"anonymous": 302, "reader": 403, "editor": 403, "reviewer": 302, "admin": 302}


@pytest.mark.parametrize("role", list(READ_STATUS))
def test_the_queue_is_for_desk_users(client, everyone, role):
    library_rescreen()
    response = login(client, everyone[role]).get(reverse("screening:queue"))
    assert response.status_code == READ_STATUS[role]
    if role == "anonymous":
        assert response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("role", list(READ_STATUS))
def test_a_run_is_for_desk_users(client, everyone, role):
    run = library_rescreen()
    response = login(client, everyone[role]).get(reverse("screening:run", kwargs={"pk": run.pk}))
    assert response.status_code == READ_STATUS[role]


@pytest.mark.parametrize("role", list(READ_STATUS))
def test_the_pages_refuse_post(client, everyone, role):
    run = library_rescreen()
    for url in (reverse("screening:queue"), reverse("screening:run", kwargs={"pk": run.pk})):
        # The wrong method is refused before anything else, as on every desk page.
        assert login(client, everyone[role]).post(url).status_code == 405


def test_an_unknown_run_is_404(client, editor):
    client.force_login(editor)
    assert client.get(reverse("screening:run", kwargs={"pk": 999})).status_code == 404


def test_the_run_page_lists_counts_and_problems(client, editor, tmp_path, import_csv):
    path = write_csv(tmp_path / "rw.csv", [record(1), record(2, RetractionNature="Erratum")])
    import_csv(path)
    run = ScreeningRun.objects.get()
    client.force_login(editor)
    page = client.get(reverse("screening:run", kwargs={"pk": run.pk})).content.decode()
    assert "1 new, 0 updated" in page and "line 3: RetractionNature" in page
    queue = client.get(reverse("screening:queue")).content.decode()
    assert "rw.csv" in queue


@pytest.mark.parametrize("role", list(JUSTIFY_STATUS))
def test_only_board_reviewers_justify(client, everyone, in_review, role):
    if role == "admin":  # the board's members declare before they review
        declare_no_conflict(in_review, everyone[role])
    response = login(client, everyone[role]).post(
        justify_url(in_review),
        {"reference": first_claim(in_review).citations.get().reference_id, "text": "Discussed."},
    )
    assert response.status_code == JUSTIFY_STATUS[role]
    assert CitationJustification.objects.exists() == (role in ("reviewer", "admin"))


def test_justify_refuses_get(client, reviewer, in_review):
    client.force_login(reviewer)
    assert client.get(justify_url(in_review)).status_code == 405


def test_an_empty_justification_is_400_with_the_form_again(client, reviewer, in_review):
    client.force_login(reviewer)
    reference_id = first_claim(in_review).citations.get().reference_id
    response = client.post(justify_url(in_review), {"reference": reference_id, "text": "  "})
    assert response.status_code == 400
    assert "Say why the article may cite this retracted paper." in response.content.decode()


@pytest.mark.parametrize(
    "data", [{}, {"reference": "x"}, {"reference": "999999", "text": "Why"}], ids=str
)
def test_bad_input_is_400(client, reviewer, in_review, data):
    client.force_login(reviewer)
    response = client.post(justify_url(in_review), data)
    assert response.status_code == 400


def test_justifying_a_sound_paper_is_400_and_keeps_the_text(client, reviewer, in_review):
    client.force_login(reviewer)
    second = in_review.claims.filter(citations__isnull=False).order_by("position")[1]
    url = reverse("screening:justify", kwargs={"pk": in_review.pk, "uid": second.uid})
    response = client.post(url, {"reference": second.citations.get().reference_id, "text": "Mine"})
    assert response.status_code == 400
    assert "Mine</textarea>" in response.content.decode()


def test_justifying_outside_review_is_409(client, reviewer, editor, import_csv, tmp_path, policy):
    from tests.factories import draft_article

    import_csv(write_csv(tmp_path / "rw.csv", [record(1, OriginalPaperDOI=RETRACTED)]))
    draft = draft_article(by=editor, content=cited_content(paper(1, doi=RETRACTED)))
    client.force_login(reviewer)
    response = client.post(
        justify_url(draft),
        {"reference": first_claim(draft).citations.get().reference_id, "text": "Why"},
    )
    assert response.status_code == 409


def test_an_unknown_article_or_claim_is_404(client, reviewer, in_review):
    client.force_login(reviewer)
    url = reverse("screening:justify", kwargs={"pk": 999999, "uid": first_claim(in_review).uid})
    assert client.post(url, {"reference": 1, "text": "x"}).status_code == 404


def test_the_review_screen_shows_notices_and_the_way_to_justify(client, reviewer, in_review):
    client.force_login(reviewer)
    page = client.get(reverse("desk:review", kwargs={"pk": in_review.pk})).content.decode()
    assert "Retracted on Mar 14, 2024" in page and "Paper Mill" in page
    assert "Correction on Nov 2, 2022" in page and "Error in Table" in page
    assert 'href="https://doi.org/10.9999/fix"' in page
    assert justify_url(in_review) in page
    # Verifying through the desk is refused with the reason, and nothing is recorded.
    claim = first_claim(in_review)
    url = reverse("desk:claim_review", kwargs={"pk": in_review.pk, "uid": claim.uid})
    response = client.post(url, {"verdict": "verified", "comment": ""})
    assert response.status_code == 409
    assert "record a justification" in response.content.decode()
    assert not ClaimReview.objects.exists()
    # Justified, the form gives way to the justification and the claim can be verified.
    client.post(
        justify_url(in_review),
        {"reference": claim.citations.get().reference_id, "text": "Discussed."},
    )
    page = client.get(reverse("desk:review", kwargs={"pk": in_review.pk})).content.decode()
    assert "Justified by" in page and "Discussed." in page
    assert client.post(url, {"verdict": "verified", "comment": ""}).status_code == 302


def test_an_editor_sees_the_notices_without_the_form(client, in_review):
    client.force_login(make_editor("editor3"))
    response = client.get(reverse("desk:review", kwargs={"pk": in_review.pk}))
    assert response.status_code == 403  # the review screen stays the board's


@pytest.mark.parametrize(
    "model", ["retractionnotice", "screeningrun", "retractionflag", "citationjustification"]
)
def test_the_admin_lists_the_records_for_the_site_admin_only(
    client, site_admin, editor, in_review, model
):
    library_rescreen()
    url = reverse(f"admin:screening_{model}_changelist")
    client.force_login(site_admin)
    assert client.get(url).status_code == 200
    client.force_login(editor)
    assert client.get(url).status_code in (302, 403)
