// The body-keeper's logic ("Edit as text"): where the copy is kept, when it is offered back.
import assert from "node:assert/strict";
import { describe, it } from "node:test";

import {
  bodyVerdict,
  storageKey,
  unsavedBody,
} from "../../static/js/controllers/body_keeper.js";
import { KEEP_FOR_MS } from "../../static/js/controllers/draft_keeper.js";

const NOW = new Date(2026, 2, 5, 14, 30).getTime();

describe("the body's copy on this device", () => {
  it("is kept per article", () => {
    assert.equal(storageKey(7), "desk-body-draft:article-7");
    assert.notEqual(storageKey(7), storageKey(8));
  });

  it("is offered back when the page shows something else", () => {
    const kept = { values: { body: "Typed, not saved." }, at: NOW - 60_000 };
    assert.equal(bodyVerdict(kept, "As saved.", NOW), "offer");
  });

  it("is forgotten when the page says the same, or after a month", () => {
    const kept = { values: { body: "As saved." }, at: NOW - 60_000 };
    assert.equal(bodyVerdict(kept, "As saved.", NOW), "forget");
    const old = { values: { body: "Typed long ago." }, at: NOW - KEEP_FOR_MS - 1 };
    assert.equal(bodyVerdict(old, "As saved.", NOW), "forget");
  });

  it("is nothing without a copy", () => {
    assert.equal(bodyVerdict(null, "As saved.", NOW), null);
  });
});

describe("leaving the page", () => {
  it("asks only while the body differs from what the page opened with", () => {
    assert.equal(unsavedBody("Changed.", "As saved."), true);
    assert.equal(unsavedBody("As saved.", "As saved."), false);
  });
});
