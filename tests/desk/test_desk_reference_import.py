"""The references screen's import form and the article's shelf, for every role."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from articles import services
from articles.models import ArticleReference, Reference
from articles.permissions import EDITORS_IN_CHIEF
from desk import reference_choices
from tests.bibliography.test_reader_properties import format_like
from tests.factories import UserFactory, draft_article, reference_data, under_review_article

FIXTURES = Path(__file__).parent.parent / "bibliography" / "fixtures"
PUBMED = (FIXTURES / "pubmed.nbib").read_text(encoding="utf-8")
RIS = (FIXTURES / "zotero.ris").read_text(encoding="utf-8")
ONE = "PMID- 4242\nTI  - Answer to everything.\nTA  - BMJ\nDP  - 2021\n"


@pytest.fixture
def chief(db):
    return UserFactory(username="chief", group=EDITORS_IN_CHIEF)


@pytest.fixture
def everyone(roles, chief):
    return {**roles, "chief": chief}


def textarea(page: str) -> str:
    """What the import form's text area holds, unescaped."""
    match = re.search(r'<textarea name="import-text"[^>]*>(.*?)</textarea>', page, re.S)
    return html.unescape(match.group(1))


def import_url(article):
    return reverse("desk:references_import", kwargs={"pk": article.pk})


def shelf_url(article):
    return reverse("desk:shelf", kwargs={"pk": article.pk})


def post_import(client, article, text="", fmt="auto", shelve=True, **extra):
    data = {"import-format": fmt, "import-text": text, **extra}
    if shelve:
        data["import-shelve"] = "on"
    return client.post(import_url(article), data)


# -- Who may import --------------------------------------------------------------------------

# anonymous, editor, other editor, reviewer, site admin (a superuser), editor-in-chief
ROLES = ["anonymous", "editor", "other_editor", "reviewer", "admin", "chief"]
ON_A_DRAFT = [302, 200, 200, 403, 200, 403]
UNDER_REVIEW = [302, 409, 409, 403, 409, 403]


@pytest.mark.parametrize("state", ["draft", "under_review"])
def test_import_by_role(client, everyone, policy, state):
    editor = everyone["editor"]
    if state == "draft":
        article, expected = draft_article(by=editor), ON_A_DRAFT
    else:
        article, expected = under_review_article(by=editor), UNDER_REVIEW
    for role, status in zip(ROLES, expected, strict=True):
        client.logout()
        if role != "anonymous":
            client.force_login(everyone[role])
        response = post_import(client, article, ONE)
        assert response.status_code == status, role
        if status == 302:
            assert response["Location"].startswith(reverse("login"))
    added = 3 if state == "draft" else 0  # editor, other editor, admin; the first adds it
    assert Reference.objects.filter(pmid="4242").count() == min(added, 1)
    assert ArticleReference.objects.filter(article=article).count() == min(added, 1)


@pytest.mark.parametrize("state", ["draft", "under_review"])
def test_shelf_by_role(client, everyone, policy, state):
    editor = everyone["editor"]
    article = draft_article(by=editor) if state == "draft" else under_review_article(by=editor)
    reference = Reference.objects.first()
    expected = ON_A_DRAFT if state == "draft" else UNDER_REVIEW
    for role, status in zip(ROLES, expected, strict=True):
        client.logout()
        if role != "anonymous":
            client.force_login(everyone[role])
        response = client.post(shelf_url(article), {"reference": reference.pk, "action": "add"})
        assert response.status_code == (302 if status == 200 else status), role
    assert ArticleReference.objects.filter(article=article).count() == (state == "draft")


def test_the_import_and_shelf_urls_take_posts_only(client, editor, policy):
    article = draft_article(by=editor)
    client.force_login(editor)
    assert client.get(import_url(article)).status_code == 405
    assert client.get(shelf_url(article)).status_code == 405


@pytest.mark.parametrize("reference", ["", "abc", "99999", "1.5"])
def test_shelving_no_such_reference_is_a_404(client, editor, policy, reference):
    article = draft_article(by=editor)
    client.force_login(editor)
    response = client.post(shelf_url(article), {"reference": reference, "action": "add"})
    assert response.status_code == 404


# -- What the editor sees --------------------------------------------------------------------


def test_pasted_pubmed_list_is_imported_and_each_entry_reported(client, editor, policy):
    article = draft_article(by=editor)
    client.force_login(editor)
    response = post_import(client, article, PUBMED)
    assert response.status_code == 200
    page = response.content.decode()
    headline = (
        "4 entries read: 3 added to the library, 1 refused; 3 put on this article&#x27;s shelf."
    )
    assert headline in page
    assert "Entry 3 (line 37): PMID 27000001" in page
    assert "It has no title." in page
    assert page.count("import-added") == 3
    # What was refused stays in the form to be mended.
    assert "This record has lost its title line." in textarea(page)
    assert ArticleReference.objects.filter(article=article).count() == 3


def test_a_second_import_reports_what_is_already_in_the_library(client, editor, policy):
    article = draft_article(by=editor)
    client.force_login(editor)
    post_import(client, article, ONE)
    response = post_import(client, article, ONE)
    assert response.status_code == 200
    page = response.content.decode()
    assert "1 entry read: 0 added to the library, 1 already in the library." in page
    assert "Already in the library" in page
    assert "Answer to everything" not in textarea(page)  # all done: the form is emptied


def test_an_uploaded_ris_file_with_the_format_named(client, editor, policy):
    article = draft_article(by=editor)
    client.force_login(editor)
    upload = SimpleUploadedFile(
        "export.ris", RIS.encode("utf-8"), "application/x-research-info-systems"
    )
    response = client.post(
        import_url(article),
        {"import-format": "ris", "import-file": upload, "import-shelve": "on"},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "5 entries read: 3 added to the library, 2 refused" in page
    assert "no “ER  -” line closing it" in page
    assert "Note: the link “internal-pdf://0123/guideline.pdf” is left out" in page


def test_without_the_shelf_box_nothing_goes_on_the_shelf(client, editor, policy):
    article = draft_article(by=editor)
    client.force_login(editor)
    assert post_import(client, article, ONE, shelve=False).status_code == 200
    assert Reference.objects.filter(pmid="4242").exists()
    assert not ArticleReference.objects.exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"import-text": "Smith J. A paper. BMJ 2020."}, "Cannot tell the format"),
        ({"import-text": "  "}, "Paste references or choose a file"),
        ({"import-text": '{"title": "x"}'}, "CSL-JSON is a list of items"),
        ({"import-text": ONE, "import-format": "bibtex"}, "No reference found"),
        ({"import-text": ONE, "import-format": "endnote"}, "Select a valid choice"),
    ],
)
def test_unreadable_input_is_a_400_with_the_text_kept(client, editor, policy, data, message):
    article = draft_article(by=editor)
    client.force_login(editor)
    response = client.post(import_url(article), {"import-format": "auto", **data})
    assert response.status_code == 400
    page = response.content.decode()
    assert message in page
    assert data["import-text"] in textarea(page)
    assert not Reference.objects.filter(pmid="4242").exists()


def test_text_and_file_at_once_is_refused(client, editor, policy):
    article = draft_article(by=editor)
    client.force_login(editor)
    upload = SimpleUploadedFile("a.nbib", ONE.encode())
    response = client.post(
        import_url(article), {"import-format": "auto", "import-text": ONE, "import-file": upload}
    )
    assert response.status_code == 400
    assert "not both" in response.content.decode()


def test_a_list_where_every_entry_is_refused_is_a_400(client, editor, policy):
    article = draft_article(by=editor)
    client.force_login(editor)
    response = post_import(client, article, "PMID- 1\nTA  - BMJ\nDP  - 2020\n")
    assert response.status_code == 400
    assert "1 entry read: 0 added to the library, 1 refused." in response.content.decode()


def test_shelf_shows_on_the_page_and_an_entry_can_be_taken_off(client, editor, policy):
    article = draft_article(by=editor)
    client.force_login(editor)
    post_import(client, article, ONE)
    page = client.get(reverse("desk:references", kwargs={"pk": article.pk})).content.decode()
    shelf_section = page.split('id="h-shelf"')[1].split("</section>")[0]
    assert "Answer to everything" in shelf_section
    reference = Reference.objects.get(pmid="4242")
    response = client.post(shelf_url(article), {"reference": reference.pk, "action": "remove"})
    assert response.status_code == 302
    assert not ArticleReference.objects.exists()


def test_a_search_result_can_be_put_on_the_shelf(client, editor, policy):
    article = draft_article(by=editor)
    reference = services.reference_get_or_create(
        data=reference_data(9, title="Tizanidine dosing"), by=editor
    )
    client.force_login(editor)
    url = reverse("desk:references", kwargs={"pk": article.pk})
    page = client.get(url, {"q": "tizanidine"}).content.decode()
    assert "Put on the shelf" in page
    client.post(shelf_url(article), {"reference": reference.pk, "action": "add"})
    assert ArticleReference.objects.get().reference == reference
    page = client.get(url, {"q": "tizanidine"}).content.decode()
    assert "Put on the shelf" not in page


def test_references_page_queries_do_not_grow_with_the_shelf(
    client, editor, policy, django_assert_num_queries
):
    article = draft_article(by=editor)
    client.force_login(editor)
    url = reverse("desk:references", kwargs={"pk": article.pk})

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    empty = queries()
    references = [
        services.reference_get_or_create(data=reference_data(20 + n), by=editor) for n in range(8)
    ]
    services.article_shelve_references(article=article, references=references, by=editor)
    assert queries() == empty


# -- The citation picker's choices -----------------------------------------------------------


def test_reference_choices_cited_then_shelf_then_library(editor, django_assert_num_queries):
    article = draft_article(by=editor)  # cites "Guideline number 1" and "Guideline number 2"
    shelved = services.reference_get_or_create(
        data=reference_data(7, title="Shelved work"), by=editor
    )
    cited = list(Reference.objects.filter(title__startswith="Guideline number"))
    services.article_shelve_references(article=article, references=[shelved, cited[0]], by=editor)
    services.reference_get_or_create(data=reference_data(8, title="Library work"), by=editor)
    with django_assert_num_queries(3):  # citations, shelf, library search
        choices = reference_choices.article_reference_choices(article=article, query="work")
    assert [r.title for r in choices.cited] == ["Guideline number 1", "Guideline number 2"]
    assert [r.title for r in choices.shelf] == ["Shelved work"]  # cited ones offered once
    assert [r.title for r in choices.library] == ["Library work"]  # the shelf's not repeated
    assert [r.title for r in choices] == [
        "Guideline number 1",
        "Guideline number 2",
        "Shelved work",
        "Library work",
    ]
    with django_assert_num_queries(2):
        assert reference_choices.article_reference_choices(article=article).library == []


def test_reference_choices_offer_a_shelved_reference_changed_since_as_its_new_version(
    editor, reviewer
):
    under_review_article(by=editor, reviewer=reviewer)
    frozen = Reference.objects.get(title="Guideline number 1")
    draft = draft_article(by=editor, references=0, claims=0)
    services.article_shelve_references(article=draft, references=[frozen], by=editor)
    successor = services.reference_update(reference=frozen, by=editor, changes={"doi": "10.7/new"})
    assert successor.pk != frozen.pk
    assert reference_choices.article_reference_choices(article=draft).shelf == [successor]


# -- Whatever is pasted, never a 500 -----------------------------------------------------------


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    text=st.one_of(format_like, st.text(max_size=200)),
    fmt=st.sampled_from(["auto", "medline", "ris", "bibtex", "csl-json", "x"]),
)
def test_whatever_is_pasted_the_answer_is_never_a_500(client, editor, policy, text, fmt):
    article = draft_article(by=editor)
    client.force_login(editor)
    response = post_import(client, article, text, fmt)
    assert response.status_code in (200, 400), response.content[:300]
