// The autosave controller's logic: when a claim is sent, what an answer means, what the status
// line says. Timers are node's fakes; "send" is a stub that answers when the test says so.
import assert from "node:assert/strict";
import { beforeEach, afterEach, describe, it, mock } from "node:test";

import {
  DELAY,
  STATUS,
  Saver,
  conflictStatus,
  interpret,
  isSaveShortcut,
  retryDelay,
  statusFor,
} from "../../static/js/controllers/autosave.js";
import { valuesKey } from "../../static/js/controllers/form_values.js";

const SAVED = { kind: "saved", version: 8, claimVersion: 3 };

// A claim being typed in, a server whose answers the test gives one by one, and the reports.
function harness({ text = "Baclofen relaxes muscles." } = {}) {
  const claim = { kind: "paragraph", level: "0", text, plain_text: "", citations: "1", needs_no_citation: false };
  const sent = [];
  const answers = [];
  const reports = [];
  const saver = new Saver({
    read: () => ({ ...claim }),
    send: (values) =>
      new Promise((resolve) => {
        sent.push(values);
        answers.push(resolve);
      }),
    report: (kind, detail) => reports.push(kind),
    baseline: valuesKey(claim),
    timers: globalThis,
  });
  const type = (more) => {
    claim.text += more;
    saver.changed();
  };
  const answer = async (outcome) => {
    answers.shift()(outcome);
    await settle();
  };
  return { claim, saver, sent, reports, type, answer };
}

// Let promise callbacks run (the fake clock does not).
async function settle() {
  for (let i = 0; i < 10; i += 1) await Promise.resolve();
}

describe("Saver", () => {
  beforeEach(() => mock.timers.enable({ apis: ["setTimeout"] }));
  afterEach(() => mock.timers.reset());

  it("sends one request for a burst of typing, a second after it stops", async () => {
    const { saver, sent, type, reports } = harness();
    for (let i = 0; i < 30; i += 1) {
      type("x");
      mock.timers.tick(150); // typing: never a whole second between keys
    }
    assert.equal(sent.length, 0);
    mock.timers.tick(DELAY - 150);
    assert.equal(sent.length, 1);
    assert.match(sent[0].text, /x{30}$/);
    assert.deepEqual(reports, ["saving"]);
    assert.equal(saver.inflight !== null, true);
  });

  it("sends nothing when the values are as last saved", async () => {
    const { saver, sent, claim, reports } = harness();
    claim.text = "Baclofen relaxes muscles.  "; // the server strips the ends: no change
    saver.changed();
    mock.timers.tick(DELAY);
    await saver.flush();
    assert.equal(sent.length, 0);
    assert.deepEqual(reports, ["unchanged", "unchanged"]);
  });

  it("saves at once when focus leaves, and marks the values saved", async () => {
    const { saver, sent, type, answer, reports } = harness();
    type(" More.");
    saver.flush();
    assert.equal(sent.length, 1);
    await answer(SAVED);
    assert.deepEqual(reports, ["saving", "saved"]);
    mock.timers.tick(DELAY); // the debounce was cancelled by the flush
    assert.equal(sent.length, 1);
    assert.equal(saver.pending(), false);
  });

  it("keeps one request at a time and sends the latest values after it", async () => {
    const { saver, sent, type, answer } = harness();
    type(" One.");
    saver.flush();
    type(" Two.");
    mock.timers.tick(DELAY);
    type(" Three.");
    saver.flush();
    assert.equal(sent.length, 1, "nothing else while the first is under way");
    await answer(SAVED);
    assert.equal(sent.length, 2);
    assert.match(sent[1].text, /One\. Two\. Three\.$/);
    await answer({ ...SAVED, claimVersion: 4 });
    assert.equal(saver.pending(), false);
    assert.equal(saver.inflight, null);
  });

  it("retries a server error with growing waits", async () => {
    const { saver, sent, type, answer, reports } = harness();
    type(" More.");
    saver.flush();
    await answer({ kind: "failed", status: 502 });
    assert.equal(reports.at(-1), "retrying");
    mock.timers.tick(retryDelay(1) - 1);
    assert.equal(sent.length, 1);
    mock.timers.tick(1);
    assert.equal(sent.length, 2);
    await answer({ kind: "failed", status: 503 });
    mock.timers.tick(retryDelay(2) - 1);
    assert.equal(sent.length, 2);
    mock.timers.tick(1);
    assert.equal(sent.length, 3);
    await answer(SAVED);
    assert.equal(reports.at(-1), "saved");
    assert.equal(saver.attempt, 0);
  });

  it("waits for the network when offline and sends when it is back", async () => {
    const { saver, sent, type, answer, reports } = harness();
    type(" More.");
    saver.flush();
    await answer({ kind: "offline" });
    assert.equal(reports.at(-1), "offline");
    type(" Typed offline.");
    mock.timers.tick(DELAY); // still tries after typing; fails again
    await answer({ kind: "offline" });
    saver.online();
    assert.equal(sent.length, 3);
    assert.match(sent[2].text, /Typed offline\.$/);
    await answer(SAVED);
    assert.equal(reports.at(-1), "saved");
    saver.online(); // nothing waits any more
    assert.equal(sent.length, 3);
  });

  it("turns fetch rejecting into offline", async () => {
    const reports = [];
    const saver = new Saver({
      read: () => ({ text: "b" }),
      send: () => Promise.reject(new TypeError("Failed to fetch")),
      report: (kind) => reports.push(kind),
      baseline: valuesKey({ text: "a" }),
    });
    await saver.save();
    assert.deepEqual(reports, ["saving", "offline"]);
  });

  it("holds a claim in conflict until the editor acts", async () => {
    const { saver, sent, type, answer, reports } = harness();
    type(" Mine.");
    saver.flush();
    await answer({
      kind: "conflict",
      claimVersion: 5,
      theirs: { text: "Theirs.", plain_text: "" },
      changes: [],
      errors: [],
    });
    assert.equal(reports.at(-1), "conflict");
    saver.flush(); // focus leaving is not acting on it
    mock.timers.tick(60000);
    assert.equal(sent.length, 1);
    saver.flush({ deliberate: true }); // Ctrl+S is
    assert.equal(sent.length, 2);
    await answer(SAVED);
    type(" Again.");
    mock.timers.tick(DELAY);
    assert.equal(sent.length, 3);
  });

  it("a deliberate save in conflict is sent even with the values last saved", async () => {
    const { saver, sent, type, answer, claim } = harness();
    const before = claim.text;
    type(" Mine.");
    saver.flush();
    await answer({ kind: "conflict", claimVersion: 5, theirs: { text: "Theirs." }, changes: [] });
    claim.text = before; // typed back to what this editor last saved
    saver.flush({ deliberate: true });
    assert.equal(sent.length, 2);
  });

  it("typing again in a claim in conflict saves it", async () => {
    const { saver, sent, type, answer } = harness();
    type(" Mine.");
    saver.flush();
    await answer({ kind: "conflict", claimVersion: 5, theirs: { text: "Theirs." }, changes: [] });
    type("!");
    mock.timers.tick(DELAY);
    assert.equal(sent.length, 2);
    assert.equal(saver.paused, false);
  });

  it("sends again once when 'theirs' is what was sent (its own earlier save)", async () => {
    const { saver, sent, type, answer, reports, claim } = harness();
    type(" Same.");
    saver.flush();
    await answer({ kind: "conflict", claimVersion: 5, theirs: { text: claim.text, plain_text: "" }, changes: [] });
    assert.deepEqual(reports, ["saving", "stale", "saving"]);
    assert.equal(sent.length, 2);
    await answer({ kind: "conflict", claimVersion: 6, theirs: { text: claim.text, plain_text: "" }, changes: [] });
    assert.equal(reports.at(-1), "conflict", "only once: then the editor decides");
    assert.equal(saver.paused, true);
  });

  it("does not send refused values again unless asked", async () => {
    const { saver, sent, type, answer, reports } = harness();
    type(" Bad.");
    saver.flush();
    await answer({ kind: "invalid", errors: ["Cite reference numbers only."] });
    assert.equal(reports.at(-1), "invalid");
    saver.flush();
    assert.equal(sent.length, 1);
    saver.flush({ deliberate: true });
    assert.equal(sent.length, 2);
    await answer({ kind: "refused", errors: ["you may not edit this article."] });
    type(" Fixed.");
    mock.timers.tick(DELAY);
    assert.equal(sent.length, 3);
  });

  it("sends nothing unasked once the form's own submit took the values", async () => {
    const { saver, sent, type } = harness();
    type(" Enter follows.");
    saver.handOver();
    mock.timers.tick(DELAY);
    saver.flush(); // focus leaving as editor.js re-renders the claim
    assert.equal(sent.length, 0);
    saver.flush({ deliberate: true }); // Ctrl+S is still obeyed
    assert.equal(sent.length, 1);
  });

  it("takes back over when the editor types again", async () => {
    const { saver, sent, type } = harness();
    type(" Enter follows.");
    saver.handOver();
    type(" And more.");
    mock.timers.tick(DELAY);
    assert.equal(sent.length, 1);
  });

  it("stops: no timer fires after the claim left the page", async () => {
    const { saver, sent, type } = harness();
    type(" More.");
    saver.stop();
    mock.timers.tick(DELAY * 5);
    await saver.flush();
    assert.equal(sent.length, 0);
  });

  it("idle() waits for the request under way and the one queued behind it", async () => {
    const { saver, type, answer } = harness();
    type(" One.");
    saver.flush();
    type(" Two.");
    saver.flush();
    let done = false;
    saver.idle().then(() => {
      done = true;
    });
    await answer(SAVED);
    assert.equal(done, false);
    await answer(SAVED);
    assert.equal(done, true);
  });
});

describe("interpret", () => {
  it("reads a saved answer", () => {
    const answer = { version: 12, uid: "u", claim_version: 4, message: "Saved" };
    assert.deepEqual(interpret({ status: 200, json: answer }), {
      kind: "saved",
      version: 12,
      claimVersion: 4,
    });
  });

  it("reads a conflict with both texts", () => {
    const json = {
      errors: ["Someone else changed this claim after you started; your text is kept beside theirs."],
      version: 9,
      changes: ["Jan 5, 2026 14:03 — Ann: Claim edited"],
      conflict: { uid: "u", claim_version: 7, text: "Theirs.", plain_text: "Plain theirs." },
    };
    const outcome = interpret({ status: 409, json });
    assert.equal(outcome.kind, "conflict");
    assert.equal(outcome.claimVersion, 7);
    assert.deepEqual(outcome.theirs, { text: "Theirs.", plain_text: "Plain theirs." });
    assert.deepEqual(outcome.changes, json.changes);
  });

  it("tells refusals, server errors, sign-outs and no network apart", () => {
    assert.equal(interpret({ status: 400, json: { errors: ["Too long."], version: 3 } }).kind, "invalid");
    assert.deepEqual(interpret({ status: 400, json: { errors: ["Too long."] } }).errors, ["Too long."]);
    assert.equal(interpret({ status: 403, json: null }).kind, "refused");
    assert.match(interpret({ status: 403 }).errors[0], /may not edit/);
    assert.equal(interpret({ status: 409, json: { errors: ["Not a draft."] } }).kind, "refused");
    assert.equal(interpret({ status: 500 }).kind, "failed");
    assert.equal(interpret({ status: 503, json: { errors: ["x"] } }).kind, "failed");
    assert.equal(interpret({ offline: true }).kind, "offline");
    assert.match(interpret({ status: 0, redirected: true }).errors[0], /signed out/);
    assert.match(interpret({ status: 200, json: null }).errors[0], /signed out/);
  });
});

describe("status line", () => {
  it("says exactly these words", () => {
    assert.equal(statusFor("saving"), "Saving…");
    assert.equal(statusFor("saved"), "Saved");
    assert.equal(statusFor("retrying"), "Not saved — retrying");
    assert.equal(statusFor("offline"), "Offline: kept on this device");
    assert.equal(statusFor("conflict", {}, "3"), conflictStatus("3"));
    assert.match(conflictStatus("3"), /claim 3 is in conflict/);
    assert.equal(statusFor("invalid", { outcome: { errors: ["Too long."] } }), "Not saved: Too long.");
    assert.equal(statusFor("unchanged", { deliberate: true }), STATUS.saved);
    assert.equal(statusFor("unchanged", {}), null);
    assert.equal(statusFor("stale"), null);
  });

  it("follows a save through a failure to success", () => {
    const kinds = ["saving", "retrying", "saving", "offline", "saving", "saved"];
    assert.deepEqual(kinds.map((kind) => statusFor(kind)), [
      "Saving…",
      "Not saved — retrying",
      "Saving…",
      "Offline: kept on this device",
      "Saving…",
      "Saved",
    ]);
  });
});

describe("retryDelay", () => {
  it("doubles from a second up to thirty", () => {
    assert.deepEqual([1, 2, 3, 4, 5, 6, 7, 20].map(retryDelay), [1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000]);
  });
});

describe("isSaveShortcut", () => {
  it("is Ctrl+S or Cmd+S and nothing else", () => {
    assert.equal(isSaveShortcut({ ctrlKey: true, key: "s" }), true);
    assert.equal(isSaveShortcut({ metaKey: true, key: "S" }), true);
    assert.equal(isSaveShortcut({ key: "s" }), false);
    assert.equal(isSaveShortcut({ ctrlKey: true, shiftKey: true, key: "s" }), false);
    assert.equal(isSaveShortcut({ ctrlKey: true, altKey: true, key: "s" }), false);
    assert.equal(isSaveShortcut({ ctrlKey: true, key: "a" }), false);
  });
});

describe("interpret, renumbered citations", () => {
  it("passes on the numbers typed citations now have", () => {
    const json = { version: 3, uid: "u", claim_version: 2, message: "Saved", citations: "2, 3" };
    assert.equal(interpret({ status: 200, json }).citations, "2, 3");
    assert.equal("citations" in interpret({ status: 200, json: { ...json, citations: undefined } }), false);
  });
});
