"""The structured editor's writes: one claim added, edited, moved, nested, deleted or cited.

Each is one transaction that names the content version it started from, bumps
it once, records who and why, and is refused outside draft.
"""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from articles import services
from articles.content import ArticleContent, ClaimData, ClaimKind
from articles.errors import ContentLocked, EditConflict
from articles.models import Reference
from articles.selectors import article_get_content
from desk.services import citing as citing_services
from desk.services import claims as claim_services
from desk.services import outline as outline_services
from tests.factories import draft_article, reference_data, submitted_article

pytestmark = pytest.mark.django_db


def content_of(article):
    article.refresh_from_db()
    return article_get_content(article=article)


def shape(article):
    return [(c.kind.value, c.level, c.text) for c in content_of(article).claims]


def uid_of(article, text):
    return str(article.claims.get(text=text).uid)


def listed_article(editor):
    """A heading, a paragraph, then a bullet with a nested bullet under it."""
    content = ArticleContent(
        title="What is baclofen used for?",
        claims=(
            ClaimData(ClaimKind.HEADING, "Uses"),
            ClaimData(ClaimKind.PARAGRAPH, "Baclofen relaxes muscles.", citations=(1,)),
            ClaimData(ClaimKind.BULLET, "Spasticity.", citations=(1,)),
            ClaimData(ClaimKind.BULLET, "From multiple sclerosis.", level=1, citations=(2,)),
            ClaimData(ClaimKind.PARAGRAPH, "It is taken by mouth.", citations=(2,)),
        ),
        references=(reference_data(1), reference_data(2)),
    )
    return draft_article(by=editor, content=content)


def test_insert_after_a_claim_bumps_the_version_once_and_records_who(editor):
    article = listed_article(editor)
    version = article.content_version
    article, uid = claim_services.claim_insert(
        article=article,
        by=editor,
        expected_version=version,
        after=uid_of(article, "Uses"),
        kind=ClaimKind.PARAGRAPH,
        text="  Baclofen is a GABA-B agonist.  ",
        citations=(2,),
    )
    assert article.content_version == version + 1
    assert shape(article)[1] == ("paragraph", 0, "Baclofen is a GABA-B agonist.")
    assert content_of(article).claims[1].uid == uid
    claim = article.claims.get(uid=uid)
    assert claim.history.latest().history_user == editor
    assert claim.history.latest().history_change_reason == "Claim added"
    assert article.history.latest().history_change_reason == "Claim added"
    assert editor in article.contributors.all()


def test_insert_at_the_end_and_under_a_list_item_continues_its_level(editor):
    article = listed_article(editor)
    article, _ = claim_services.claim_insert(
        article=article, by=editor, expected_version=article.content_version, text="Last."
    )
    assert shape(article)[-1] == ("paragraph", 0, "Last.")
    article, _ = claim_services.claim_insert(
        article=article,
        by=editor,
        expected_version=article.content_version,
        after=uid_of(article, "From multiple sclerosis."),
        kind=ClaimKind.BULLET,
        text="From spinal cord injury.",
    )
    assert shape(article)[4] == ("bullet", 1, "From spinal cord injury.")


def test_an_empty_claim_is_not_added(editor):
    article = listed_article(editor)
    with pytest.raises(ValidationError):
        claim_services.claim_insert(
            article=article, by=editor, expected_version=article.content_version, text="   "
        )


def test_edit_changes_kind_level_text_and_citations_in_the_order_given(editor):
    article = listed_article(editor)
    uid = uid_of(article, "It is taken by mouth.")
    claim_services.claim_edit(
        article=article,
        by=editor,
        expected_version=article.content_version,
        uid=uid,
        kind=ClaimKind.BULLET,
        level=0,
        text="It is taken by mouth, three times a day.",
        plain_text="You swallow it.",
        citations=(2, 1),
    )
    claim = content_of(article).claims[-1]
    assert (claim.kind, claim.text, claim.plain_text, claim.citations) == (
        ClaimKind.BULLET,
        "It is taken by mouth, three times a day.",
        "You swallow it.",
        (2, 1),
    )
    assert claim.uid == uid


def test_headings_cite_nothing(editor):
    article = listed_article(editor)
    with pytest.raises(ValidationError):
        claim_services.claim_edit(
            article=article,
            by=editor,
            expected_version=article.content_version,
            uid=uid_of(article, "Uses"),
            text="Uses",
            plain_text="",
            citations=(1,),
        )
    with pytest.raises(ValidationError):  # nor may a cited claim become one with its citations
        claim_services.claim_edit(
            article=article,
            by=editor,
            expected_version=article.content_version,
            uid=uid_of(article, "Baclofen relaxes muscles."),
            kind=ClaimKind.HEADING,
            text="Baclofen relaxes muscles.",
            plain_text="",
        )


def test_an_unchanged_claim_saves_nothing(editor):
    article = listed_article(editor)
    version = article.content_version
    claim_services.claim_edit(
        article=article,
        by=editor,
        expected_version=version,
        uid=uid_of(article, "Spasticity."),
        text="Spasticity.",
        plain_text="",
        citations=(1,),
    )
    article.refresh_from_db()
    assert article.content_version == version


def test_move_takes_the_nested_items_along_and_refits_levels(editor):
    article = listed_article(editor)

    def move(text, direction):
        outline_services.claim_move(
            article=article,
            by=editor,
            expected_version=article.content_version,
            uid=uid_of(article, text),
            direction=direction,
        )
        article.refresh_from_db()

    # The bullet goes above the paragraph with the item nested under it.
    move("Spasticity.", "up")
    assert shape(article) == [
        ("heading", 0, "Uses"),
        ("bullet", 0, "Spasticity."),
        ("bullet", 1, "From multiple sclerosis."),
        ("paragraph", 0, "Baclofen relaxes muscles."),
        ("paragraph", 0, "It is taken by mouth."),
    ]
    # The paragraph moves up past the whole list item, not between it and its child.
    move("Baclofen relaxes muscles.", "up")
    assert [text for _, _, text in shape(article)][:2] == ["Uses", "Baclofen relaxes muscles."]
    # And down again past the whole block.
    move("Baclofen relaxes muscles.", "down")
    assert shape(article)[3] == ("paragraph", 0, "Baclofen relaxes muscles.")
    # A nested item moved up out of its list leaves its level fitted to its new place.
    move("From multiple sclerosis.", "up")
    assert shape(article)[:3] == [
        ("heading", 0, "Uses"),
        ("bullet", 0, "From multiple sclerosis."),
        ("bullet", 0, "Spasticity."),
    ]
    with pytest.raises(ValidationError):
        outline_services.claim_move(
            article=article,
            by=editor,
            expected_version=article.content_version,
            uid=uid_of(article, "Uses"),
            direction="up",
        )


def test_indent_and_outdent(editor):
    article = listed_article(editor)
    mouth = uid_of(article, "It is taken by mouth.")

    def indent(uid, direction):
        outline_services.claim_indent(
            article=article,
            by=editor,
            expected_version=content_version(),
            uid=uid,
            direction=direction,
        )

    def content_version():
        article.refresh_from_db()
        return article.content_version

    indent(mouth, "in")  # a paragraph indented becomes a bullet
    assert shape(article)[-1] == ("bullet", 0, "It is taken by mouth.")
    indent(mouth, "in")
    assert shape(article)[-1] == ("bullet", 1, "It is taken by mouth.")
    indent(mouth, "in")
    assert shape(article)[-1] == ("bullet", 2, "It is taken by mouth.")
    with pytest.raises(ValidationError):  # never more than one level below the item above
        indent(mouth, "in")
    indent(mouth, "out")
    indent(mouth, "out")
    indent(mouth, "out")  # a top-level item outdented becomes a paragraph
    assert shape(article)[-1] == ("paragraph", 0, "It is taken by mouth.")
    with pytest.raises(ValidationError):
        indent(uid_of(article, "Uses"), "in")
    with pytest.raises(ValidationError):
        indent(mouth, "sideways")


def test_outdenting_a_list_item_brings_its_nested_items_along(editor):
    """No body the editor makes is one another door (the JSON format) would refuse."""
    from articles.interchange import parse_json, render_json

    article = listed_article(editor)
    outline_services.claim_indent(
        article=article,
        by=editor,
        expected_version=article.content_version,
        uid=uid_of(article, "Spasticity."),
        direction="out",
    )
    assert shape(article)[2:4] == [
        ("paragraph", 0, "Spasticity."),
        ("bullet", 0, "From multiple sclerosis."),
    ]
    content = content_of(article)
    assert parse_json(render_json(content)).claims == content.claims


def test_delete_moves_nested_items_up_a_level(editor):
    article = listed_article(editor)
    claim_services.claim_delete(
        article=article,
        by=editor,
        expected_version=article.content_version,
        uid=uid_of(article, "Spasticity."),
    )
    assert shape(article) == [
        ("heading", 0, "Uses"),
        ("paragraph", 0, "Baclofen relaxes muscles."),
        ("bullet", 0, "From multiple sclerosis."),
        ("paragraph", 0, "It is taken by mouth."),
    ]
    assert article.history.latest().history_change_reason == "Claim deleted"


def test_cite_several_keeps_the_order_picked_and_numbers_by_first_citation(editor):
    article = draft_article(
        by=editor,
        content=ArticleContent(
            title="Q?",
            claims=(ClaimData(ClaimKind.PARAGRAPH, "A fact.", needs_no_citation=True),),
        ),
    )
    works = [services.reference_get_or_create(data=reference_data(n), by=editor) for n in (7, 8, 9)]
    citing_services.claim_cite(
        article=article,
        by=editor,
        expected_version=article.content_version,
        uid=uid_of(article, "A fact."),
        references=[works[1], works[2], works[0]],
    )
    content = content_of(article)
    assert content.claims[0].citations == (1, 2, 3)
    assert [r.title for r in content.references] == [works[i].title for i in (1, 2, 0)]
    # Citing one already cited adds nothing; a heading is refused.
    version = article.content_version
    citing_services.claim_cite(
        article=article,
        by=editor,
        expected_version=version,
        uid=uid_of(article, "A fact."),
        references=[works[2]],
    )
    assert content_of(article).claims[0].citations == (1, 2, 3)
    assert article.content_version == version


@pytest.mark.parametrize(
    "change",
    [
        lambda a, v, uid: claim_services.claim_insert(
            article=a, by=a._by, expected_version=v, text="x"
        ),
        lambda a, v, uid: claim_services.claim_edit(
            article=a, by=a._by, expected_version=v, uid=uid, text="new", plain_text=""
        ),
        lambda a, v, uid: outline_services.claim_move(
            article=a, by=a._by, expected_version=v, uid=uid, direction="down"
        ),
        lambda a, v, uid: outline_services.claim_indent(
            article=a, by=a._by, expected_version=v, uid=uid, direction="in"
        ),
        lambda a, v, uid: claim_services.claim_delete(
            article=a, by=a._by, expected_version=v, uid=uid
        ),
        lambda a, v, uid: citing_services.claim_cite(
            article=a,
            by=a._by,
            expected_version=v,
            uid=uid,
            references=list(Reference.objects.all()[:1]),
        ),
    ],
    ids=["insert", "edit", "move", "indent", "delete", "cite"],
)
def test_every_change_is_refused_when_stale_elsewhere_or_not_allowed(
    change, editor, other_editor, reviewer
):
    article = listed_article(editor)
    uid = uid_of(article, "Baclofen relaxes muscles.")
    started = article.content_version
    before = content_of(article)
    # Someone else saved meanwhile: the later save is refused, nothing changes.
    services.article_update(
        article=article, by=other_editor, expected_version=started, title="Other question?"
    )
    article._by = editor
    with pytest.raises(EditConflict):
        change(article, started, uid)
    assert content_of(article).claims == before.claims
    # A board reviewer may not write.
    article.refresh_from_db()
    article._by = reviewer
    with pytest.raises(PermissionDenied):
        change(article, article.content_version, uid)
    # Outside draft, content is locked.
    submitted = submitted_article(by=editor)
    submitted._by = editor
    with pytest.raises(ContentLocked):
        change(submitted, submitted.content_version, str(submitted.claims.last().uid))


def fingerprints(article):
    return {str(c.uid): c.fingerprint() for c in article.claims.all()}


def test_verdicts_on_untouched_claims_survive_an_edit_elsewhere(editor):
    article = listed_article(editor)
    before = fingerprints(article)
    claim_services.claim_edit(
        article=article,
        by=editor,
        expected_version=article.content_version,
        uid=uid_of(article, "It is taken by mouth."),
        text="It is swallowed.",
        plain_text="",
        citations=(2,),
    )
    after = fingerprints(article)
    changed = {uid for uid in before if before[uid] != after.get(uid)}
    assert changed == {uid_of(article, "It is swallowed.")}


def test_claims_moved_down_by_an_insert_keep_their_version_and_record_the_move(editor):
    article = listed_article(editor)
    below = article.claims.get(text="It is taken by mouth.")
    claim_services.claim_insert(
        article=article,
        by=editor,
        expected_version=article.content_version,
        after=uid_of(article, "Uses"),
        text="Inserted.",
        needs_no_citation=True,
    )
    moved = article.claims.get(pk=below.pk)
    assert (moved.position, moved.version) == (below.position + 1, below.version)
    record = moved.history.order_by("-history_id").first()
    assert (record.position, record.history_user, record.history_change_reason) == (
        below.position + 1,
        editor,
        "Claim added",
    )
