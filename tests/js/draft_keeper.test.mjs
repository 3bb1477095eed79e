// The draft-keeper's logic: where a copy is kept, when it is offered back or forgotten, and
// how its time reads. Also the comparisons it shares with autosave (form_values.js).
import assert from "node:assert/strict";
import { describe, it } from "node:test";

import {
  KEEP_FOR_MS,
  NEW,
  claimVerdict,
  describeTime,
  newClaimVerdict,
  noticeText,
  parseRecord,
  record,
  storageKey,
  wasAdded,
} from "../../static/js/controllers/draft_keeper.js";
import { hasTyped, normalise, sameValues } from "../../static/js/controllers/form_values.js";

const SHOWN = {
  kind: "paragraph",
  level: "0",
  text: "Baclofen relaxes muscles.",
  plain_text: "",
  citations: "1, 2",
  needs_no_citation: false,
};
const NOW = new Date(2026, 2, 5, 14, 30).getTime();

describe("storage keys and records", () => {
  it("name the article and the claim", () => {
    const uid = "6f1c0a52-6c55-4a4e-9d1f-0b7e1c1e2a10";
    assert.equal(storageKey(17, uid), `desk-editor-draft:article-17:claim-${uid}`);
    assert.notEqual(storageKey(17, uid), storageKey(18, uid));
    assert.equal(storageKey("17", NEW), "desk-editor-draft:article-17:claim-new");
  });

  it("keep the values, the claim version they were typed on and the time", () => {
    const kept = record(SHOWN, "4", NOW);
    assert.deepEqual(kept, { values: SHOWN, claimVersion: 4, at: NOW });
    assert.deepEqual(parseRecord(JSON.stringify(kept)), kept);
    assert.equal(record(SHOWN, null, NOW).claimVersion, null);
  });

  it("ignore what is not a record", () => {
    for (const text of [null, "", "{", "[]", '{"values": {}}', '"text"']) {
      assert.equal(parseRecord(text), null, text);
    }
  });
});

describe("a claim's copy", () => {
  it("is offered when it says something else than the page", () => {
    const kept = record({ ...SHOWN, text: "Baclofen relaxes stiff muscles." }, 3, NOW - 60000);
    assert.equal(claimVerdict(kept, SHOWN, NOW), "offer");
  });

  it("is forgotten when the page says the same (it was saved)", () => {
    const typed = { ...SHOWN, text: "Baclofen relaxes muscles. ", citations: "1,2" };
    assert.equal(claimVerdict(record(typed, 3, NOW), SHOWN, NOW), "forget");
  });

  it("is forgotten after a month", () => {
    const old = record({ ...SHOWN, text: "Old." }, 3, NOW - KEEP_FOR_MS - 1);
    assert.equal(claimVerdict(old, SHOWN, NOW), "forget");
  });

  it("asks nothing when there is none", () => {
    assert.equal(claimVerdict(null, SHOWN, NOW), null);
  });

  it("counts each field the editor types", () => {
    for (const change of [
      { plain_text: "Relaxes muscles." },
      { citations: "2, 1" },
      { needs_no_citation: true },
      { kind: "bullet" },
    ]) {
      assert.equal(claimVerdict(record({ ...SHOWN, ...change }, 3, NOW), SHOWN, NOW), "offer");
    }
  });
});

describe("the new claim's copy", () => {
  const typed = { kind: "paragraph", level: "0", text: "A new fact.", plain_text: "", citations: "" };
  const empty = { ...typed, text: "" };

  it("is offered when the new claim's form is empty", () => {
    assert.equal(newClaimVerdict(record(typed, null, NOW), empty, ["Other."], NOW), "offer");
  });

  it("is forgotten once a claim on the page says it (it was added)", () => {
    assert.equal(wasAdded(record(typed, null, NOW), ["Other.", "A new fact.\r\n"]), true);
    assert.equal(newClaimVerdict(record(typed, null, NOW), empty, ["A new fact."], NOW), "forget");
  });

  it("is forgotten when nothing was typed but a kind", () => {
    assert.equal(newClaimVerdict(record({ ...empty, kind: "bullet" }, null, NOW), empty, [], NOW), "forget");
  });

  it("is left alone while the form shows it", () => {
    assert.equal(newClaimVerdict(record(typed, null, NOW), typed, [], NOW), null);
  });
});

describe("the notice", () => {
  it("gives the time today and the date another day", () => {
    assert.equal(describeTime(new Date(2026, 2, 5, 9, 7).getTime(), NOW), "09:07");
    assert.equal(describeTime(new Date(2026, 2, 4, 23, 59).getTime(), NOW), "Mar 4, 2026 23:59");
    assert.equal(
      noticeText(new Date(2026, 2, 5, 14, 3).getTime(), NOW),
      "Unsaved text from 14:03 was kept on this device.",
    );
  });
});

describe("form values", () => {
  it("compare as the server stores them", () => {
    assert.equal(sameValues({ ...SHOWN, citations: "1,2" }, SHOWN), true);
    assert.equal(sameValues({ ...SHOWN, text: "Baclofen relaxes muscles.\n" }, SHOWN), true);
    assert.equal(sameValues({ ...SHOWN, text: "a\r\nb" }, { ...SHOWN, text: "a\nb" }), true);
    assert.equal(sameValues({ ...SHOWN, citations: "2, 1" }, SHOWN), false);
    assert.equal(sameValues({ ...SHOWN, level: "3" }, SHOWN), true, "only list items nest");
    assert.equal(sameValues({ ...SHOWN, kind: "bullet", level: "1" }, { ...SHOWN, kind: "bullet" }), false);
  });

  it("tell typed text from an empty new claim", () => {
    assert.equal(hasTyped({ kind: "bullet", level: "2" }), false);
    assert.equal(hasTyped({ text: "  " }), false);
    assert.equal(hasTyped({ plain_text: "x" }), true);
    assert.equal(hasTyped({ citations: "3" }), true);
  });

  it("normalise missing fields", () => {
    assert.deepEqual(normalise({}), {
      kind: "",
      level: 0,
      text: "",
      plain_text: "",
      citations: "",
      needs_no_citation: false,
    });
  });
});
