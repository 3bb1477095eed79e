"""The review screen with the source at hand: the cited abstract shows beside the claim and folds
by keyboard, and a claim
whose wording changed without its plain-language version is flagged, at 1280 and 390 px."""

import pytest
from playwright.sync_api import expect

from articles import services
from articles.content import ArticleContent, ClaimData, ClaimKind
from desk.services import claims as claim_services
from tests.browser import assert_no_axe_violations
from tests.factories import (
    declare_no_conflict,
    draft_article,
    make_editor,
    make_policy,
    make_reviewer,
    reference_data,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "pw-for-tests-2026"
ABSTRACT = "Background: 120 adults took baclofen with or without food; absorption did not differ."


def second_round(editor, reviewer):
    content = ArticleContent(
        title="Can I take baclofen with food?",
        claims=(
            ClaimData(
                ClaimKind.PARAGRAPH,
                "Baclofen is usually fine with food.",
                citations=(1,),
                plain_text="You can usually take it with food.",
            ),
        ),
        references=(reference_data(1, abstract=ABSTRACT),),
    )
    article = draft_article(by=editor, content=content)
    services.article_submit(article=article, by=editor)
    declare_no_conflict(article, reviewer)
    services.article_start_review(article=article, by=reviewer)
    services.article_request_changes(article=article, by=reviewer, comment="“Usually fine”?")
    article.refresh_from_db()
    claim = article.claims.get()
    claim_services.claim_edit(
        article=article,
        by=editor,
        expected_version=article.content_version,
        expected_claim_version=claim.version,
        uid=str(claim.uid),
        text="Baclofen can be taken with or without food.",
        plain_text=claim.plain_text,
        citations=(1,),
    )
    article.refresh_from_db()
    services.article_submit(article=article, by=editor, confirm_open_threads=True)
    return article


@pytest.mark.parametrize("width", [1280, 390])
def test_the_reviewer_reads_the_abstract_and_the_paired_flag_by_keyboard(
    live_server, new_page, width
):
    make_policy()
    editor, reviewer = make_editor("e-src"), make_reviewer("r-src")
    article = second_round(editor, reviewer)
    page = new_page(width=width, height=900)
    page.goto(f"{live_server.url}/accounts/login/?next=/desk/")
    page.get_by_label("Username").fill(reviewer.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/desk/")
    page.goto(f"{live_server.url}/desk/articles/{article.pk}/review/")
    expect(
        page.get_by_text("The claim changed and its plain-language version did not.")
    ).to_be_visible()
    expect(page.get_by_text(ABSTRACT)).to_be_visible()  # beside the claim, open
    abstract = page.locator(".review-abstract summary")
    abstract.focus()
    page.keyboard.press("Enter")  # folded away by keyboard, and back
    expect(page.get_by_text(ABSTRACT)).to_be_hidden()
    page.keyboard.press("Enter")
    expect(page.get_by_text(ABSTRACT)).to_be_visible()
    overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{overflow}px too wide at {width}px"
    assert_no_axe_violations(page)


@pytest.mark.parametrize("width", [1280, 390])
def test_the_editor_answers_the_thread_beside_the_claim(live_server, new_page, width):
    from articles.models import ClaimReview

    make_policy()
    editor, reviewer = make_editor("e-thr"), make_reviewer("r-thr")
    article = draft_article(by=editor)
    services.article_submit(article=article, by=editor)
    declare_no_conflict(article, reviewer)
    services.article_start_review(article=article, by=reviewer)
    claim = article.claims.exclude(kind="heading").first()
    services.claim_review(
        claim=claim, by=reviewer, verdict=ClaimReview.Verdict.NEEDS_CHANGE, comment="Which dose?"
    )
    services.article_request_changes(article=article, by=reviewer, comment="See the thread.")
    page = new_page(width=width, height=900)
    page.goto(f"{live_server.url}/accounts/login/?next=/desk/")
    page.get_by_label("Username").fill(editor.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/desk/")
    page.goto(f"{live_server.url}/desk/articles/{article.pk}/editor/")
    item = page.locator(f"#claim-{claim.uid}")
    expect(item.get_by_text("Which dose?")).to_be_visible()
    overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{overflow}px too wide at {width}px"
    assert_no_axe_violations(page)
    reply = item.get_by_label("Reply on claim")
    reply.focus()
    page.keyboard.type("Five milligrams, three times a day.")
    page.keyboard.press("Tab")  # to Reply
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/desk/articles/{article.pk}/editor/#thread-*")
    expect(page.locator(f"#claim-{claim.uid}").get_by_text("Five milligrams")).to_be_visible()
