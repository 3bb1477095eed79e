"""After approval: a later import flags the article, tells its people and warns readers."""

import pytest
from django.core.cache import cache
from django.urls import reverse

from articles import services as article_services
from public import fastpath
from screening import selectors
from screening.library import library_rescreen
from screening.models import RetractionFlag, ScreeningRun
from screening.services import citation_justify
from tests.factories import approved_article, verify_all_claims
from tests.public.test_article_queries import APPROVED_COLD, WARM, prepare
from tests.screening.conftest import cited_content, paper
from tests.screening.csv_support import record, write_csv

pytestmark = pytest.mark.django_db

DOI = "10.1000/spast.2019.001"
NOTICE_DOI = "10.9999/notice.1"


@pytest.fixture
def approved(editor, reviewer, policy):
    """Approved before any notice was loaded: reference 2 is the paper retracted later."""
    content = cited_content(paper(1, doi="10.1000/sound"), paper(2, doi=f"doi:{DOI}"))
    return approved_article(by=editor, reviewer=reviewer, content=content)


@pytest.fixture
def retraction_file(tmp_path):
    return write_csv(
        tmp_path / "rw.csv",
        [
            record(
                1, OriginalPaperDOI=DOI, RetractionDate="3/14/2024 0:00", RetractionDOI=NOTICE_DOI
            ),
            record(2, OriginalPaperDOI="10.1000/elsewhere"),
        ],
    )


def public_page(client, article) -> str:
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def test_a_new_retraction_flags_the_article_and_tells_its_editors_and_the_board(
    approved,
    retraction_file,
    import_csv,
    editor,
    reviewer,
    other_reviewer,
    deliver_mail,
):
    code, out, _ = import_csv(retraction_file)
    assert code == 0
    assert "1 articles flagged" in out
    flag = RetractionFlag.objects.get()
    assert (flag.article, flag.version, flag.reference_number) == (
        approved,
        approved.published_version,
        2,
    )
    assert flag.notice.record_id == 1
    run = ScreeningRun.objects.get()
    assert (run.articles_flagged, run.references_retracted, run.references_matched) == (1, 1, 1)
    assert list(selectors.article_list_flagged()) == [approved]
    mailoutbox = [m for m in deliver_mail() if m.subject.startswith("Flagged by retraction")]
    recipients = sorted(m.to[0] for m in mailoutbox)
    assert recipients == sorted([editor.email, reviewer.email, other_reviewer.email])
    message = mailoutbox[0]
    assert message.subject == f"Flagged by retraction screening: {approved.title}"
    assert "retracted in March 2024" in message.body and NOTICE_DOI in message.body


def test_the_public_page_shows_the_notice_beside_the_reference(
    client, approved, retraction_file, import_csv
):
    cache.clear()
    before = public_page(client, approved)  # kept for anonymous readers from here on
    assert "Retracted in" not in before
    import_csv(retraction_file)
    page = public_page(client, approved)
    # The notice follows the references (outside the approved text, which is stored as approved).
    notice = page[
        page.index('id="ref-2-retraction"') : page.index(
            "</p>", page.index('id="ref-2-retraction"')
        )
    ]
    assert "Retracted in March 2024" in notice and 'href="#ref-2"' in notice
    assert f'href="https://doi.org/{NOTICE_DOI}"' in notice and "see the notice" in notice
    assert 'id="ref-1-retraction"' not in page
    history = page[page.index('id="review-history"') :]
    assert "Flagged by retraction screening: reference 2" in history


def test_reimporting_flags_nothing_twice_and_mails_nobody_again(
    approved, retraction_file, import_csv, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        import_csv(retraction_file)
    sent = len(mailoutbox)
    with django_capture_on_commit_callbacks(execute=True):
        import_csv(retraction_file)
        library_rescreen()
    assert RetractionFlag.objects.count() == 1
    assert len(mailoutbox) == sent


def test_a_new_approval_with_a_justification_ends_the_flag(
    client, approved, retraction_file, import_csv, editor, reviewer
):
    import_csv(retraction_file)
    article_services.article_revise(article=approved, by=editor)
    article_services.article_submit(article=approved, by=editor, summary="Retraction discussed")
    article_services.article_start_review(article=approved, by=reviewer)
    claim = approved.claims.filter(citations__reference__doi__endswith=DOI).get()
    citation_justify(
        claim=claim,
        reference=claim.citations.get().reference,
        by=reviewer,
        text="The text now explains the retraction.",
    )
    # Justified in the revision under review: readers still see the flagged version.
    library_rescreen()
    assert list(selectors.article_list_flagged()) == [approved]
    verify_all_claims(approved, reviewer)
    article_services.article_approve(article=approved, by=reviewer)
    assert list(selectors.article_list_flagged()) == []
    library_rescreen()
    assert RetractionFlag.objects.count() == 1  # the justified citation is not flagged again
    page = public_page(client, approved)
    assert "Retracted in" not in page
    assert "A later revision was approved." in page  # the history keeps the event


def test_a_citation_justified_at_approval_is_not_flagged(
    retraction_file, import_csv, editor, reviewer, policy
):
    import_csv(retraction_file)
    from tests.factories import under_review_article

    article = under_review_article(
        by=editor, reviewer=reviewer, content=cited_content(paper(1, doi=DOI))
    )
    claim = article.claims.filter(citations__isnull=False).get()
    citation_justify(
        claim=claim, reference=claim.citations.get().reference, by=reviewer, text="Discussed."
    )
    verify_all_claims(article, reviewer)
    article_services.article_approve(article=article, by=reviewer)
    assert library_rescreen().articles_flagged == 0


def test_a_withdrawn_notice_clears_the_flag_and_the_public_notice(
    client, approved, retraction_file, import_csv, tmp_path
):
    cache.clear()
    import_csv(retraction_file)
    assert "Retracted in March 2024" in public_page(client, approved)
    import_csv(write_csv(tmp_path / "newer.csv", [record(2, OriginalPaperDOI="10.1000/elsewhere")]))
    flag = RetractionFlag.objects.get()
    assert flag.cleared_at is not None and flag.cleared_run.notices_withdrawn == 1
    assert list(selectors.article_list_flagged()) == []
    page = public_page(client, approved)
    assert "Retracted in" not in page
    assert "withdrawn" in page[page.index('id="review-history"') :]


def test_an_edited_notice_changes_the_kept_page(
    client, approved, retraction_file, import_csv, tmp_path
):
    cache.clear()
    import_csv(retraction_file)
    assert "Retracted in March 2024" in public_page(client, approved)
    assert "Retracted in March 2024" in public_page(client, approved)  # the kept page
    newer = [
        record(1, OriginalPaperDOI=DOI, RetractionDate="4/2/2024 0:00", RetractionDOI=NOTICE_DOI),
        record(2, OriginalPaperDOI="10.1000/elsewhere"),
    ]
    import_csv(write_csv(tmp_path / "newer.csv", newer))
    assert "Retracted in April 2024" in public_page(client, approved)


def test_nothing_is_unpublished_automatically(approved, retraction_file, import_csv, site_admin):
    import_csv(retraction_file)
    approved.refresh_from_db()
    assert approved.state == "approved"
    # An admin retracts as before; the article then leaves the queue.
    article_services.article_retract(article=approved, by=site_admin, comment="Unsafe advice.")
    assert list(selectors.article_list_flagged()) == []


def test_a_flagged_page_costs_one_query_more_when_cold(
    client, approved, retraction_file, import_csv, django_assert_num_queries
):
    import_csv(retraction_file)
    prepare(approved)  # as the approval does once it commits
    cache.clear()
    fastpath.forget_all()
    # What any approved page costs cold, and the article's flags with their notices.
    with django_assert_num_queries(APPROVED_COLD + 1):
        assert client.get(approved.get_absolute_url()).status_code == 200
    with django_assert_num_queries(WARM):
        assert client.get(approved.get_absolute_url()).status_code == 200


def test_the_desk_shows_the_flag_on_the_article_and_the_dashboard(
    client, approved, retraction_file, import_csv, editor
):
    import_csv(retraction_file)
    client.force_login(editor)
    detail = client.get(reverse("desk:article", kwargs={"pk": approved.pk})).content.decode()
    assert "Flagged by retraction screening." in detail and "Reference 2" in detail
    dashboard = client.get(reverse("desk:dashboard"))
    assert list(dashboard.context["board"].flagged) == [approved]
