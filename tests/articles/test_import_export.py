"""The seed pages come in through import_article and go back out through export_article."""

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from articles.models import Article, ArticleTransition, Claim, Reference
from articles.selectors import article_get_content
from articles.workflow import ArticleState
from tests.factories import declare_no_conflict, draft_article

pytestmark = pytest.mark.django_db

SEEDS = sorted((Path(__file__).resolve().parents[2] / "data" / "seeds").glob("*.txt"))

CHROME_FROM = "Professional Medical Disclaimer"
CHROME_LINES = {
    "Article Review Status",
    "Submitted",
    "Under Review",
    "Approved",
    "Personalize",
    "Help us tailor your experience",
}


def seed_body_lines(path: Path) -> list[str]:
    """The seed's title, body and references, white space normalised, page chrome left out."""
    lines = []
    for raw in path.read_text().splitlines():
        line = " ".join(raw.split())
        if line == CHROME_FROM:
            break
        if (
            not line
            or line in CHROME_LINES
            or line.startswith(
                ("Medical Advisory Board", "Educational purpose only", "Which best describes you?")
            )
        ):
            continue
        if line.startswith("Last updated:"):
            line = line.removesuffix("View editorial policy")
        lines.append(line)
    return lines


def normalised(text: str) -> list[str]:
    return [" ".join(line.split()) for line in text.splitlines() if line.strip()]


def run(command, *args):
    out, err = StringIO(), StringIO()
    call_command(command, *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def import_seeds():
    return run("import_article", *map(str, SEEDS))


def test_there_are_two_seeds():
    assert len(SEEDS) == 2


def test_both_seeds_import_as_submitted_with_six_shared_references():
    out, _ = import_seeds()
    articles = list(Article.objects.order_by("pk"))
    assert [a.title for a in articles] == [
        "What is baclofen used for?",
        "What is the indication for Baclofen (Lioresal)?",
    ]
    assert all(a.state == ArticleState.SUBMITTED for a in articles)
    assert Reference.objects.count() == 6
    first, second = articles
    assert first.slug == "what-is-baclofen-used-for"
    assert first.display_heading == "What is Baclofen Used For?"
    assert str(first.last_updated) == "2026-02-06" and str(second.last_updated) == "2025-08-24"
    assert article_get_content(article=first).unresolved_numbers() == [6, 7, 8]
    assert article_get_content(article=second).unresolved_numbers() == [4, 5, 6]
    assert "unresolved citations: 6, 7, 8" in out
    for article in articles:
        log = ArticleTransition.objects.get(article=article)
        assert (log.name, log.source, log.target) == ("receive_import", "draft", "submitted")
        assert log.comment.startswith("Imported from ")
        assert article.history.latest().history_change_reason.startswith("Imported")


def test_trailing_numbers_become_ordered_citations_but_numbers_in_sentences_do_not():
    import_seeds()
    article = Article.objects.get(slug="what-is-baclofen-used-for")
    claim = Claim.objects.get(article=article, text__startswith="Intrathecal baclofen - reserved")
    assert claim.text.endswith("improvement in spasms")
    assert [
        c.reference.title if c.reference else c.unresolved_label for c in claim.citations.all()
    ] == [
        "Intrathecal baclofen therapy for spinal origin spasticity: spinal cord injury, spinal cord disease, and multiple sclerosis.",
        "Guideline Directed Topic Overview",
        "Baclofen Uses in Clinical Practice",
    ]
    dosing = Claim.objects.get(article=article, text__startswith="Oral baclofen - typical dosing")
    assert "30-80 mg/day" in dosing.text and dosing.citations.count() == 1


@pytest.mark.parametrize("index", [0, 1])
def test_export_reproduces_the_seed_line_for_line(index):
    import_seeds()
    slug = Article.objects.order_by("pk")[index].slug
    out, _ = run("export_article", slug, "--format", "text")
    assert normalised(out) == seed_body_lines(SEEDS[index])


@pytest.mark.parametrize("fmt", ["markdown", "json", "text"])
def test_round_trip_through_each_format_is_lossless(tmp_path, fmt):
    import_seeds()
    for article in Article.objects.all():
        before = article_get_content(article=article)
        out, _ = run("export_article", article.slug, "--format", fmt)
        path = (
            tmp_path / f"{article.slug}.{ {'markdown': 'md', 'json': 'json', 'text': 'txt'}[fmt] }"
        )
        path.write_text(out)
        # Importing the export of an unchanged article changes nothing.
        result, _ = run("import_article", str(path))
        assert "unchanged" in result
        assert article_get_content(article=article) == before


def test_reimporting_the_same_file_changes_nothing():
    import_seeds()
    counts = (
        Article.objects.count(),
        Claim.objects.count(),
        Reference.objects.count(),
        Article.history.count(),
    )
    out, _ = import_seeds()
    assert out.count("unchanged") == 2
    assert counts == (
        Article.objects.count(),
        Claim.objects.count(),
        Reference.objects.count(),
        Article.history.count(),
    )


def test_a_changed_version_becomes_a_new_draft_revision_of_the_same_article(tmp_path):
    import_seeds()
    article = Article.objects.get(slug="what-is-baclofen-used-for")
    uids = {c.text: c.uid for c in article.claims.all()}
    changed = (
        SEEDS[0]
        .read_text()
        .replace(
            "Stroke (efficacy not established) 1", "Stroke (efficacy not established in trials) 1"
        )
    )
    path = tmp_path / "baclofen-v2.txt"
    path.write_text(changed)
    out, _ = run("import_article", str(path))
    assert "revised" in out
    assert Article.objects.filter(title=article.title).count() == 1
    article.refresh_from_db()
    assert article.state == ArticleState.DRAFT
    texts = {c.text: c.uid for c in article.claims.all()}
    assert "Stroke (efficacy not established in trials)" in texts
    # Unchanged claims are the same claims, so review comments can follow them.
    assert (
        texts["Skeletal muscle spasm from rheumatic disorders"]
        == uids["Skeletal muscle spasm from rheumatic disorders"]
    )
    assert (
        texts["Stroke (efficacy not established in trials)"]
        == uids["Stroke (efficacy not established)"]
    )
    assert article.history.count() > 2


BAD_INPUTS = {
    "empty.txt": (b"", "empty"),
    "binary.txt": (b"\x00\x01\x02PNG", "binary"),
    "no-title.txt": (b"\n\n   \n", ""),
    "no-year.txt": (
        b"Q?\n\nHeading\n\nA fact. 1\n\nReferences\n\nGuideline\n\nSome title\n\nSome source\n",
        "year",
    ),
    "bad-type.txt": (
        b"Q?\n\nHeading\n\nA fact. 1\n\nReferences\n\nPamphlet\n\nSome title\n\nSome source, 2020\n",
        "type",
    ),
    "bad-list.txt": (b"Q?\n\nHeading\n\nA fact. 2,,3\n", "line"),
    "bad.json": (json.dumps({"title": 5}).encode(), "$"),
}


@pytest.mark.parametrize("name", list(BAD_INPUTS))
def test_bad_input_is_refused_with_a_clear_message_and_nothing_written(tmp_path, name):
    data, hint = BAD_INPUTS[name]
    bad = tmp_path / name
    bad.write_bytes(data)
    good = SEEDS[1]
    with pytest.raises(CommandError, match="1 of 2 file"):
        call_command(
            "import_article", str(bad), str(good), stdout=StringIO(), stderr=(err := StringIO())
        )
    message = err.getvalue()
    assert message.startswith(f"{bad}: ")
    assert hint.lower() in message.lower()
    # The good file went in; nothing at all from the bad one.
    assert [a.title for a in Article.objects.all()] == [
        "What is the indication for Baclofen (Lioresal)?"
    ]
    assert Reference.objects.count() == 3


def test_an_oversized_file_is_refused(tmp_path):
    big = tmp_path / "big.txt"
    big.write_bytes(b"Q?\n\n" + b"A line. 1\n" * 120_000)
    with pytest.raises(CommandError):
        call_command("import_article", str(big), stdout=StringIO(), stderr=(err := StringIO()))
    assert "big.txt" in err.getvalue() and Article.objects.count() == 0


def test_a_missing_file_is_reported(tmp_path):
    with pytest.raises(CommandError):
        call_command(
            "import_article",
            str(tmp_path / "nope.txt"),
            stdout=StringIO(),
            stderr=(err := StringIO()),
        )
    assert "nope.txt: cannot read" in err.getvalue()


def test_an_article_under_review_is_not_overwritten_by_an_import(tmp_path, editor, reviewer):
    from articles import services

    import_seeds()
    article = Article.objects.get(slug="what-is-baclofen-used-for")
    declare_no_conflict(article, reviewer)
    services.article_start_review(article=article, by=reviewer)
    path = tmp_path / "v2.txt"
    path.write_text(SEEDS[0].read_text().replace("Stroke (efficacy", "Stroke (efficacy still"))
    with pytest.raises(CommandError):
        call_command("import_article", str(path), stdout=StringIO(), stderr=(err := StringIO()))
    assert "under review" in err.getvalue()
    article.refresh_from_db()
    assert article.state == ArticleState.UNDER_REVIEW


def test_export_of_an_unknown_slug_fails_clearly():
    with pytest.raises(CommandError, match="No article"):
        run("export_article", "no-such-article")


def test_export_published_gives_the_approved_version(editor):
    article = draft_article(by=editor)
    with pytest.raises(CommandError, match="no approved version"):
        run("export_article", article.slug, "--published")
