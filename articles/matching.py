"""Matching re-written claims to the claims they continue, so identities survive an edit.

Review comments and verifications hang on a claim's uid; whether a body comes
back from the desk's text area or from a re-imported file, this decides which
new claim is which old one.
"""

from __future__ import annotations

import dataclasses

from articles import alignment
from articles.content import ClaimData


def _key(claim: ClaimData) -> str:
    return " ".join(claim.text.split()).casefold()


def carry_uids(
    old: tuple[ClaimData, ...], new: tuple[ClaimData, ...], *, keep_unwritten: bool = False
) -> tuple[ClaimData, ...]:
    """Give the re-parsed claims the uids of the claims they continue.

    A claim that names the uid of an existing claim (Markdown writes them) is
    that claim. The others are aligned with the remaining old claims as
    sequences of texts: unchanged texts keep their uid, and in a run of
    replaced claims the n-th new claim continues the n-th old one (an edit in
    place). Surplus new claims get no uid (they are new); surplus old ones are
    gone. Review comments are attached to uids, so this is what lets them
    follow a claim through an edit of the body.

    ``keep_unwritten``: the format cannot carry plain-language versions, the
    needs-no-citation mark and evidence levels (page text), so a continued claim
    keeps its own (a level only while the claim still states a cited fact).
    """
    known = {c.uid for c in old if c.uid}
    uids: list[str] = [""] * len(new)
    used: set[str] = set()
    for index, claim in enumerate(new):
        if claim.uid in known and claim.uid not in used:
            uids[index] = claim.uid
            used.add(claim.uid)
    rest_old = [c for c in old if c.uid not in used]
    rest_new = [i for i, uid in enumerate(uids) if not uid]
    # Near-linear even for thousands of identical claims (see articles.alignment).
    aligned = alignment.opcodes([_key(c) for c in rest_old], [_key(new[i]) for i in rest_new])
    for tag, a0, a1, b0, b1 in aligned:
        if tag in ("equal", "replace"):
            for offset in range(min(a1 - a0, b1 - b0)):
                uids[rest_new[b0 + offset]] = rest_old[a0 + offset].uid
    by_uid = {c.uid: c for c in old if c.uid}
    result = []
    for claim, uid in zip(new, uids, strict=True):
        previous = by_uid.get(uid)
        changes = {"uid": uid}
        if keep_unwritten and previous is not None:
            changes["plain_text"] = claim.plain_text or previous.plain_text
            changes["needs_no_citation"] = previous.needs_no_citation and not claim.citations
            cited_fact = claim.states_fact and not changes["needs_no_citation"]
            changes["evidence"] = claim.evidence or (previous.evidence if cited_fact else "")
        result.append(dataclasses.replace(claim, **changes))
    return tuple(result)
