"""Abstracts: read from every format, kept in the library, and outside what readers see."""

from __future__ import annotations

import json

import pytest

from articles import services
from articles.bibliography import parse_references
from articles.bibliography.entries import MAX_ABSTRACT, abstract_text
from articles.content import ReferenceData, ReferenceKind
from articles.models import Reference
from articles.reviewed import REFERENCE_FIELDS, content_fingerprint
from articles.selectors import article_get_content
from tests.factories import draft_article, under_review_article

MEDLINE = """PMID- 4242
TI  - Baclofen for spasticity.
TA  - BMJ
DP  - 2021
AB  - BACKGROUND: Spasticity is common. METHODS: We searched
      three databases.
"""

RIS = """TY  - JOUR
TI  - Baclofen for spasticity
T2  - BMJ
PY  - 2021
AB  - Spasticity is common.
ER  -
"""

BIBTEX = """@article{smith2021,
  title = {Baclofen for spasticity},
  journal = {BMJ},
  year = {2021},
  abstract = {Spasticity is common in multiple sclerosis.}
}
"""

CSL = json.dumps(
    [
        {
            "type": "article-journal",
            "title": "Baclofen for spasticity",
            "container-title": "BMJ",
            "issued": {"date-parts": [[2021]]},
            "abstract": "<jats:p>Spasticity is <jats:italic>common</jats:italic>.</jats:p>",
        }
    ]
)


def only(text: str, fmt: str = "auto"):
    _, entries = parse_references(text, fmt)
    assert len(entries) == 1 and entries[0].ok, entries
    return entries[0]


@pytest.mark.parametrize(
    ("text", "abstract"),
    [
        (MEDLINE, "BACKGROUND: Spasticity is common. METHODS: We searched three databases."),
        (RIS, "Spasticity is common."),
        (BIBTEX, "Spasticity is common in multiple sclerosis."),
        (CSL, "Spasticity is common."),
    ],
    ids=["medline", "ris", "bibtex", "csl-json"],
)
def test_each_format_keeps_the_abstract(text, abstract):
    assert only(text).data.abstract == abstract


def test_an_entry_without_an_abstract_has_none():
    text = "PMID- 4242\nTI  - Answer to everything.\nTA  - BMJ\nDP  - 2021\n"
    assert only(text).data.abstract == ""


def test_a_csl_abstract_that_is_not_text_refuses_the_item():
    item = json.loads(CSL)
    item[0]["abstract"] = ["a", "list"]
    _, entries = parse_references(json.dumps(item), "csl-json")
    assert entries[0].problems == ("“abstract” should be text, not a list",)


def test_jats_sections_become_labelled_paragraphs():
    jats = (
        "<jats:title>Abstract</jats:title>"
        "<jats:sec><jats:title>Background</jats:title><jats:p>Pain &amp; spasm.</jats:p></jats:sec>"
        "<jats:sec><jats:title>Results</jats:title><jats:p>It   helped.</jats:p></jats:sec>"
    )
    assert abstract_text(jats) == ("Background: Pain & spasm.\n\nResults: It helped.", ())


def test_plain_paragraphs_are_kept_and_a_less_than_sign_is_no_markup():
    text = "First  line\ncontinues.\n\n\nSecond: x<y and y>z."
    assert abstract_text(text) == ("First line continues.\n\nSecond: x<y and y>z.", ())


def test_an_overlong_abstract_is_cut_at_a_word_and_said_so():
    text, notes = abstract_text("word " * 3000)
    assert len(text) <= MAX_ABSTRACT and text.endswith("word…")
    assert notes == ("the abstract is shortened: the library keeps 10,000 characters",)


def test_the_abstract_is_no_reviewed_detail_and_does_not_tell_two_records_apart():
    assert "abstract" not in REFERENCE_FIELDS
    bare = ReferenceData(kind=ReferenceKind.RESEARCH, title="T", source="S", year=2020)
    with_abstract = ReferenceData(
        kind=ReferenceKind.RESEARCH, title="T", source="S", year=2020, abstract="A."
    )
    assert bare == with_abstract


# -- In the library ----------------------------------------------------------------------------


def test_an_import_stores_the_abstract(editor):
    services.references_import(entries=[only(MEDLINE)], by=editor)
    assert Reference.objects.get(pmid="4242").abstract.startswith("BACKGROUND: Spasticity")


def test_an_import_completes_a_missing_abstract_in_place_while_nothing_reviewed_cites_it(editor):
    article = draft_article(by=editor)
    cited = Reference.objects.get(title="Guideline number 1")
    entry = only(
        f"TY  - GEN\nTI  - {cited.title}\nT2  - {cited.source}\nPY  - {cited.year}\n"
        "AB  - What the guideline says.\nER  -\n"
    )
    before = content_fingerprint(article_get_content(article=article))
    services.references_import(entries=[entry], by=editor)
    cited.refresh_from_db()
    assert cited.abstract == "What the guideline says."
    assert cited.is_current
    assert content_fingerprint(article_get_content(article=article)) == before


def test_an_abstract_already_kept_is_not_replaced_by_an_import(editor):
    services.references_import(entries=[only(MEDLINE)], by=editor)
    other = MEDLINE.replace("BACKGROUND: Spasticity is common.", "Another summary.")
    services.references_import(entries=[only(other)], by=editor)
    assert Reference.objects.get(pmid="4242").abstract.startswith("BACKGROUND")


def test_a_reviewed_reference_is_never_changed_in_place_for_an_abstract(editor, reviewer):
    article = under_review_article(by=editor, reviewer=reviewer)
    cited = Reference.objects.get(title="Guideline number 1")
    before = content_fingerprint(article_get_content(article=article))
    entry = only(
        f"TY  - GEN\nTI  - {cited.title}\nT2  - {cited.source}\nPY  - {cited.year}\n"
        "AB  - What the guideline says.\nER  -\n"
    )
    outcome = services.references_import(entries=[entry], by=editor)
    cited.refresh_from_db()
    assert cited.abstract == "" and not cited.is_current  # kept exactly as reviewed
    successor = outcome.entries[0].reference
    assert successor.replaces == cited
    assert successor.abstract == "What the guideline says."
    article.refresh_from_db()
    assert content_fingerprint(article_get_content(article=article)) == before


def test_a_new_version_made_for_another_change_keeps_the_abstract(editor, reviewer):
    entry = only(
        "TY  - GEN\nTI  - Guideline number 1\nT2  - Praxis Medical Insights\nPY  - 2021\n"
        "AB  - What the guideline says.\nER  -\n"
    )
    services.references_import(entries=[entry], by=editor)
    under_review_article(by=editor, reviewer=reviewer)  # cites it: now it is frozen
    reviewed = Reference.objects.get(title="Guideline number 1")
    successor = services.reference_update(
        reference=reviewed, by=editor, changes={"url": "https://example.org/guideline"}
    )
    assert successor.pk != reviewed.pk
    assert successor.abstract == reviewed.abstract == "What the guideline says."
