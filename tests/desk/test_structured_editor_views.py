"""The structured editor's pages and posts: every role, the plain-form flows, the script's answers."""

import json

import pytest
from django.urls import reverse

from articles import services
from articles.permissions import EDITORS_IN_CHIEF
from articles.selectors import article_get_content
from tests.factories import UserFactory, draft_article, reference_data, submitted_article

ROLES = ["anonymous", "editor", "other_editor", "reviewer", "chief", "admin"]
# Editors (any of them) and site admins write drafts; reviewers and editors-in-chief do not.
WRITERS = {"editor", "other_editor", "admin"}


@pytest.fixture
def chief(db):
    return UserFactory(username="chief", group=EDITORS_IN_CHIEF)


@pytest.fixture
def everyone(roles, chief):
    return {**roles, "chief": chief}


def editor_url(article):
    return reverse("desk:editor", kwargs={"pk": article.pk})


def claim_url(name, article, claim, **extra):
    return reverse(name, kwargs={"pk": article.pk, "uid": claim.uid, **extra})


def first_fact(article):
    return article.claims.exclude(kind__in=["heading", "subheading"]).first()


def as_role(client, everyone, role):
    client.logout()
    if role != "anonymous":
        client.force_login(everyone[role])
    return client


def claim_post(article, claim, **changes):
    data = {
        "expected_version": article.content_version,
        "kind": claim.kind,
        "level": claim.level,
        "text": claim.text,
        "plain_text": claim.plain_text,
        "citations": "1",
    }
    data.update(changes)
    return data


def get_status(role, writable=True):
    if role == "anonymous":
        return 302
    if role in WRITERS:
        return 200 if writable else 409
    return 403


@pytest.mark.parametrize("role", ROLES)
def test_editor_page_and_picker_by_role(client, everyone, policy, role):
    article = draft_article(by=everyone["editor"])
    claim = first_fact(article)
    as_role(client, everyone, role)
    for url in (editor_url(article), claim_url("desk:editor_cite", article, claim) + "?q=Guide"):
        response = client.get(url)
        assert response.status_code == get_status(role), (role, url)
        if role == "anonymous":
            assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("role", ROLES)
def test_editor_pages_are_locked_outside_draft(client, everyone, policy, role):
    article = submitted_article(by=everyone["editor"])
    as_role(client, everyone, role)
    assert client.get(editor_url(article)).status_code == get_status(role, writable=False)


@pytest.mark.parametrize("role", ROLES)
def test_every_post_by_role(client, everyone, policy, role):
    """Each change as each role: writers change the draft (302), the others change nothing."""
    article = draft_article(by=everyone["editor"])
    library = services.reference_get_or_create(data=reference_data(9), by=everyone["editor"])
    as_role(client, everyone, role)

    uid = first_fact(article).uid

    def post(name, data, **extra):
        article.refresh_from_db()
        claim = article.claims.get(uid=uid)
        url = (
            reverse(name, kwargs={"pk": article.pk})
            if name == "desk:editor_add"
            else claim_url(name, article, claim, **extra)
        )
        before = article.content_version
        response = client.post(url, {"expected_version": before, **data})
        article.refresh_from_db()
        changed = article.content_version != before
        return response.status_code, changed

    claim = first_fact(article)
    posts = [
        (
            "desk:editor_add",
            {"kind": "paragraph", "text": "New fact.", "needs_no_citation": "on"},
            {},
        ),
        ("desk:editor_save", claim_post(article, claim, text="Changed fact."), {}),
        ("desk:editor_change", {}, {"action": "down"}),
        ("desk:editor_change", {}, {"action": "up"}),
        ("desk:editor_change", {}, {"action": "indent"}),
        ("desk:editor_change", {}, {"action": "outdent"}),
        ("desk:editor_cite", {"reference": [library.pk]}, {}),
        ("desk:editor_change", {}, {"action": "delete"}),
    ]
    for name, data, extra in posts:
        data = {k: v for k, v in data.items() if k != "expected_version"}
        status, changed = post(name, data, **extra)
        expected = {"anonymous": 302, "reviewer": 403, "chief": 403}.get(role, 302)
        assert status == expected, (role, name, extra)
        assert changed == (role in WRITERS), (role, name, extra)


def test_structure_urls_take_only_post_and_known_changes(client, editor, policy):
    article = draft_article(by=editor)
    client.force_login(editor)
    claim = first_fact(article)
    assert (
        client.get(claim_url("desk:editor_change", article, claim, action="up")).status_code == 405
    )
    assert client.get(claim_url("desk:editor_save", article, claim)).status_code == 405
    bogus = claim_url("desk:editor_change", article, claim, action="explode")
    assert client.post(bogus, {"expected_version": 1}).status_code == 404


def test_no_script_flow_add_after_edit_nest_cite_and_delete(client, editor, policy):
    article = draft_article(by=editor)
    client.force_login(editor)
    claim = first_fact(article)
    # "Add after" opens a new claim form right after that claim.
    page = client.get(editor_url(article) + f"?after={claim.uid}").content.decode()
    assert page.index(f'id="claim-{claim.uid}"') < page.index('id="new-claim"')
    response = client.post(
        reverse("desk:editor_add", kwargs={"pk": article.pk}),
        {
            "expected_version": article.content_version,
            "after": claim.uid,
            "kind": "bullet",
            "level": "0",
            "text": "A bullet after it.",
            "citations": "2, 1",
        },
    )
    added = article.claims.get(text="A bullet after it.")
    assert response.status_code == 302
    assert response["Location"] == editor_url(article) + f"#claim-{added.uid}"
    assert added.position == claim.position + 1
    content = article_get_content(article=article)
    assert next(c for c in content.claims if c.text == "A bullet after it.").citations == (2, 1)
    # Saved with "2, 1" typed: the order is kept.
    article.refresh_from_db()
    response = client.post(
        claim_url("desk:editor_save", article, added),
        claim_post(
            article, added, text="A bullet, edited.", citations="2, 1", plain_text="Simple."
        ),
    )
    assert response.status_code == 302
    added.refresh_from_db()
    assert (added.text, added.plain_text) == ("A bullet, edited.", "Simple.")
    follow = client.get(response["Location"]).content.decode()
    assert "Claim saved." in follow and 'value="2, 1"' in follow


def test_a_stale_save_is_refused_with_the_typed_text_and_what_changed(
    client, editor, other_editor, policy
):
    article = draft_article(by=editor)
    claim = first_fact(article)
    started = article.content_version
    services.article_update(
        article=article, by=other_editor, expected_version=started, title="Another question?"
    )
    client.force_login(editor)
    data = claim_post(article, claim, text="My careful new wording.")
    data["expected_version"] = started
    response = client.post(claim_url("desk:editor_save", article, claim), data)
    assert response.status_code == 409
    page = response.content.decode()
    assert "someone else saved this article" in page
    assert "My careful new wording." in page  # nothing lost
    assert other_editor.get_full_name() in page  # what changed, and who
    claim.refresh_from_db()
    assert claim.text != "My careful new wording."
    # The form now names the current version: saving again after comparing is deliberate.
    article.refresh_from_db()
    assert f'name="expected_version" value="{article.content_version}"' in page


def test_bad_input_is_a_400_with_the_text_kept(client, editor, policy):
    article = draft_article(by=editor)
    client.force_login(editor)
    heading = article.claims.get(kind="heading")
    response = client.post(
        claim_url("desk:editor_save", article, heading),
        claim_post(article, heading, text="A heading that cites", citations="1"),
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "cite nothing" in page and "A heading that cites" in page
    response = client.post(
        reverse("desk:editor_add", kwargs={"pk": article.pk}),
        {"expected_version": article.content_version, "kind": "paragraph", "text": ""},
    )
    assert response.status_code == 400
    # Citing from a heading is not offered.
    assert client.get(claim_url("desk:editor_cite", article, heading)).status_code == 400


def test_headings_are_not_offered_citations(client, editor, policy):
    article = draft_article(by=editor)
    client.force_login(editor)
    page = client.get(editor_url(article)).content.decode()
    heading = article.claims.get(kind="heading")
    start = page.index(f'id="claim-{heading.uid}"')
    end = page.index("</li>", start)
    assert '<div class="editor-citing" hidden>' in page[start:end]
    assert "Find references" not in page[start:end].split("hidden>")[0]


def test_the_script_gets_json_with_the_new_body_and_version(client, editor, policy):
    article = draft_article(by=editor)
    client.force_login(editor)
    claim = first_fact(article)
    response = client.post(
        claim_url("desk:editor_change", article, claim, action="indent"),
        {"expected_version": article.content_version},
        headers={"X-Requested-With": "fetch"},
    )
    assert response.status_code == 200
    answer = json.loads(response.content)
    article.refresh_from_db()
    assert answer["version"] == article.content_version and answer["uid"] == str(claim.uid)
    assert f'id="claim-{claim.uid}"' in answer["html"] and "bullet" in answer["html"]
    stale = client.post(
        claim_url("desk:editor_save", article, claim),
        claim_post(article, claim, text="Typed.", expected_version=article.content_version - 1),
        headers={"X-Requested-With": "fetch"},
    )
    assert stale.status_code == 409
    problem = json.loads(stale.content)
    assert problem["version"] == article.content_version and problem["changes"]


def test_picker_lists_the_articles_references_first_then_the_library(client, editor, policy):
    article = draft_article(by=editor)
    extra = services.reference_get_or_create(
        data=reference_data(5, title="Guideline on baclofen dosing"), by=editor
    )
    client.force_login(editor)
    claim = first_fact(article)
    page = client.get(
        claim_url("desk:editor_cite", article, claim) + "?q=Guideline"
    ).content.decode()
    assert page.index("[1] Guideline number 1") < page.index("[2] Guideline number 2")
    assert page.index("[2] Guideline number 2") < page.index("Guideline on baclofen dosing")
    fragment = client.get(
        claim_url("desk:editor_cite", article, claim) + "?q=dosing",
        headers={"X-Requested-With": "fetch"},
    ).content.decode()
    assert "<html" not in fragment and "Guideline on baclofen dosing" in fragment
    assert "Guideline number 1" not in fragment
    # Several at once, in the order posted.
    response = client.post(
        claim_url("desk:editor_cite", article, claim),
        {"expected_version": article.content_version, "reference": [extra.pk]},
    )
    assert response.status_code == 302
    content = article_get_content(article=article)
    cited = [c for c in content.claims if c.uid == str(claim.uid)][0]
    assert content.references[cited.citations[-1] - 1].title == extra.title
    nothing = client.post(
        claim_url("desk:editor_cite", article, claim),
        {"expected_version": article.content_version},
    )
    assert nothing.status_code == 400
    # A library entry replaced by a newer version is not offered for new citations.
    old = services.reference_get_or_create(data=reference_data(6), by=editor)
    type(old).objects.filter(pk=old.pk).update(is_current=False)
    stale = client.post(
        claim_url("desk:editor_cite", article, claim),
        {"expected_version": article.content_version, "reference": [old.pk]},
    )
    assert stale.status_code == 400


def test_editor_page_query_count_does_not_grow_with_claims(
    client, editor, policy, django_assert_num_queries
):
    small = draft_article(by=editor, claims=3)
    large = draft_article(by=editor, claims=30, references=6, title="Another question?")
    client.force_login(editor)
    client.get(editor_url(small))  # warm the session and content-type caches
    # session + user + permissions (user, groups) + article + its contributors + claims
    # + citations with references + the shelf (the references cited, the shelf's entries)
    # + the deleted claims (the claims' ids, the history) + where the last round ended
    # + the board's threads (none here, so no messages to fetch)
    # + the desk nav's count of unread notifications = 15
    for article in (small, large):
        with django_assert_num_queries(15):
            assert client.get(editor_url(article)).status_code == 200


def test_a_stale_new_claim_is_refused_and_kept_where_it_was_being_added(
    client, editor, other_editor, policy
):
    article = draft_article(by=editor)
    claim = first_fact(article)
    started = article.content_version
    services.article_update(
        article=article, by=other_editor, expected_version=started, title="Another question?"
    )
    client.force_login(editor)
    response = client.post(
        reverse("desk:editor_add", kwargs={"pk": article.pk}),
        {
            "expected_version": started,
            "after": claim.uid,
            "kind": "paragraph",
            "text": "My new claim, typed with care.",
        },
    )
    assert response.status_code == 409
    page = response.content.decode()
    assert "My new claim, typed with care." in page
    assert page.index(f'id="claim-{claim.uid}"') < page.index('id="new-claim"')
    assert not article.claims.filter(text__startswith="My new claim").exists()
    answer = client.post(
        reverse("desk:editor_add", kwargs={"pk": article.pk}),
        {"expected_version": started, "kind": "paragraph", "text": "Typed."},
        headers={"X-Requested-With": "fetch"},
    )
    assert answer.status_code == 409 and json.loads(answer.content)["changes"]


@pytest.mark.parametrize("action", ["up", "down", "indent", "outdent", "delete"])
def test_a_stale_or_locked_change_is_a_409_and_changes_nothing(client, editor, policy, action):
    article = draft_article(by=editor)
    claim = article.claims.order_by("position")[2]
    client.force_login(editor)
    url = claim_url("desk:editor_change", article, claim, action=action)
    started = article.content_version
    services.article_update(article=article, by=editor, expected_version=started, title="Q2?")
    before = list(article.claims.values_list("uid", "position", "level", "kind"))
    stale = client.post(url, {"expected_version": started})
    assert stale.status_code == 409 and "changed by someone else" in stale.content.decode()
    submitted = submitted_article(by=editor)
    locked_claim = submitted.claims.order_by("position")[2]
    locked = client.post(
        claim_url("desk:editor_change", submitted, locked_claim, action=action),
        {"expected_version": submitted.content_version},
    )
    assert locked.status_code == 409 and "only in draft" in locked.content.decode()
    assert list(article.claims.values_list("uid", "position", "level", "kind")) == before


def test_picker_offers_the_shelf_after_the_articles_references(client, editor, policy):
    """A reference put by for the article before it is cited is offered without a search."""
    article = draft_article(by=editor)
    shelved = services.reference_get_or_create(
        data=reference_data(7, title="Shelved trial of intrathecal baclofen"), by=editor
    )
    services.article_shelve_references(article=article, references=[shelved], by=editor)
    client.force_login(editor)
    claim = first_fact(article)
    page = client.get(claim_url("desk:editor_cite", article, claim)).content.decode()
    assert page.index("[2] Guideline number 2") < page.index("Shelved trial of intrathecal")
    assert '<span class="badge">Shelf</span> Shelved trial' in page
    response = client.post(
        claim_url("desk:editor_cite", article, claim),
        {"expected_version": article.content_version, "reference": [shelved.pk]},
    )
    assert response.status_code == 302
    titles = [r.title for r in article_get_content(article=article).references]
    assert shelved.title in titles
