"""The pure parts: claims keeping their uid through a re-parsed body, and the word-by-word diff."""

from articles.content import ArticleContent, ClaimData, ClaimKind, ReferenceData, ReferenceKind
from articles.matching import carry_uids
from desk.diff import Segment, content_diff, phrase_diff


def claim(text, uid="", **kw):
    return ClaimData(kind=kw.pop("kind", ClaimKind.PARAGRAPH), text=text, uid=uid, **kw)


OLD = (claim("Alpha is true.", "u1"), claim("Beta is true.", "u2"), claim("Gamma is true.", "u3"))


def test_unchanged_claims_keep_their_uids():
    new = tuple(claim(c.text) for c in OLD)
    assert [c.uid for c in carry_uids(OLD, new)] == ["u1", "u2", "u3"]


def test_an_edited_claim_continues_the_one_it_replaces():
    new = (claim("Alpha is true."), claim("Beta is mostly true."), claim("Gamma is true."))
    assert [c.uid for c in carry_uids(OLD, new)] == ["u1", "u2", "u3"]


def test_inserted_claim_is_new_and_removed_one_is_gone():
    new = (
        claim("Alpha is true."),
        claim("Delta is new."),
        claim("Alpha is true, too."),
        claim("Gamma is true."),
    )
    uids = [c.uid for c in carry_uids(OLD[:1] + OLD[2:], new)]
    assert uids[0] == "u1" and uids[-1] == "u3"
    assert "" in uids[1:3]
    removed = carry_uids(OLD, (claim("Alpha is true."), claim("Gamma is true.")))
    assert [c.uid for c in removed] == ["u1", "u3"]


def test_a_written_uid_wins_and_is_used_once():
    new = (claim("Gamma moved up.", "u3"), claim("Alpha is true."), claim("Copy.", "u3"))
    assert [c.uid for c in carry_uids(OLD, new)] == ["u3", "u1", "u2"]


def test_page_text_keeps_what_it_cannot_write():
    old = (claim("Alpha is true.", "u1", plain_text="Alpha, simply.", needs_no_citation=True),)
    kept = carry_uids(old, (claim("Alpha is true."),), keep_unwritten=True)[0]
    assert (kept.plain_text, kept.needs_no_citation) == ("Alpha, simply.", True)
    dropped = carry_uids(old, (claim("Alpha is true."),))[0]
    assert (dropped.plain_text, dropped.needs_no_citation) == ("", False)


def test_phrase_diff_marks_phrases_not_lines():
    assert phrase_diff("take 10 mg daily", "take 20 mg twice daily") == (
        Segment("same", "take "),
        Segment("del", "10 mg"),
        Segment("ins", "20 mg twice"),
        Segment("same", " daily"),
    )


def ref(title, **kw):
    return ReferenceData(kind=ReferenceKind.RESEARCH, title=title, source="J", year=2020, **kw)


def test_content_diff_by_uid_with_references():
    old = ArticleContent(
        title="Q?",
        claims=(
            claim("Alpha.", "u1", citations=(1,)),
            claim("Beta.", "u2", citations=(2,)),
            claim("Gamma.", "u3"),
        ),
        references=(ref("Old one"), ref("Kept", doi="10.1/k")),
    )
    new = ArticleContent(
        title="Q?",
        claims=(
            claim("Alpha, revised.", "u1", citations=(1,)),
            claim("Gamma.", "u3"),
            claim("Delta.", citations=(2,)),
        ),
        references=(ref("Kept again", doi="10.1/K"), ref("New one")),
    )
    diff = content_diff(old, new)
    assert [c.status for c in diff.claims] == ["changed", "removed", "same", "added"]
    assert Segment("ins", "Alpha, revised.") in diff.claims[0].segments or any(
        s.op == "ins" for s in diff.claims[0].segments
    )
    assert [r.title for r in diff.references_added] == ["New one"]
    assert [r.title for r in diff.references_removed] == ["Old one"]
    assert diff.counts == {"added": 1, "removed": 1, "changed": 1, "same": 1}


def test_citation_now_pointing_elsewhere_is_a_change():
    old = ArticleContent(
        title="Q", claims=(claim("A.", "u1", citations=(1,)),), references=(ref("R1"), ref("R2"))
    )
    new = ArticleContent(
        title="Q", claims=(claim("A.", "u1", citations=(2,)),), references=(ref("R1"), ref("R2"))
    )
    assert content_diff(old, new).claims[0].status == "changed"
    assert not content_diff(old, old).has_changes
