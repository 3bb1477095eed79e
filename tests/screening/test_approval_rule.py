"""Before approval: a claim citing a retracted paper needs a reviewer's justification."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django_fsm import TransitionNotAllowed

from articles import services as article_services
from articles.errors import ConditionsNotMet
from articles.models import ClaimReview, Reference
from articles.selectors import article_get_content
from articles.workflow import ArticleState
from screening import rules
from screening.services import citation_justify
from tests.factories import draft_article, under_review_article, verify_all_claims
from tests.screening.conftest import cited_content, paper
from tests.screening.csv_support import record, write_csv

pytestmark = pytest.mark.django_db

RETRACTED = "10.1000/retracted"
CORRECTED = "10.1000/corrected"


@pytest.fixture
def notices(tmp_path, import_csv):
    rows = [
        record(1, OriginalPaperDOI=RETRACTED, RetractionDate="3/14/2024 0:00"),
        record(
            2, OriginalPaperDOI=CORRECTED, RetractionNature="Correction", Reason="+Error in Figure;"
        ),
        record(
            3,
            OriginalPaperDOI="",
            OriginalPaperPubMedID="31000003",
            RetractionNature="Expression of concern",
        ),
    ]
    assert import_csv(write_csv(tmp_path / "rw.csv", rows))[0] == 0


@pytest.fixture
def in_review(notices, editor, reviewer, policy):
    """Claim 1 cites a retracted paper (written as a URL), claim 2 a corrected one, claim 3 a
    paper under an expression of concern (by PMID only)."""
    content = cited_content(
        paper(1, doi=f"https://doi.org/{RETRACTED.upper()}"),
        paper(2, doi=CORRECTED),
        paper(3, pmid="31000003"),
    )
    return under_review_article(by=editor, reviewer=reviewer, content=content)


def claim(article, n):
    return article.claims.filter(citations__isnull=False).order_by("position")[n - 1]


def reference(article, n):
    return claim(article, n).citations.get().reference


def justify(article, reviewer, n=1, text="The article discusses why the trial was retracted."):
    return citation_justify(
        claim=claim(article, n), reference=reference(article, n), by=reviewer, text=text
    )


def test_a_claim_citing_a_retracted_paper_cannot_be_verified(in_review, reviewer):
    with pytest.raises(ConditionsNotMet) as refused:
        article_services.claim_review(claim=claim(in_review, 1), by=reviewer, verdict="verified")
    assert "retracted in March 2024" in str(refused.value)
    assert not ClaimReview.objects.exists()
    # "Needs change" is always open to the reviewer.
    article_services.claim_review(
        claim=claim(in_review, 1), by=reviewer, verdict="needs_change", comment="Replace it."
    )


def test_corrections_and_expressions_of_concern_do_not_block(in_review, reviewer):
    for n in (2, 3):
        article_services.claim_review(claim=claim(in_review, n), by=reviewer, verdict="verified")


def test_the_article_cannot_be_approved_until_the_citation_is_justified(
    in_review, reviewer, other_reviewer
):
    for n in (2, 3):
        article_services.claim_review(claim=claim(in_review, n), by=reviewer, verdict="verified")
    found = rules.unjustified_retracted_citations(in_review)
    assert [(f.claim_id, f.notice.record_id) for f in found] == [(claim(in_review, 1).pk, 1)]
    with pytest.raises(ConditionsNotMet) as refused:
        article_services.article_approve(article=in_review, by=reviewer)
    assert any("cite a retracted paper" in reason for reason in refused.value.reasons)

    justification = justify(in_review, reviewer)
    assert justification.notice.record_id == 1
    assert rules.unjustified_retracted_citations(in_review) == []
    article_services.claim_review(claim=claim(in_review, 1), by=reviewer, verdict="verified")
    verify_all_claims(in_review, reviewer)  # the headings too
    article_services.article_approve(article=in_review, by=reviewer)
    assert in_review.state == ArticleState.APPROVED


def test_the_approval_rule_alone_blocks_even_a_verified_claim(in_review, reviewer):
    """A paper retracted after the claim was verified still blocks the approval."""
    justify(in_review, reviewer)
    verify_all_claims(in_review, reviewer)
    from screening.models import CitationJustification

    CitationJustification.objects.all().delete()
    in_review.forget_cached_content()
    assert not rules.has_no_unjustified_retracted_citation(in_review)
    with pytest.raises(ConditionsNotMet):
        article_services.article_approve(article=in_review, by=reviewer)


def test_a_justification_holds_for_the_claim_as_it_read(in_review, editor, reviewer):
    justify(in_review, reviewer)
    article_services.article_request_changes(article=in_review, by=reviewer, comment="Reword 1.")
    in_review.refresh_from_db()
    content = article_get_content(article=in_review)
    import dataclasses

    claims = list(content.claims)
    claims[1] = dataclasses.replace(claims[1], text="Claim 1, reworded.")
    article_services.article_replace_content(
        article=in_review,
        by=editor,
        expected_version=in_review.content_version,
        content=dataclasses.replace(content, claims=tuple(claims)),
    )
    assert [f.claim_id for f in rules.unjustified_retracted_citations(in_review)] == [
        claim(in_review, 1).pk
    ]


def test_a_draft_is_never_blocked_from_submission(notices, editor):
    article = draft_article(by=editor, content=cited_content(paper(1, doi=RETRACTED)))
    article_services.article_submit(article=article, by=editor)


def test_a_reinstated_paper_needs_no_justification(tmp_path, import_csv, in_review, reviewer):
    rows = [
        record(1, OriginalPaperDOI=RETRACTED, RetractionDate="3/14/2024 0:00"),
        record(
            4,
            OriginalPaperDOI=RETRACTED,
            RetractionNature="Reinstatement",
            RetractionDate="6/1/2024 0:00",
        ),
    ]
    import_csv(write_csv(tmp_path / "again.csv", rows), "--partial")
    article_services.claim_review(claim=claim(in_review, 1), by=reviewer, verdict="verified")


# -- Recording a justification ------------------------------------------------------


def test_only_board_reviewers_justify(in_review, editor, site_admin):
    with pytest.raises(PermissionDenied):
        justify(in_review, editor)


def test_justifications_are_recorded_only_under_review(notices, editor, reviewer):
    article = draft_article(by=editor, content=cited_content(paper(1, doi=RETRACTED)))
    with pytest.raises(TransitionNotAllowed):
        justify(article, reviewer)


def test_a_justification_needs_words(in_review, reviewer):
    with pytest.raises(ValidationError) as refused:
        justify(in_review, reviewer, text="   ")
    assert "text" in refused.value.message_dict


def test_only_a_retracted_paper_can_be_justified(in_review, reviewer):
    with pytest.raises(ValidationError) as refused:
        justify(in_review, reviewer, n=2)
    assert "not retracted" in str(refused.value)


def test_only_a_cited_reference_can_be_justified(in_review, reviewer):
    other = Reference.objects.exclude(pk=reference(in_review, 1).pk).first()
    with pytest.raises(ValidationError) as refused:
        citation_justify(claim=claim(in_review, 1), reference=other, by=reviewer, text="Why not.")
    assert "does not cite" in str(refused.value)


@pytest.mark.parametrize("papers", [1, 8])
def test_the_rule_costs_the_same_queries_however_many_papers_are_cited(
    tmp_path, import_csv, editor, reviewer, policy, papers, django_assert_num_queries
):
    import_csv(write_csv(tmp_path / "rw.csv", [record(n) for n in range(1, 9)]))
    content = cited_content(*[paper(n, doi=f"10.1000/paper.{n}") for n in range(1, papers + 1)])
    article = under_review_article(by=editor, reviewer=reviewer, content=content)
    # cited references with identifiers; their notices; the justifications
    with django_assert_num_queries(3):
        assert len(rules.unjustified_retracted_citations(article)) == papers


def test_the_rule_costs_one_query_when_no_reference_has_an_identifier(
    notices, editor, reviewer, policy, django_assert_num_queries
):
    article = under_review_article(by=editor, reviewer=reviewer, title="Another question?")
    with django_assert_num_queries(1):
        assert rules.unjustified_retracted_citations(article) == []
