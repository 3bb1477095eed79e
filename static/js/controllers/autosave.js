// autosave: a claim's form saves itself about a second after typing stops, when focus leaves
// the claim, and at once on Ctrl/Cmd+S. One request at a time per claim; what is typed
// meanwhile goes in the next. The form still works on its own ("Save claim N").
//
// The pure parts (the Saver's timing, what an answer means, the words of the status line) are
// exported for tests/js/autosave.test.mjs; the controller only wires them to the page.
import { Controller } from "../../vendor/stimulus-3.2.2.js";
import { markSaved, readValues, savedValues, valuesKey } from "./form_values.js";

export const DELAY = 1000;
export const MAX_RETRY_DELAY = 30000;

export const STATUS = {
  saving: "Saving…",
  saved: "Saved",
  retrying: "Not saved — retrying",
  offline: "Offline: kept on this device",
};

export function conflictStatus(number) {
  return `Not saved: claim ${number} is in conflict — someone else changed it; both versions are shown there`;
}

export function refusedStatus(errors) {
  return `Not saved: ${errors.join(" ")}`;
}

// The status line's words for what the Saver reports (null: leave it as it is).
export function statusFor(kind, { outcome, deliberate } = {}, number = "") {
  switch (kind) {
    case "saving":
      return STATUS.saving;
    case "saved":
      return STATUS.saved;
    case "unchanged":
      return deliberate ? STATUS.saved : null;
    case "conflict":
      return conflictStatus(number);
    case "invalid":
    case "refused":
      return refusedStatus(outcome.errors);
    case "offline":
      return STATUS.offline;
    case "retrying":
      return STATUS.retrying;
    default:
      return null;
  }
}

// Waits between tries after a failure: 1 s, 2 s, 4 s … at most 30 s.
export function retryDelay(attempt) {
  return Math.min(MAX_RETRY_DELAY, 1000 * 2 ** Math.max(0, attempt - 1));
}

export function isSaveShortcut(event) {
  return Boolean(
    (event.ctrlKey || event.metaKey) &&
    !event.altKey &&
    !event.shiftKey &&
    String(event.key).toLowerCase() === "s"
  );
}

function unknownAnswer(status, redirected) {
  if (redirected || status === 200) {
    return "you seem to be signed out. Log in again in another tab, then save; your text is kept on this device.";
  }
  if (status === 403) return "you may not edit this article.";
  if (status === 409) return "the article is no longer a draft you can edit; reload the page.";
  return `the server answered ${status}.`;
}

// What an answer to an autosave means. ``status`` is the HTTP status, ``json`` its JSON body
// (null if it had none), ``offline`` that fetch itself failed, ``redirected`` that the server
// sent the browser elsewhere (the login page).
export function interpret({ status = 0, json = null, offline = false, redirected = false }) {
  if (offline) return { kind: "offline" };
  if (status >= 500) return { kind: "failed", status };
  if (status === 200 && json && json.claim_version != null) {
    const saved = { kind: "saved", version: json.version, claimVersion: json.claim_version };
    // Typed citations come back as the claim's numbers now stand (citing may renumber).
    if (typeof json.citations === "string") saved.citations = json.citations;
    return saved;
  }
  const errors = json && Array.isArray(json.errors) && json.errors.length ? json.errors : null;
  if (status === 409 && json && json.conflict) {
    return {
      kind: "conflict",
      version: json.version,
      claimVersion: json.conflict.claim_version,
      theirs: { text: json.conflict.text || "", plain_text: json.conflict.plain_text || "" },
      changes: json.changes || [],
      errors: errors || [],
    };
  }
  if (status === 400 && json) {
    return { kind: "invalid", version: json.version, errors: errors || ["check the claim."] };
  }
  return { kind: "refused", status, errors: errors || [unknownAnswer(status, redirected)] };
}

// Theirs says what this editor sent: not a real conflict (the editor's own earlier save, or
// the same words), so the save is sent again naming their version.
export function sameAsSent(theirs, values) {
  const norm = (value) => String(value || "").replace(/\r\n?/g, "\n").trim();
  return norm(theirs.text) === norm(values.text) && norm(theirs.plain_text) === norm(values.plain_text);
}

// When and what to send for one claim. ``read()`` gives the values typed now; ``send(values)``
// posts them and resolves with an ``interpret`` result; ``report(kind, detail)`` tells the page.
export class Saver {
  constructor({ read, send, report, baseline, delay = DELAY, timers = globalThis }) {
    Object.assign(this, { read, send, report, delay, timers });
    this.baseline = baseline; // the values last saved, as valuesKey
    this.inflight = null; // the request under way
    this.queued = false; // values typed while it was under way
    this.timer = null; // the debounce, or the next try after a failure
    this.attempt = 0; // failed tries in a row
    this.paused = false; // in conflict: wait for the editor
    this.refusedKey = null; // values the server refused: not sent again unasked
    this.offline = false;
    this.staleRetried = false;
    this.handedOver = false; // the form's own submit sends these values
    this.stopped = false;
  }

  pending() {
    return valuesKey(this.read()) !== this.baseline;
  }

  // The editor typed: save once they stop. Typing in a claim in conflict is acting on it.
  changed() {
    if (this.stopped) return;
    this.paused = false;
    this.handedOver = false;
    this.refusedKey = null;
    this.clearTimer();
    this.timer = this.timers.setTimeout(() => this.save(), this.delay);
  }

  // Save now (focus left, Ctrl+S, page hidden). Deliberate saves go even in conflict.
  flush({ deliberate = false } = {}) {
    if (deliberate) {
      this.paused = false;
      this.refusedKey = null;
    }
    if (this.paused || this.stopped) return this.idle();
    return this.save({ deliberate });
  }

  // The network is back: a save waiting for it goes now.
  online() {
    if (this.offline && !this.paused) this.save();
  }

  // The form's own submit (editor.js) sends these values: nothing to schedule, and nothing to
  // send unasked (focus leaving as the page is re-rendered) until the editor types again.
  handOver() {
    this.cancel();
    this.handedOver = true;
  }

  cancel() {
    this.clearTimer();
    this.queued = false;
  }

  stop() {
    this.cancel();
    this.stopped = true;
  }

  // Resolves once no request is under way.
  async idle() {
    while (this.inflight) await this.inflight;
  }

  clearTimer() {
    if (this.timer !== null) this.timers.clearTimeout(this.timer);
    this.timer = null;
  }

  save({ deliberate = false } = {}) {
    if (this.stopped) return Promise.resolve();
    this.clearTimer();
    if (this.inflight) {
      this.queued = true;
      return this.inflight;
    }
    const values = this.read();
    const key = valuesKey(values);
    if (key === this.baseline) {
      // Nothing new to send; one waiting to retry has nothing left to wait for either.
      const waited = this.offline || this.attempt > 0;
      this.offline = false;
      this.attempt = 0;
      this.report("unchanged", { deliberate: deliberate || waited });
      return Promise.resolve();
    }
    if (!deliberate && (key === this.refusedKey || this.handedOver)) return Promise.resolve();
    this.report("saving", { values });
    let sent;
    try {
      sent = Promise.resolve(this.send(values)); // the form is read now, with these values
    } catch (error) {
      sent = Promise.reject(error);
    }
    this.inflight = sent
      .catch(() => ({ kind: "offline" }))
      .then((outcome) => this.finish(values, key, outcome));
    return this.inflight;
  }

  finish(values, key, outcome) {
    this.inflight = null;
    const kind = outcome.kind;
    this.offline = kind === "offline";
    if (kind === "saved") {
      this.baseline = key;
      this.attempt = 0;
      this.refusedKey = null;
      this.staleRetried = false;
      this.report("saved", { values, outcome });
    } else if (kind === "conflict" && !this.staleRetried && sameAsSent(outcome.theirs, values)) {
      this.staleRetried = true;
      this.queued = true;
      this.report("stale", { values, outcome });
    } else if (kind === "conflict") {
      // The claim on the server is theirs now: whatever is typed differs from it.
      this.baseline = null;
      this.paused = true;
      this.queued = false;
      this.report("conflict", { values, outcome });
    } else if (kind === "invalid" || kind === "refused") {
      this.refusedKey = key;
      this.report(kind, { values, outcome });
    } else {
      // A server error or no network: try again later, with what is typed by then.
      this.attempt += 1;
      this.queued = false;
      if (!this.stopped) this.timer = this.timers.setTimeout(() => this.save(), retryDelay(this.attempt));
      this.report(kind === "offline" ? "offline" : "retrying", { values, outcome });
    }
    if (this.queued && !this.paused && !this.stopped) {
      this.queued = false;
      return this.save();
    }
    this.queued = false;
    return undefined;
  }
}

// Set while the page is being left: a save started then may or may not reach the server,
// so the copy on the device (draft-keeper) and the warning (unsaved-warning) answer for it.
let leaving = false;
if (typeof window !== "undefined") {
  window.addEventListener("pagehide", () => {
    leaving = true;
  });
  window.addEventListener("pageshow", () => {
    leaving = false;
  });
}

function paragraph(text, strong = false) {
  const p = document.createElement("p");
  if (strong) {
    const b = document.createElement("strong");
    b.textContent = text;
    p.appendChild(b);
  } else p.textContent = text;
  return p;
}

function quote(text) {
  const q = document.createElement("blockquote");
  q.textContent = text;
  return q;
}

export default class extends Controller {
  static values = { number: String };

  connect() {
    this.uid = (this.element.closest("[data-uid]") || this.element).getAttribute("data-uid");
    // Saving is automatic here: the plain form's button is for pages without the script
    // (Ctrl/Cmd+S or Enter saves at once).
    this.button = this.element.querySelector(".editor-save");
    if (this.button) this.button.hidden = true;
    this.element.setAttribute("data-autosave-state", "ready");
    this.saver = new Saver({
      read: () => readValues(this.element),
      send: () => this.send(),
      report: (kind, detail) => this.report(kind, detail),
      baseline: valuesKey(savedValues(this.element)),
    });
    // Text put back into a re-rendered claim (editor.js keeps what was typed) is not saved yet.
    if (this.saver.pending()) this.saver.changed();
  }

  disconnect() {
    this.saver.stop();
    if (this.button) this.button.hidden = false;
  }

  changed() {
    this.saver.changed();
  }

  left(event) {
    if (!this.element.contains(event.relatedTarget)) this.saver.flush();
  }

  shortcut(event) {
    if (!isSaveShortcut(event)) return;
    event.preventDefault();
    this.saver.flush({ deliberate: true });
  }

  // Restored from the device (draft-keeper): the editor chose it, so it goes at once.
  saveNow() {
    this.saver.flush({ deliberate: true });
  }

  online() {
    this.saver.online();
  }

  // The tab is put away (another app, another tab): save now, it may not come back.
  hidden() {
    if (document.visibilityState === "hidden" && !leaving) this.saver.flush();
  }

  // editor.js is about to post a form: saves of other claims land first, and this claim's
  // own values go in that post, so the versions each post names are current.
  settle(event) {
    if (event.target === this.element) this.saver.handOver();
    else this.saver.flush();
    if (event.detail && Array.isArray(event.detail.waits)) event.detail.waits.push(this.saver.idle());
  }

  async send() {
    const form = this.element;
    const data = new FormData(form);
    let response;
    try {
      response = await fetch(form.action, {
        method: "POST",
        body: data,
        headers: { "X-Requested-With": "fetch", "X-Autosave": "1", Accept: "application/json" },
        credentials: "same-origin",
        redirect: "manual",
      });
    } catch {
      return interpret({ offline: true });
    }
    let json = null;
    if ((response.headers.get("Content-Type") || "").includes("application/json")) {
      json = await response.json().catch(() => null);
    }
    return interpret({ status: response.status, json, redirected: response.type === "opaqueredirect" });
  }

  // The claim's form on the page now: editor.js may have re-rendered it meanwhile.
  get form() {
    if (this.element.isConnected) return this.element;
    return document.querySelector(`[id="claim-${this.uid}"] form[data-editor-form=save]`);
  }

  say(text) {
    const status = document.querySelector("[data-editor-status]");
    if (status) status.textContent = text;
  }

  setVersions({ version, claimVersion }, { wholeClaim = true } = {}) {
    // Versions only grow: an answer that arrives late never takes one back.
    const raise = (input, value) => {
      if (input && value != null && !(Number(input.value) >= Number(value))) input.value = value;
    };
    if (version != null) {
      document.querySelectorAll("input[name=expected_version]").forEach((input) => raise(input, version));
      const body = document.getElementById("editor-body");
      if (body && !(Number(body.getAttribute("data-version")) >= Number(version))) {
        body.setAttribute("data-version", version); // what editor.js's Undo names
      }
    }
    // Every form of the claim that names its version (the save form, "Still right") follows a
    // save; in a conflict only the save form does, so that saving again is deliberate.
    const form = this.form;
    const item = form && (wholeClaim ? form.closest("[data-uid]") || form : form);
    if (item && claimVersion != null) {
      item.querySelectorAll("input[name=claim_version]").forEach((input) => raise(input, claimVersion));
    }
  }

  clearBoxes(form) {
    form.querySelectorAll(".editor-problems, .editor-conflict").forEach((box) => box.remove());
  }

  showBox(form, box) {
    this.clearBoxes(form);
    box.setAttribute("role", "alert");
    const first = Array.from(form.children).find((child) => child.type !== "hidden");
    form.insertBefore(box, first || null);
  }

  showProblems(form, errors) {
    const box = document.createElement("div");
    box.className = "desk-errors editor-problems";
    errors.forEach((text) => box.appendChild(paragraph(`Not saved: ${text}`)));
    this.showBox(form, box);
  }

  showConflict(form, outcome) {
    const box = document.createElement("div");
    box.className = "desk-errors editor-conflict";
    box.appendChild(paragraph("In conflict: someone else changed this claim while you were writing.", true));
    box.appendChild(paragraph("Your text is kept in the fields below. Their text:"));
    box.appendChild(quote(outcome.theirs.text));
    if (outcome.theirs.plain_text) {
      box.appendChild(paragraph("Their plain-language version:"));
      box.appendChild(quote(outcome.theirs.plain_text));
    }
    if (outcome.changes.length) {
      box.appendChild(paragraph("Changes since your version:"));
      const list = document.createElement("ul");
      outcome.changes.forEach((change) => {
        const li = document.createElement("li");
        li.textContent = change;
        list.appendChild(li);
      });
      box.appendChild(list);
    }
    box.appendChild(
      paragraph("Nothing is saved until you act: type on, or press Ctrl+S, to save yours over theirs; copy what you need from theirs first."),
    );
    this.showBox(form, box);
  }

  // The numbers the server gave typed citations replace them, unless typed over meanwhile,
  // and are what the page now shows (``citations_shown``, where the form has it).
  renumbered(form, values, outcome) {
    if (outcome.citations == null) return values;
    const savedAs = { ...values, citations: outcome.citations };
    const field = form.elements.namedItem("citations");
    if (field && valuesKey({ ...values, citations: field.value }) === valuesKey(values)) {
      field.value = outcome.citations;
    }
    form.querySelectorAll("input[name=citations_shown]").forEach((input) => {
      input.value = outcome.citations;
      input.defaultValue = outcome.citations;
    });
    this.saver.baseline = valuesKey(savedAs);
    return savedAs;
  }

  report(kind, detail = {}) {
    const { values, outcome } = detail;
    const form = this.form;
    if (form) form.setAttribute("data-autosave-state", kind);
    if (kind === "saved" || kind === "stale" || kind === "conflict") {
      this.setVersions(outcome, { wholeClaim: kind === "saved" });
    }
    if (form && kind === "saved") {
      const savedAs = this.renumbered(form, values, outcome);
      markSaved(form, savedAs);
      this.clearBoxes(form);
      this.dispatch("saved", { target: form, detail: { uid: this.uid, values, claimVersion: outcome.claimVersion } });
    }
    if (form && kind === "conflict") this.showConflict(form, outcome);
    // Back to the values last saved: what was refused no longer stands.
    if (form && kind === "unchanged") form.querySelectorAll(".editor-problems").forEach((box) => box.remove());
    if (form && (kind === "invalid" || kind === "refused")) this.showProblems(form, outcome.errors);
    const text = statusFor(kind, detail, this.numberValue);
    if (text !== null) this.say(text);
  }
}
