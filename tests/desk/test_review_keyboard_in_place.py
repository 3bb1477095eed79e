"""The review screen by keyboard: thread steps answered in place, verdicts announced, and the
same doors as without a script."""

import re

import pytest
from django.urls import reverse

from articles import services
from articles.models import ClaimThread, ThreadMessage
from desk.views.threads import DONE
from tests.desk.review_rounds_support import (
    declared_no_conflict,
    fact_claims,
    first_round,
    make_editor_in_chief,
    second_round,
    threads_of,
)

pytestmark = pytest.mark.django_db

Status = ClaimThread.Status
FETCH = {"X-Requested-With": "fetch"}


@pytest.fixture
def people(anonymous, editor, reviewer):
    return {
        "anonymous": anonymous,
        "editor": editor,
        "reviewer": reviewer,
        "chief": make_editor_in_chief(),
    }


def thread_url(article, thread, step):
    return reverse("desk:thread", kwargs={"pk": article.pk, "thread_pk": thread.pk, "step": step})


def review_url(article):
    return reverse("desk:review", kwargs={"pk": article.pk})


def is_fragment(answer) -> bool:
    return not answer.content.decode().lstrip().startswith("<!DOCTYPE")


def announced(answer) -> str:
    found = re.search(r'data-desk-message="([^"]*)"', answer.content.decode())
    return found.group(1) if found else ""


# -- The steps in place, and without a script -----------------------------------------------


def test_resolving_in_place_answers_with_the_thread_alone(client, editor, reviewer):
    article = second_round(editor=editor, reviewer=reviewer)
    thread = threads_of(article)[0]
    client.force_login(reviewer)
    answer = client.post(thread_url(article, thread, "resolve"), {"back": "review"}, headers=FETCH)
    assert answer.status_code == 200 and is_fragment(answer)
    page = answer.content.decode()
    assert page.lstrip().startswith(f'<section id="thread-{thread.pk}"')
    assert announced(answer) == DONE["resolve"]
    assert "thread-badge-resolved" in page and "Reopen thread" in page
    assert 'data-async="#thread-' in page  # the next step is in place too
    thread.refresh_from_db()
    assert thread.status == Status.RESOLVED


def test_reopening_in_place_keeps_the_claim_number_and_says_why(client, editor, reviewer):
    article = second_round(editor=editor, reviewer=reviewer)
    thread = threads_of(article)[0]
    client.force_login(reviewer)
    answer = client.post(
        thread_url(article, thread, "reopen"),
        {"body": "Still too broad.", "back": "review"},
        headers=FETCH,
    )
    assert answer.status_code == 200 and is_fragment(answer)
    page = answer.content.decode()
    assert "Still too broad." in page and "Thread on claim 2" in page
    assert announced(answer) == DONE["reopen"]
    thread.refresh_from_db()
    assert thread.status == Status.OPEN


def test_replying_in_place_adds_the_message(client, editor, reviewer):
    article = first_round(editor=editor, reviewer=reviewer)
    thread = threads_of(article)[0]
    client.force_login(editor)
    answer = client.post(
        thread_url(article, thread, "reply"),
        {"body": "Limited to adults now.", "back": "article"},
        headers=FETCH,
    )
    assert answer.status_code == 200 and is_fragment(answer)
    assert "Limited to adults now." in answer.content.decode()
    assert announced(answer) == DONE["reply"]
    assert thread.messages.filter(event=ThreadMessage.Event.REPLY).count() == 1


def test_without_a_script_each_step_still_goes_back_to_the_screen(client, editor, reviewer):
    article = second_round(editor=editor, reviewer=reviewer)
    thread = threads_of(article)[0]
    client.force_login(reviewer)
    back = review_url(article) + f"#thread-{thread.pk}"
    answer = client.post(thread_url(article, thread, "resolve"), {"back": "review"})
    assert (answer.status_code, answer["Location"]) == (302, back)
    answer = client.post(
        thread_url(article, thread, "reopen"), {"body": "Again.", "back": "review"}
    )
    assert (answer.status_code, answer["Location"]) == (302, back)
    client.force_login(editor)
    answer = client.post(thread_url(article, thread, "reply"), {"body": "Done.", "back": "editor"})
    assert answer.status_code == 302
    assert (
        answer["Location"]
        == reverse("desk:editor", kwargs={"pk": article.pk}) + f"#thread-{thread.pk}"
    )


def test_a_refused_step_in_place_keeps_the_text_beside_the_reason(client, editor, reviewer):
    article = second_round(editor=editor, reviewer=reviewer)
    thread = threads_of(article)[0]
    client.force_login(reviewer)
    # Reopening says why; an empty note is refused and the thread is drawn with the reason.
    answer = client.post(
        thread_url(article, thread, "reopen"), {"body": "", "back": "review"}, headers=FETCH
    )
    assert answer.status_code == 400 and is_fragment(answer)
    assert "Write something to say why it is reopened." in answer.content.decode()
    assert 'role="alert"' in answer.content.decode()
    services.thread_resolve(thread=thread, by=reviewer)
    answer = client.post(
        thread_url(article, thread, "resolve"), {"body": "Fine.", "back": "review"}, headers=FETCH
    )
    assert answer.status_code == 409 and is_fragment(answer)
    page = answer.content.decode()
    assert "This thread is already resolved." in page and "Fine." in page


def test_the_editor_screen_gets_its_own_thread_without_settling_buttons(client, editor, reviewer):
    article = first_round(editor=editor, reviewer=reviewer)
    thread = threads_of(article)[0]
    client.force_login(editor)
    answer = client.post(thread_url(article, thread, "address"), {"back": "editor"}, headers=FETCH)
    page = answer.content.decode()
    assert answer.status_code == 200 and "Marked addressed" in page
    assert "Resolve thread" not in page and 'name="back" value="editor"' in page


# -- Every role on the steps, with and without a script ---------------------------------------

# Without a script: 302 back to the screen (or to log in); with one, 200 and the thread alone.
# Refusals are 403 either way, and the step is not taken.
RESOLVE = {"anonymous": 302, "editor": 403, "reviewer": 200, "chief": 403}
REPLY = {"anonymous": 302, "editor": 200, "reviewer": 403, "chief": 403}


@pytest.mark.parametrize("in_place", [False, True])
@pytest.mark.parametrize("role", RESOLVE)
def test_who_may_resolve_in_place_is_who_may_resolve(
    client, people, editor, reviewer, role, in_place
):
    article = second_round(editor=editor, reviewer=reviewer)
    thread = threads_of(article)[0]
    if people[role].is_authenticated:
        client.force_login(people[role])
    answer = client.post(
        thread_url(article, thread, "resolve"),
        {"back": "review"},
        headers=FETCH if in_place else {},
    )
    expected = RESOLVE[role]
    if expected == 200 and not in_place:
        expected = 302
    assert answer.status_code == expected
    if role == "anonymous":
        assert "/accounts/login/" in answer["Location"]
    thread.refresh_from_db()
    assert (thread.status == Status.RESOLVED) == (role == "reviewer")


@pytest.mark.parametrize("in_place", [False, True])
@pytest.mark.parametrize("role", REPLY)
def test_who_may_reply_in_place_is_who_may_reply(client, people, editor, reviewer, role, in_place):
    article = first_round(editor=editor, reviewer=reviewer)
    thread = threads_of(article)[0]
    if people[role].is_authenticated:
        client.force_login(people[role])
    answer = client.post(
        thread_url(article, thread, "reply"), {"body": "Fixed."}, headers=FETCH if in_place else {}
    )
    expected = REPLY[role]
    if expected == 200 and not in_place:
        expected = 302
    assert answer.status_code == expected
    assert thread.messages.filter(body="Fixed.").exists() == (role == "editor")


@pytest.mark.parametrize("in_place", [False, True])
@pytest.mark.parametrize("role", RESOLVE)
def test_who_may_reopen_in_place_is_who_may_reopen(
    client, people, editor, reviewer, role, in_place
):
    article = second_round(editor=editor, reviewer=reviewer)
    thread = threads_of(article)[0]  # addressed by the editor
    if people[role].is_authenticated:
        client.force_login(people[role])
    answer = client.post(
        thread_url(article, thread, "reopen"),
        {"body": "Not yet.", "back": "review"},
        headers=FETCH if in_place else {},
    )
    expected = RESOLVE[role]
    if expected == 200 and not in_place:
        expected = 302
    assert answer.status_code == expected
    thread.refresh_from_db()
    assert (thread.status == Status.OPEN) == (role == "reviewer")


def test_the_thread_alone_costs_a_fixed_number_of_queries(
    client, editor, reviewer, django_assert_num_queries
):
    article = second_round(editor=editor, reviewer=reviewer, claims=12)
    thread = threads_of(article)[0]
    client.force_login(reviewer)
    # session, user, user perms, group perms, article + contributors, the thread (7); the step:
    # savepoint, the thread locked, the policy (contributors, credentials, declaration), the
    # update, the message, release (8); the fragment: who may answer and settle (credentials,
    # declaration), the claims' order, the thread and its messages (5). None grows with claims.
    with django_assert_num_queries(20) as captured:
        answer = client.post(
            thread_url(article, thread, "resolve"), {"back": "review"}, headers=FETCH
        )
    assert answer.status_code == 200, captured


# -- The review screen carries what the keys need ---------------------------------------------


def test_the_review_screen_is_ready_for_the_keyboard(client, editor, reviewer):
    article = second_round(editor=editor, reviewer=reviewer)
    client.force_login(reviewer)
    page = client.get(review_url(article)).content.decode()
    assert 'data-controller="review-keys"' in page and "js/desk-controllers.js" in page
    # The keys are listed where the script shows them; without it the hint stays hidden.
    assert re.search(r'class="help review-keys-hint"[^>]* hidden>Keys: <kbd>j</kbd>', page)
    assert 'role="status" aria-live="polite" data-desk-status' in page
    for claim in article.claims.all():
        assert re.search(
            rf'<li id="claim-{claim.uid}"[^>]* tabindex="-1" aria-labelledby="claim-text-{claim.uid}"'
            r' data-review-keys-target="claim"',
            page,
        ), claim.text
    for thread in threads_of(article):
        assert f'data-async="#thread-{thread.pk}"' in page


def test_a_verdict_saved_in_place_says_so(client, editor, reviewer):
    article = second_round(editor=editor, reviewer=reviewer)
    declared_no_conflict(article, reviewer)
    first, second, *_ = fact_claims(article)
    client.force_login(reviewer)
    url = reverse("desk:claim_review", kwargs={"pk": article.pk, "uid": first.uid})
    answer = client.post(url, {"verdict": "verified"}, headers=FETCH)
    assert answer.status_code == 200 and announced(answer) == "Claim 2 verified."
    url = reverse("desk:claim_review", kwargs={"pk": article.pk, "uid": second.uid})
    answer = client.post(url, {"verdict": "needs_change", "comment": ""}, headers=FETCH)
    assert answer.status_code == 400
    assert announced(answer).startswith("Claim 3 not saved: ")
    answer = client.post(
        url, {"verdict": "needs_change", "comment": "Name the dose."}, headers=FETCH
    )
    assert announced(answer) == "Claim 3: needs change, sent to the editors in its thread."
    # Only the row carries the words to announce, not the thread inside it.
    assert answer.content.decode().count("data-desk-message") == 1
