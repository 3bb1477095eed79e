// The unsaved-warning's logic: which forms count as holding changes not saved yet.
import assert from "node:assert/strict";
import { describe, it } from "node:test";

import { unsaved } from "../../static/js/controllers/unsaved_warning.js";

const SAVED = { kind: "paragraph", level: "0", text: "Saved.", plain_text: "", citations: "1", needs_no_citation: false };
const EMPTY_NEW = { kind: "paragraph", level: "0", text: "", plain_text: "", citations: "", needs_no_citation: false };

describe("unsaved", () => {
  it("is nothing when every claim is as saved and the new claim is empty", () => {
    const forms = [
      { role: "save", typed: SAVED, saved: SAVED },
      { role: "save", typed: { ...SAVED, citations: "1 " }, saved: SAVED },
      { role: "add", typed: { ...EMPTY_NEW, kind: "bullet" }, saved: EMPTY_NEW },
    ];
    assert.equal(unsaved(forms), 0);
  });

  it("counts each claim typed in and not saved (or still being sent)", () => {
    const forms = [
      { role: "save", typed: { ...SAVED, text: "Saved. More." }, saved: SAVED },
      { role: "save", typed: { ...SAVED, needs_no_citation: true }, saved: SAVED },
      { role: "save", typed: SAVED, saved: SAVED },
    ];
    assert.equal(unsaved(forms), 2);
  });

  it("counts a new claim with text in it", () => {
    assert.equal(unsaved([{ role: "add", typed: { ...EMPTY_NEW, text: "New." }, saved: EMPTY_NEW }]), 1);
  });
});
