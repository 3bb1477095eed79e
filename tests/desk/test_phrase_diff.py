"""Diffs people can read: changed words grouped into phrases, bounded in cost, nesting kept."""

import time

import pytest
from django.urls import reverse

from articles import limits, services
from articles.content import ArticleContent, ClaimData, ClaimKind
from desk.diff import MAX_CHANGES, Segment, content_diff, phrase_diff
from tests.desk.review_rounds_support import edit_claim, fact_claims
from tests.factories import approved_article, reference_data


def sides(segments) -> tuple[str, str]:
    """The old and the new text the segments say."""
    old = "".join(s.text for s in segments if s.op != "ins")
    new = "".join(s.text for s in segments if s.op != "del")
    return old, new


def ops(segments) -> list[str]:
    return [s.op for s in segments]


def test_three_changed_words_in_one_phrase_are_one_deletion_and_one_insertion():
    old = "The usual dose is five milligrams three times a day."
    new = "The usual dose is ten milligrams two times per day."
    assert phrase_diff(old, new) == (
        Segment("same", "The usual dose is "),
        Segment("del", "five milligrams three times a"),
        Segment("ins", "ten milligrams two times per"),
        Segment("same", " day."),
    )


def test_adjacent_changed_words_are_one_phrase():
    segments = phrase_diff(
        "Baclofen relieves spasticity in adults.", "Baclofen eases muscle stiffness in adults."
    )
    assert ops(segments) == ["same", "del", "ins", "same"]
    assert segments[1:3] == (
        Segment("del", "relieves spasticity"),
        Segment("ins", "eases muscle stiffness"),
    )


def test_changes_far_apart_stay_apart():
    old = "Baclofen relieves spasticity in adults with multiple sclerosis or a spinal cord injury."
    new = (
        "Tizanidine relieves spasticity in adults with multiple sclerosis or a spinal cord lesion."
    )
    assert ops(phrase_diff(old, new)) == ["del", "ins", "same", "del", "ins"]


def test_a_deletion_always_comes_before_its_insertion():
    for old, new in [
        ("take 10 mg daily", "take 20 mg twice daily"),
        ("abc xxx", "xxx def"),
        ("xxx abc", "def xxx"),
        ("one two three", "three two one"),
    ]:
        segments = phrase_diff(old, new)
        assert sides(segments) == (old, new)
        for before, after in zip(segments, segments[1:], strict=False):
            assert (before.op, after.op) != ("ins", "del"), segments


def test_adding_after_the_last_word_keeps_the_last_word():
    assert phrase_diff("A fact.", "A fact. Another.") == (
        Segment("same", "A fact."),
        Segment("ins", " Another."),
    )


def test_spaces_around_a_phrase_stay_outside_it():
    segments = phrase_diff("take 10 mg daily", "take 20 mg twice daily")
    assert [s.text for s in segments if s.op != "same"] == ["10 mg", "20 mg twice"]


@pytest.mark.parametrize(
    ("old", "new"),
    [("", "New text."), ("Old text.", ""), ("", ""), ("  lead", "  lead more"), ("a  b", "a b")],
)
def test_every_character_is_kept_on_both_sides(old, new):
    assert sides(phrase_diff(old, new)) == (old, new)


def test_a_claim_at_the_size_limit_keeps_every_word():
    words = ["the", "dose", "of", "10", "mg", "daily", "and", "in", "children"]
    old = " ".join(words[(n * 7) % 9] for n in range(400))[: limits.MAX_CLAIM_CHARS]
    new = " ".join(words[(n * 5) % 9] for n in range(400))[: limits.MAX_CLAIM_CHARS]
    assert sides(phrase_diff(old, new)) == (old, new)


def test_a_text_changed_throughout_is_one_change_between_its_kept_ends():
    old = " ".join(f"w{n}" for n in range(600))
    new = " ".join(f"x{n}" if n % 3 == 1 else f"w{n}" for n in range(600))
    segments = phrase_diff(old, new)
    assert sides(segments) == (old, new)
    assert len([s for s in segments if s.op != "same"]) <= 2 * MAX_CHANGES
    assert ops(segments) == ["same", "del", "ins", "same"]


def test_a_huge_input_is_compared_quickly_and_completely():
    old = " ".join(f"word{n}" for n in range(150_000))
    new = old.replace("word70000 ", "changed ").replace("word5 ", "") + " end."
    started = time.perf_counter()
    segments = phrase_diff(old, new)
    assert time.perf_counter() - started < 3
    assert sides(segments) == (old, new)
    many = "".join(f"w{n} x " for n in range(1000))
    started = time.perf_counter()
    segments = phrase_diff(many, many.replace(" x ", " y "))
    assert time.perf_counter() - started < 1
    assert sides(segments) == (many, many.replace(" x ", " y "))


def test_the_content_diff_uses_phrases_for_claims_and_plain_language():
    old = ArticleContent(
        title="Q?",
        claims=(ClaimData(ClaimKind.PARAGRAPH, "Take five mg three times a day.", uid="u1"),),
    )
    new = ArticleContent(
        title="Q?",
        claims=(
            ClaimData(
                ClaimKind.PARAGRAPH,
                "Take ten mg two times per day.",
                uid="u1",
                plain_text="Twice a day.",
            ),
        ),
    )
    change = content_diff(old, new).claims[0]
    assert ops(change.segments) == ["same", "del", "ins", "same"]
    assert change.plain_segments == (Segment("ins", "Twice a day."),)


# -- On the pages ------------------------------------------------------------------------


def nested(level_of_last: int = 2) -> ArticleContent:
    return ArticleContent(
        title="What does baclofen treat?",
        claims=(
            ClaimData(ClaimKind.BULLET, "Spasticity.", citations=(1,)),
            ClaimData(ClaimKind.BULLET, "From multiple sclerosis.", level=1, citations=(1,)),
            ClaimData(ClaimKind.BULLET, "In the legs.", level=level_of_last, citations=(1,)),
        ),
        references=(reference_data(1),),
    )


def item_before(page: str, text: str) -> str:
    """The opening of the list item that holds ``text``."""
    item = page[: page.index(text)]
    return item[item.rindex("<li") :]


@pytest.mark.django_db
def test_the_diff_page_shows_phrases_at_full_width(client, editor, reviewer, policy):
    article = approved_article(by=editor, reviewer=reviewer)
    services.article_revise(article=article, by=editor)
    claim = fact_claims(article)[0]
    edit_claim(article, by=editor, uid=claim.uid, text="In adults, claim 1 states a firm fact.")
    client.force_login(reviewer)
    page = client.get(reverse("desk:diff", kwargs={"pk": article.pk})).content.decode()
    assert "<del>Claim</del><ins>In adults, claim</ins> 1 states a <ins>firm </ins>fact." in page


@pytest.mark.django_db
@pytest.mark.parametrize("tab", ["diff", "version"])
def test_nested_items_read_nested_on_the_diff_and_timeline_tabs(client, editor, reviewer, tab):
    from tests.factories import draft_article

    article = draft_article(by=editor, content=nested())
    when = article.history.latest().history_date
    client.force_login(editor)
    url = reverse(f"desk:{tab}", kwargs={"pk": article.pk})
    page = client.get(url, {"at": when.isoformat()} if tab == "version" else {}).content.decode()
    for text, level in (("Spasticity.", 0), ("From multiple sclerosis.", 1), ("In the legs.", 2)):
        assert f"nest-{level}" in item_before(page, text), (tab, text)
