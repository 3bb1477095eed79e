"""Nothing typed in the structured editor is lost, in headless Chromium at 1280 and 390 px.

A claim saves itself a second after typing stops (one request per burst), and at once on
Ctrl+S; leaving before that warns, and the text kept on the device is offered back; offline,
it waits and saves when the network returns; when two editors change one claim, the second
sees both texts. The editor has no accessibility violations in any of these states.
"""

import re

import pytest
from playwright.sync_api import expect

from articles.models import Claim
from tests.browser import assert_no_axe_violations
from tests.factories import draft_article, make_editor, make_policy

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "pw-for-tests-2026"
WIDTHS = [pytest.param(1280, id="desktop"), pytest.param(390, id="phone")]
SAVED = "Saved"
OFFLINE = "Offline: kept on this device"


def log_in(page, base, username):
    page.goto(f"{base}/desk/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{base}/desk/")


@pytest.fixture
def article(db):
    make_policy()
    return draft_article(by=make_editor("editor"))


def first_fact(article):
    return article.claims.exclude(kind__in=["heading", "subheading"]).order_by("position").first()


def open_editor(new_page, live_server, article, width, username="editor"):
    page = new_page(width=width, height=900)
    log_in(page, live_server.url, username)
    page.goto(f"{live_server.url}/desk/articles/{article.pk}/editor/")
    # The controllers are connected: each claim's form says it is ready.
    expect(page.locator("form[data-autosave-state]")).not_to_have_count(0)
    expect(page.locator("form[data-editor-form=save]:not([data-autosave-state])")).to_have_count(0)
    return page


def status(page):
    return page.locator("[data-editor-status]")


def claim_text(page, claim):
    return page.locator(f"#claim-{claim.uid} textarea[name=text]")


def saves_of(page, claim):
    """Count the POSTs that save ``claim`` from now on."""
    sent = []
    page.on(
        "request",
        lambda r: (
            r.method == "POST" and r.url.endswith(f"/editor/{claim.uid}/") and sent.append(r)
        ),
    )
    return sent


def type_at_end(page, claim, text, delay=0):
    area = claim_text(page, claim)
    area.click()
    page.keyboard.press("Control+End")
    page.keyboard.type(text, delay=delay)


def leave_anyway(page):
    """Accept the 'leave the page?' question; record that it was asked."""
    asked = []

    def accept(dialog):
        asked.append(dialog.type)
        dialog.accept()

    page.on("dialog", accept)
    return asked


@pytest.mark.parametrize("width", WIDTHS)
def test_typing_saves_without_a_button_and_ctrl_s_saves_at_once(
    live_server, new_page, article, width
):
    claim = first_fact(article)
    page = open_editor(new_page, live_server, article, width)
    sent = saves_of(page, claim)

    # A burst of typing (a key every 60 ms) is one request, sent after it stops.
    type_at_end(page, claim, " It is taken by mouth.", delay=60)
    expect(status(page)).to_have_text(SAVED)
    assert len(sent) == 1
    assert sent[0].headers.get("x-autosave") == "1"
    claim.refresh_from_db()
    assert claim.text.endswith("It is taken by mouth.")
    assert_no_axe_violations(page)

    # Ctrl+S does not wait for the second to pass.
    type_at_end(page, claim, " Twice a day.")
    with page.expect_request(lambda r: r.method == "POST", timeout=600):
        page.keyboard.press("Control+s")
    expect(status(page)).to_have_text(SAVED)
    assert len(sent) == 2

    # Moving to another field of the claim saves nothing new; leaving the claim does.
    page.locator(f"#claim-{claim.uid} input[name=citations]").fill("1, 2")
    page.get_by_role("heading", name="Claims").click()
    expect(status(page)).to_have_text(SAVED)
    assert len(sent) == 3

    page.reload()
    expect(claim_text(page, claim)).to_have_value(re.compile(r"by mouth\. Twice a day\.$"))
    expect(page.locator(f"#claim-{claim.uid} input[name=citations]")).to_have_value("1, 2")
    expect(page.locator(".editor-kept")).to_have_count(0)


@pytest.mark.parametrize("width", WIDTHS)
def test_text_typed_just_before_leaving_is_offered_back(live_server, new_page, article, width):
    claim = first_fact(article)
    page = open_editor(new_page, live_server, article, width)
    asked = leave_anyway(page)

    page.locator("#new-claim textarea[name=text]").fill("A claim not added yet.")
    type_at_end(page, claim, " Kept here.")
    page.reload()  # at once: before the autosave fires
    assert asked == ["beforeunload"]
    claim.refresh_from_db()
    assert not claim.text.endswith("Kept here.")

    notice = page.locator(f"#claim-{claim.uid} .editor-kept")
    expect(notice).to_contain_text(
        re.compile(r"Unsaved text from \d\d:\d\d was kept on this device\.")
    )
    expect(page.locator("#new-claim .editor-kept")).to_be_visible()
    assert_no_axe_violations(page)

    notice.get_by_role("button", name="Restore").click()
    expect(claim_text(page, claim)).to_have_value(re.compile(r"Kept here\.$"))
    expect(status(page)).to_have_text(SAVED)
    expect(notice).to_have_count(0)
    claim.refresh_from_db()
    assert claim.text.endswith("Kept here.")

    # By keyboard: focus is in the claim just restored, and a claim being edited shows more.
    page.locator("#new-claim .editor-kept").get_by_role("button", name="Restore").press("Enter")
    expect(page.locator("#new-claim textarea[name=text]")).to_have_value("A claim not added yet.")

    page.reload()
    expect(claim_text(page, claim)).to_have_value(re.compile(r"Kept here\.$"))
    # Only the new claim's text is still unsaved (it is added by Enter or its button).
    expect(page.locator(".editor-kept")).to_have_count(1)
    page.locator("#new-claim .editor-kept").get_by_role("button", name="Discard").click()
    expect(page.locator(".editor-kept")).to_have_count(0)
    page.reload()
    expect(page.locator(".editor-kept")).to_have_count(0)


@pytest.mark.parametrize("width", WIDTHS)
def test_offline_the_text_waits_on_the_device_and_saves_when_back(
    live_server, new_page, article, width
):
    claim = first_fact(article)
    page = open_editor(new_page, live_server, article, width)

    page.context.set_offline(True)
    type_at_end(page, claim, " Typed on a train.")
    expect(status(page)).to_have_text(OFFLINE)
    assert_no_axe_violations(page)

    page.context.set_offline(False)
    expect(status(page)).to_have_text(SAVED)
    claim.refresh_from_db()
    assert claim.text.endswith("Typed on a train.")
    page.reload()
    expect(claim_text(page, claim)).to_have_value(re.compile(r"Typed on a train\.$"))
    expect(page.locator(".editor-kept")).to_have_count(0)


@pytest.mark.parametrize("width", WIDTHS)
def test_two_editors_changing_one_claim_see_both_texts(live_server, new_page, article, width):
    claim = first_fact(article)
    make_editor("colleague")
    mine = open_editor(new_page, live_server, article, width)
    theirs = open_editor(new_page, live_server, article, width, username="colleague")

    type_at_end(theirs, claim, " Their words.")
    expect(status(theirs)).to_have_text(SAVED)

    type_at_end(mine, claim, " My words.")
    box = mine.locator(f"#claim-{claim.uid} .editor-conflict")
    expect(box).to_contain_text("In conflict")
    expect(box.locator("blockquote").first).to_have_text(re.compile(r"Their words\.$"))
    expect(claim_text(mine, claim)).to_have_value(re.compile(r"My words\.$"))
    expect(status(mine)).to_have_text(re.compile(r"claim \d+ is in conflict"))
    claim.refresh_from_db()
    assert claim.text.endswith("Their words.")
    assert_no_axe_violations(mine)

    # Nothing more is sent until the editor acts; Ctrl+S saves theirs over deliberately.
    mine.get_by_role("heading", name="Claims").click()
    mine.wait_for_timeout(1500)
    claim.refresh_from_db()
    assert claim.text.endswith("Their words.")
    claim_text(mine, claim).focus()
    mine.keyboard.press("Control+s")
    expect(status(mine)).to_have_text(SAVED)
    expect(box).to_have_count(0)
    claim.refresh_from_db()
    assert claim.text.endswith("My words.")
    assert Claim.objects.get(pk=claim.pk).text == claim.text


def test_enter_and_the_arrange_buttons_wait_for_the_autosave(live_server, new_page, article):
    """editor.js's own posts and the autosave never race: no refusal, nothing lost."""
    claim = first_fact(article)
    page = open_editor(new_page, live_server, article, 1280)
    refused = []
    page.on(
        "response", lambda r: r.request.method == "POST" and r.status >= 400 and refused.append(r)
    )

    # Enter right after typing: saved by editor.js's post, a new claim opens after it.
    type_at_end(page, claim, " Typed, then Enter.")
    page.keyboard.press("Enter")
    expect(page.locator("#new-claim textarea[name=text]")).to_be_focused()
    claim.refresh_from_db()
    assert claim.text.endswith("Typed, then Enter.")

    # Leaving the claim for its own "Down" button: the autosave lands before the move.
    type_at_end(page, claim, " Then moved.")
    page.locator(f"#claim-{claim.uid}").get_by_role(
        "button", name=re.compile("^Move claim")
    ).last.click()
    expect(status(page)).to_have_text(re.compile("Claim moved"))
    claim.refresh_from_db()
    assert claim.text.endswith("Typed, then Enter. Then moved.")
    page.wait_for_timeout(1500)  # no autosave left behind to answer later
    assert refused == []
    expect(page.locator(".editor-problems, .editor-conflict")).to_have_count(0)


def test_a_server_error_is_retried_and_a_refusal_shown_by_the_claim(live_server, new_page, article):
    claim = first_fact(article)
    page = open_editor(new_page, live_server, article, 1280)
    failures = []

    def fail_once(route):
        if not failures:
            failures.append(route.request.url)
            route.fulfill(status=502, body="Bad gateway")
        else:
            route.continue_()

    page.route(f"**/editor/{claim.uid}/", fail_once)
    type_at_end(page, claim, " Through a hiccup.")
    expect(status(page)).to_have_text("Not saved — retrying")
    expect(status(page)).to_have_text(SAVED)
    claim.refresh_from_db()
    assert claim.text.endswith("Through a hiccup.")

    citations = page.locator(f"#claim-{claim.uid} input[name=citations]")
    citations.fill("one")
    page.keyboard.press("Control+s")
    problems = page.locator(f"#claim-{claim.uid} .editor-problems")
    expect(problems).to_contain_text("Not saved:")
    expect(status(page)).to_have_text(re.compile("^Not saved: "))
    expect(citations).to_have_value("one")  # the text stays as typed
    assert_no_axe_violations(page)
    citations.fill("1")
    page.keyboard.press("Control+s")
    expect(status(page)).to_have_text(SAVED)
    expect(problems).to_have_count(0)
