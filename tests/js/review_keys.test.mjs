// The review-keys' logic: which key press asks for what, and where the claim in hand goes.
import assert from "node:assert/strict";
import { describe, it } from "node:test";

import { commandFor, isField, neighbour, writingElsewhere } from "../../static/js/controllers/review_keys.js";

const PAGE = { tagName: "LI" };
const BUTTON = { tagName: "BUTTON" };
const TEXTAREA = { tagName: "TEXTAREA" };

function press(key, target = PAGE, modifiers = {}) {
  return { key, target, altKey: false, ctrlKey: false, metaKey: false, shiftKey: false, ...modifiers };
}

describe("the keys on the review screen", () => {
  it("move between claims with j and k, and with the arrows", () => {
    assert.equal(commandFor(press("j")), "next");
    assert.equal(commandFor(press("ArrowDown")), "next");
    assert.equal(commandFor(press("k")), "previous");
    assert.equal(commandFor(press("ArrowUp", BUTTON)), "previous");
  });

  it("give verdicts with v and n", () => {
    assert.equal(commandFor(press("v")), "verify");
    assert.equal(commandFor(press("n", BUTTON)), "needs-change");
  });

  it("never fire while typing in a field", () => {
    for (const tagName of ["INPUT", "TEXTAREA", "SELECT", "input"]) {
      for (const key of ["j", "k", "v", "n", "ArrowDown", "ArrowUp"]) {
        assert.equal(commandFor(press(key, { tagName })), null, `${key} in ${tagName}`);
      }
    }
    assert.equal(commandFor(press("v", { tagName: "DIV", isContentEditable: true })), null);
    assert.equal(commandFor(press("v", PAGE, { isComposing: true })), null);
  });

  it("leave the browser's own combinations alone", () => {
    for (const modifier of ["ctrlKey", "metaKey", "altKey", "shiftKey"]) {
      assert.equal(commandFor(press("v", PAGE, { [modifier]: true })), null, modifier);
      assert.equal(commandFor(press("ArrowDown", PAGE, { [modifier]: true })), null, modifier);
    }
  });

  it("ignore other keys", () => {
    for (const key of ["a", "J", "Enter", " ", "Tab", "Escape"]) {
      assert.equal(commandFor(press(key)), null, key);
    }
  });
});

describe("the comment box n opened", () => {
  const open = { inNeedsChange: true };

  it("sends Needs change with Ctrl+Enter or Cmd+Enter", () => {
    assert.equal(commandFor(press("Enter", TEXTAREA, { ctrlKey: true }), open), "send");
    assert.equal(commandFor(press("Enter", TEXTAREA, { metaKey: true }), open), "send");
  });

  it("goes back to the claim with Escape", () => {
    assert.equal(commandFor(press("Escape", TEXTAREA), open), "cancel");
  });

  it("takes every other key as typing", () => {
    for (const key of ["j", "v", "n", "Enter", "ArrowDown"]) {
      assert.equal(commandFor(press(key, TEXTAREA), open), null, key);
    }
  });

  it("is only the one n opened: other comment boxes send nothing", () => {
    assert.equal(commandFor(press("Enter", TEXTAREA, { ctrlKey: true })), null);
    assert.equal(commandFor(press("Escape", TEXTAREA)), null);
  });
});

describe("the claim in hand", () => {
  it("starts at the first claim", () => {
    assert.equal(neighbour(-1, 5, 1), 0);
    assert.equal(neighbour(-1, 5, -1), 0);
  });

  it("moves one claim at a time and stays at either end", () => {
    assert.equal(neighbour(0, 5, 1), 1);
    assert.equal(neighbour(3, 5, -1), 2);
    assert.equal(neighbour(4, 5, 1), 4);
    assert.equal(neighbour(0, 5, -1), 0);
  });

  it("is nothing on a page without claims", () => {
    assert.equal(neighbour(-1, 0, 1), null);
  });
});

describe("fields", () => {
  it("are inputs, text areas, selects and anything editable", () => {
    assert.equal(isField({ tagName: "INPUT" }), true);
    assert.equal(isField({ tagName: "SELECT" }), true);
    assert.equal(isField({ tagName: "P", isContentEditable: true }), true);
    assert.equal(isField(BUTTON), false);
    assert.equal(isField(PAGE), false);
    assert.equal(isField(null), false);
  });
});

describe("a verdict saved while the reviewer writes elsewhere", () => {
  const row = { contains: (element) => element.inRow === true };

  it("leaves the focus in the field they are writing in", () => {
    assert.equal(writingElsewhere({ tagName: "TEXTAREA" }, row), true);
  });

  it("moves on as usual from the claim, its own fields or the page", () => {
    assert.equal(writingElsewhere({ tagName: "TEXTAREA", inRow: true }, row), false);
    assert.equal(writingElsewhere({ tagName: "LI" }, row), false);
    assert.equal(writingElsewhere({ tagName: "BODY" }, row), false);
    assert.equal(writingElsewhere(null, row), false);
  });
});
