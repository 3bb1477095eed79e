import datetime

import pytest

from articles.content import (
    ArticleContent,
    ClaimData,
    ClaimKind,
    ContentParseError,
    ReferenceData,
    ReferenceKind,
)
from articles.interchange import parse_text, render_text
from tests.interchange.interchange_support import SEED_PATHS, seed_text, without_chrome

BACLOFEN_USES, BACLOFEN_INDICATION = SEED_PATHS


def claim_by_text(content: ArticleContent, start: str) -> ClaimData:
    return next(claim for claim in content.claims if claim.text.startswith(start))


def errors_of(text: str) -> list[tuple[int | None, str]]:
    with pytest.raises(ContentParseError) as caught:
        parse_text(text)
    return [(error.line, error.message) for error in caught.value.errors]


@pytest.mark.parametrize("path", SEED_PATHS, ids=lambda path: path.stem)
def test_render_of_parsed_seed_matches_the_seed_body_line_for_line(path):
    seed = seed_text(path)
    rendered = render_text(parse_text(seed))
    assert without_chrome(rendered) == without_chrome(seed)


@pytest.mark.parametrize("path", SEED_PATHS, ids=lambda path: path.stem)
def test_exported_text_without_chrome_reads_back_the_same(path):
    content = parse_text(seed_text(path))
    assert parse_text(render_text(content)) == content


def test_seed_title_date_and_display_heading():
    content = parse_text(seed_text(BACLOFEN_USES))
    assert content.title == "What is baclofen used for?"
    assert content.last_updated == datetime.date(2026, 2, 6)
    assert content.display_heading == "What is Baclofen Used For?"
    other = parse_text(seed_text(BACLOFEN_INDICATION))
    assert other.last_updated == datetime.date(2025, 8, 24)
    assert other.display_heading == "Baclofen Indications"


@pytest.mark.parametrize(
    ("path", "start", "kind"),
    [
        (BACLOFEN_USES, "Primary FDA-Approved Indications", ClaimKind.HEADING),
        (BACLOFEN_USES, "High-Risk Populations Requiring Caution:", ClaimKind.SUBHEADING),
        (BACLOFEN_USES, "Common Adverse Effects:", ClaimKind.SUBHEADING),
        (
            BACLOFEN_USES,
            "The FDA explicitly states baclofen is not indicated for:",
            ClaimKind.PARAGRAPH,
        ),
        (BACLOFEN_INDICATION, "Administration Routes", ClaimKind.HEADING),
        (BACLOFEN_INDICATION, "Oral Administration", ClaimKind.SUBHEADING),
        # A sibling of "Oral Administration", read the same way (it was an h3 beside an h4).
        (BACLOFEN_INDICATION, "Intrathecal Administration", ClaimKind.SUBHEADING),
        # Followed directly by a sub-heading, it opens the next section.
        (BACLOFEN_INDICATION, "Important Considerations", ClaimKind.HEADING),
        (BACLOFEN_INDICATION, "Perioperative Management", ClaimKind.SUBHEADING),
        (BACLOFEN_USES, "When to Choose Alternatives", ClaimKind.HEADING),
        (BACLOFEN_INDICATION, "Recommended Uses:", ClaimKind.SUBHEADING),
        (BACLOFEN_INDICATION, "Safety Concerns", ClaimKind.SUBHEADING),
        (BACLOFEN_INDICATION, "Baclofen is a GABA-B receptor agonist", ClaimKind.PARAGRAPH),
        (BACLOFEN_INDICATION, "Baclofen should be considered a mainstay", ClaimKind.PARAGRAPH),
    ],
)
def test_seed_headings_follow_the_documented_heuristic(path, start, kind):
    assert claim_by_text(parse_text(seed_text(path)), start).kind == kind


def test_seed_citations_are_split_off_in_written_order_and_numbers_in_sentences_stay():
    content = parse_text(seed_text(BACLOFEN_USES))
    intrathecal = claim_by_text(content, "Intrathecal baclofen - reserved")
    assert intrathecal.citations == (2, 4, 3)
    assert intrathecal.text.endswith(">65% improvement in spasms")
    oral = claim_by_text(content, "Oral baclofen")
    assert oral.text == (
        "Oral baclofen - typical dosing 30-80 mg/day divided into 3-4 doses, "
        "starting at 5-10 mg/day and titrating slowly"
    )
    assert oral.citations == (2,)
    assert claim_by_text(content, "Pain management").text.endswith(
        "only 2 trials for low back pain"
    )
    assert "—particularly" in claim_by_text(content, "Baclofen is FDA-approved").text


def test_seed_unresolved_citations_are_kept():
    content = parse_text(seed_text(BACLOFEN_USES))
    assert len(content.references) == 5
    assert claim_by_text(content, "Cough suppression").citations == (7,)
    assert content.unresolved_numbers() == [6, 7, 8]


def test_seed_lists_numbering_and_nesting():
    content = parse_text(seed_text(BACLOFEN_INDICATION))
    nested = claim_by_text(content, "Visual and auditory hallucinations")
    assert (nested.kind, nested.level) == (ClaimKind.BULLET, 1)
    assert claim_by_text(content, "Seizures") == ClaimData(ClaimKind.BULLET, "Seizures", 1, (5,))
    uses = parse_text(seed_text(BACLOFEN_USES))
    focal = claim_by_text(uses, "Focal spasticity")
    assert (focal.kind, focal.level, focal.citations) == (ClaimKind.NUMBERED, 0, (2,))


def test_seed_references():
    content = parse_text(seed_text(BACLOFEN_USES))
    assert content.references[1] == ReferenceData(
        ReferenceKind.RESEARCH,
        "Intrathecal baclofen therapy for spinal origin spasticity: spinal cord injury, "
        "spinal cord disease, and multiple sclerosis.",
        "Neuromodulation : journal of the International Neuromodulation Society",
        1999,
    )
    assert content.references[3].source == "Dr.Oracle Medical Advisory Board & Editors"


def test_last_updated_line_without_the_policy_link():
    content = parse_text("Question?\n\nLast updated: August 24, 2025\n\nHeading\n")
    assert content.last_updated == datetime.date(2025, 8, 24)
    assert content.display_heading == "Heading"


@pytest.mark.parametrize(
    "line",
    [
        "Typical dosing 30-80 mg/day",
        "Requires only 10%",
        "With only 2 trials",
        "Usually low (5-10 mg three times daily)",
        "Doses up to 1,000",
        "COVID-19",
    ],
)
def test_numbers_inside_a_sentence_are_not_citations(line):
    content = parse_text(f"Q?\n\nHeading\n\n  • {line}\n")
    assert content.claims == (ClaimData(ClaimKind.BULLET, line),)


@pytest.mark.parametrize(
    ("line", "text", "citations"),
    [
        ("Take 5 mg daily 2, 5, 6", "Take 5 mg daily", (2, 5, 6)),
        ("Take 5 1", "Take 5", (1,)),
        ("Stroke (not established) 0, 12", "Stroke (not established)", (0, 12)),
    ],
)
def test_trailing_citations(line, text, citations):
    content = parse_text(f"Q?\n\nHeading\n\n  • {line}\n")
    assert content.claims == (ClaimData(ClaimKind.BULLET, text, 0, citations),)


@pytest.mark.parametrize("tail", ["2,,3", "2, , 3", "2, 3,"])
def test_malformed_citation_list_names_its_line(tail):
    [(line, message)] = errors_of(f"Q?\n\nHeading\n\nSome claim. {tail}\n")
    assert line == 5
    assert "malformed citation list" in message


def test_missing_title():
    assert errors_of("\n  \n") == [
        (None, "the article has no title: its first line must be the question")
    ]


def test_reference_errors_are_collected_with_line_numbers():
    text = "\n".join(
        [
            "Q?",
            "Heading",
            "Claim. 1",
            "References",
            "Guideline",
            "A title",
            "A source, 2025",
            "Podcast",
            "Another title",
            "A source without a year",
            "Review",
            "Dangling title",
        ]
    )
    errors = errors_of(text)
    assert [line for line, _ in errors] == [8, 10, 11]
    assert "unknown reference type 'Podcast'" in errors[0][1]
    assert "four-digit year" in errors[1][1]
    assert "incomplete" in errors[2][1]


def test_reference_type_is_case_insensitive_and_year_may_stand_alone():
    content = parse_text("Q?\nH\nReferences\nsystematic REVIEW\nTitle\n2024\n")
    assert content.references == (
        ReferenceData(ReferenceKind.SYSTEMATIC_REVIEW, "Title", "", 2024),
    )


def test_bad_date_and_bad_nesting_are_reported_together():
    text = "Q?\nLast updated: February 30, 2026\nHeading\nA paragraph.\n    • Too deep\n"
    assert [line for line, _ in errors_of(text)] == [2, 5]


def test_display_heading_is_absent_when_the_body_starts_with_a_cited_line_or_an_item():
    content = parse_text("Q?\n\nBaclofen relaxes muscle. 1\n")
    assert content.display_heading == ""
    assert content.claims == (ClaimData(ClaimKind.PARAGRAPH, "Baclofen relaxes muscle.", 0, (1,)),)
    assert parse_text("Q?\n\n  • Item\n").display_heading == ""


def test_everything_from_the_disclaimer_on_is_ignored():
    text = "Q?\nHeading\nProfessional Medical Disclaimer\nNot content. 1\n  • Nor this\n"
    assert parse_text(text) == ArticleContent("Q?", display_heading="Heading")


def test_status_words_outside_the_status_block_are_content():
    content = parse_text("Q?\nHeading\nApproved\n")
    assert content.claims == (ClaimData(ClaimKind.HEADING, "Approved"),)


def test_render_numbers_each_list_and_restarts_under_a_new_parent():
    content = ArticleContent(
        "Q?",
        display_heading="H",
        claims=(
            ClaimData(ClaimKind.NUMBERED, "One"),
            ClaimData(ClaimKind.NUMBERED, "One A", 1),
            ClaimData(ClaimKind.NUMBERED, "One B", 1, (3,)),
            ClaimData(ClaimKind.NUMBERED, "Two"),
            ClaimData(ClaimKind.NUMBERED, "Two A", 1),
            ClaimData(ClaimKind.PARAGRAPH, "Then a sentence.", 0, (1, 2)),
            ClaimData(ClaimKind.NUMBERED, "New list"),
        ),
    )
    assert render_text(content) == (
        "Q?\n\nH\n\n"
        "  1. One\n    1. One A\n    2. One B 3\n  2. Two\n    1. Two A\n\n"
        "Then a sentence. 1, 2\n\n"
        "  1. New list\n"
    )
    assert parse_text(render_text(content)) == content


def test_render_leaves_out_what_the_format_cannot_carry():
    content = ArticleContent(
        "Q?",
        display_heading="H",
        last_updated=datetime.date(2026, 2, 6),
        claims=(ClaimData(ClaimKind.PARAGRAPH, "Fact.", 0, (1,), True, "Plain.", "uid"),),
        references=(
            ReferenceData(ReferenceKind.GUIDELINE, "T", "S", 2026, "A", "10.1/x", "1", "u"),
        ),
    )
    assert render_text(content) == (
        "Q?\n\nLast updated: February 6, 2026\n\nH\n\nFact. 1\n\n"
        "References\n\nGuideline\n\nT\n\nS, 2026\n"
    )
