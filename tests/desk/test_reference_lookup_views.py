"""The references screen's "Add by DOI or PMID": look up, confirm, on the shelf; for every role.

Crossref and PubMed are never reached: ``lookup._download`` answers from the
recorded answers in tests/bibliography/fixtures/lookup/.
"""

from __future__ import annotations

import html
import re
from pathlib import Path
from urllib.error import HTTPError, URLError

import pytest
from django.core.cache import cache
from django.urls import reverse

from articles import policy as rules
from articles import services
from articles.bibliography import lookup
from articles.models import ArticleReference, Reference
from tests.factories import draft_article, reference_data, under_review_article

FIXTURES = Path(__file__).parent.parent / "bibliography" / "fixtures" / "lookup"
CROSSREF = (FIXTURES / "crossref_work.json").read_bytes()
PUBMED = (FIXTURES / "pubmed_efetch.xml").read_bytes()
DOI = "10.1136/bmj-2021-068123"
PMID = "34567890"
TITLE = "Baclofen versus tizanidine for spasticity in multiple sclerosis"


class Answers:
    """Stands in for ``lookup._download``: each call takes the next answer (bytes or an error)."""

    def __init__(self, *answers):
        self.answers = list(answers)
        self.urls: list[str] = []

    def __call__(self, url, *, headers, timeout):
        self.urls.append(url)
        answer = self.answers.pop(0)
        if isinstance(answer, BaseException):
            raise answer
        return answer


@pytest.fixture
def answers(monkeypatch):
    def install(*given) -> Answers:
        fake = Answers(*given)
        monkeypatch.setattr(lookup, "_download", fake)
        return fake

    return install


def lookup_url(article) -> str:
    return reverse("desk:references_lookup", kwargs={"pk": article.pk})


def add_url(article) -> str:
    return reverse("desk:references_lookup_add", kwargs={"pk": article.pk})


def typed(page: str) -> str:
    """What the identifier box holds, unescaped."""
    match = re.search(r'<input type="text" name="lookup-identifier"[^>]*value="([^"]*)"', page)
    return html.unescape(match.group(1))


def look_up(client, article, identifier):
    return client.post(lookup_url(article), {"lookup-identifier": identifier})


def confirm(client, article, identifier):
    return client.post(add_url(article), {"lookup-identifier": identifier})


# -- The editor's way through ------------------------------------------------------------------


def test_a_doi_is_looked_up_shown_and_put_on_the_shelf_with_its_abstract(
    client, editor, policy, answers
):
    article = draft_article(by=editor)
    fetched = answers(CROSSREF)
    client.force_login(editor)
    response = look_up(client, article, f"https://doi.org/{DOI}")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Found at Crossref" in page
    assert TITLE in page and "Müller JP, Ødegård A, MS Spasticity Trial Group" in page
    assert f"<dd>{DOI}</dd>" in page and "<dd>2021</dd>" in page and "<dd>BMJ</dd>" in page
    # The abstract is folded away until asked for.
    assert re.search(r"<details><summary>Abstract</summary><p>Objective: To compare", page)
    assert f'<input type="hidden" name="lookup-identifier" value="{DOI}">' in page
    assert not Reference.objects.filter(doi=DOI).exists()  # nothing stored before the confirm

    response = confirm(client, article, DOI)
    assert response.status_code == 302
    assert response["Location"] == reverse("desk:references", kwargs={"pk": article.pk})
    assert len(fetched.urls) == 1  # the confirm read the record kept in the cache
    reference = Reference.objects.get(doi=DOI)
    assert reference.abstract.startswith("Objective: To compare baclofen with tizanidine")
    assert reference.history.get().history_user == editor
    assert ArticleReference.objects.get(article=article).reference == reference
    page = client.get(response["Location"]).content.decode()
    assert f"Added to the library and on this article’s shelf: {TITLE}" in page
    shelf = page.split('id="h-shelf"')[1].split("</section>")[0]
    assert TITLE in shelf


def test_a_pmid_is_put_on_the_shelf_with_its_structured_abstract(client, editor, policy, answers):
    article = draft_article(by=editor)
    answers(PUBMED)
    client.force_login(editor)
    page = look_up(client, article, f"PMID {PMID}").content.decode()
    assert "Found at PubMed" in page and "<dd>Systematic review</dd>" in page
    assert confirm(client, article, PMID).status_code == 302
    reference = Reference.objects.get(pmid=PMID)
    assert reference.abstract.startswith("BACKGROUND: Spasticity affects most people")
    assert "\n\nMETHODS: We searched" in reference.abstract
    assert ArticleReference.objects.filter(article=article, reference=reference).exists()


def test_the_references_screen_offers_the_form(client, editor, policy):
    article = draft_article(by=editor)
    client.force_login(editor)
    page = client.get(reverse("desk:references", kwargs={"pk": article.pk})).content.decode()
    assert "Add by DOI or PMID" in page
    assert f'action="{lookup_url(article)}"' in page
    assert typed(page) == ""


# -- What the library has already --------------------------------------------------------------


def test_a_doi_the_library_has_is_offered_as_it_is_without_asking_crossref(
    client, editor, policy, answers
):
    article = draft_article(by=editor)
    known = services.reference_get_or_create(data=reference_data(9, doi=DOI), by=editor)
    fetched = answers()
    client.force_login(editor)
    response = look_up(client, article, DOI.upper())
    assert response.status_code == 200
    page = response.content.decode()
    assert "Already in the library" in page and known.title in page
    shelf_form = page.split(f'action="{reverse("desk:shelf", kwargs={"pk": article.pk})}"')[1]
    assert f'name="reference" value="{known.pk}"' in shelf_form.split("</form>")[0]
    assert fetched.urls == []
    services.article_shelve_references(article=article, references=[known], by=editor)
    page = look_up(client, article, DOI).content.decode()
    assert "It is on this article’s shelf already." in page
    assert Reference.objects.filter(doi=DOI).count() == 1


def test_a_work_added_meanwhile_is_shelved_not_added_twice(client, editor, policy, answers):
    article = draft_article(by=editor)
    answers(CROSSREF)
    client.force_login(editor)
    look_up(client, article, DOI)
    # Another editor adds the same work between the look-up and the confirm.
    known = services.reference_get_or_create(data=reference_data(9, doi=DOI), by=editor)
    response = confirm(client, article, DOI)
    assert response.status_code == 302
    assert Reference.objects.filter(doi=DOI).count() == 1
    assert ArticleReference.objects.get(article=article).reference == known
    page = client.get(response["Location"]).content.decode()
    assert "In the library and on this article’s shelf" in page


# -- Bad input, unknown identifiers, services down ---------------------------------------------


@pytest.mark.parametrize(
    ("identifier", "message"),
    [
        ("", "Type a DOI or a PubMed ID."),
        ("   ", "Type a DOI or a PubMed ID."),
        ("baclofen spasticity", "is neither a DOI (10.1000/xyz123) nor a PubMed ID"),
        ("10.1136", "is neither a DOI"),
        ("123456789", "is neither a DOI"),
        ("10.1/" + "x" * 300, "Ensure this value has at most 300 characters"),
    ],
)
@pytest.mark.parametrize("step", ["look up", "confirm"])
def test_what_is_no_identifier_is_a_400_with_the_text_kept(
    client, editor, policy, answers, identifier, message, step
):
    article = draft_article(by=editor)
    fetched = answers()
    client.force_login(editor)
    send = look_up if step == "look up" else confirm
    response = send(client, article, identifier)
    assert response.status_code == 400
    page = html.unescape(response.content.decode())
    assert message in page
    assert typed(response.content.decode()) == identifier
    assert fetched.urls == [] and not ArticleReference.objects.exists()


def test_an_unknown_doi_is_a_400_saying_so(client, editor, policy, answers):
    article = draft_article(by=editor)
    answers(HTTPError(lookup.CROSSREF_WORKS, 404, "Not Found", None, None))
    client.force_login(editor)
    response = look_up(client, article, "10.9999/nothing-here")
    assert response.status_code == 400
    assert "No record has this DOI at Crossref." in response.content.decode()
    assert typed(response.content.decode()) == "10.9999/nothing-here"


@pytest.mark.parametrize(
    ("raised", "message"),
    [
        (URLError(TimeoutError("timed out")), "PubMed did not answer within 5 seconds"),
        (URLError("[Errno -3] Temporary failure in name resolution"), "PubMed cannot be reached"),
        (HTTPError(lookup.PUBMED_EFETCH, 502, "Bad Gateway", None, None), "PubMed is busy"),
        (b"<html>Down for maintenance</html>", "PubMed answered with something that is not"),
    ],
)
def test_a_service_down_is_a_503_with_the_text_kept(
    client, editor, policy, answers, raised, message
):
    article = draft_article(by=editor)
    answers(raised)
    client.force_login(editor)
    response = look_up(client, article, f"PMID: {PMID}")
    assert response.status_code == 503
    page = response.content.decode()
    assert message in page
    assert typed(page) == f"PMID: {PMID}"


def test_a_service_down_at_the_confirm_is_a_503_and_nothing_is_stored(
    client, editor, policy, answers
):
    article = draft_article(by=editor)
    answers(CROSSREF, TimeoutError("timed out"))
    client.force_login(editor)
    look_up(client, article, DOI)
    cache.clear()  # the record kept from the look-up is gone
    response = confirm(client, article, DOI)
    assert response.status_code == 503
    assert "Crossref did not answer within 5 seconds" in response.content.decode()
    assert typed(response.content.decode()) == DOI
    assert not Reference.objects.filter(doi=DOI).exists()


def test_both_urls_take_posts_only(client, editor, policy):
    article = draft_article(by=editor)
    client.force_login(editor)
    assert client.get(lookup_url(article)).status_code == 405
    assert client.get(add_url(article)).status_code == 405


# -- Who may ------------------------------------------------------------------------------------

ROLES = ["anonymous", "editor", "other_editor", "reviewer", "admin"]
ON_A_DRAFT = {"anonymous": 302, "editor": 200, "other_editor": 200, "reviewer": 403, "admin": 200}
UNDER_REVIEW = {"anonymous": 302, "editor": 409, "other_editor": 409, "reviewer": 403, "admin": 409}


@pytest.mark.parametrize("state", ["draft", "under_review"])
@pytest.mark.parametrize("step", ["look up", "confirm"])
def test_each_role_as_the_policy_says(client, roles, policy, answers, state, step):
    editor = roles["editor"]
    article = draft_article(by=editor) if state == "draft" else under_review_article(by=editor)
    expected = ON_A_DRAFT if state == "draft" else UNDER_REVIEW
    answers(*[CROSSREF] * len(ROLES))
    send = look_up if step == "look up" else confirm
    for role in ROLES:
        client.logout()
        cache.clear()
        user = roles[role]
        if role != "anonymous":
            client.force_login(user)
        response = send(client, article, DOI)
        status = expected[role]
        if status == 200 and step == "confirm":
            status = 302  # stored, then back to the references screen
        assert response.status_code == status, role
        if role == "anonymous":
            assert response["Location"].startswith(reverse("login"))
        else:
            # The desk's doors agree with the policy that every other door asks.
            assert (status in (200, 302)) == rules.can(user, rules.EDIT, article), role
    shelved = step == "confirm" and state == "draft"
    assert Reference.objects.filter(doi=DOI).count() == int(shelved)
    assert ArticleReference.objects.filter(article=article).count() == int(shelved)
