// draft-keeper: what is typed in a claim (or in the new claim) is kept on this device as it is
// typed, and forgotten once saved. When the page opens showing something else, the claim says
// so and offers "Restore" or "Discard".
//
// Pure parts (keys, records, "differs", the time shown) are exported for
// tests/js/draft_keeper.test.mjs.
import { Controller } from "../../vendor/stimulus-3.2.2.js";
import { hasTyped, normalise, readValues, sameValues, writeValues } from "./form_values.js";

export const PREFIX = "desk-editor-draft";
export const NEW = "new";
// A copy nobody came back for in a month is dropped.
export const KEEP_FOR_MS = 30 * 24 * 60 * 60 * 1000;

export function storageKey(article, uid) {
  return `${PREFIX}:article-${article}:claim-${uid}`;
}

export function record(values, claimVersion, now) {
  return { values, claimVersion: claimVersion == null ? null : Number(claimVersion), at: now };
}

export function parseRecord(text) {
  if (!text) return null;
  try {
    const kept = JSON.parse(text);
    return kept && typeof kept === "object" && kept.values && typeof kept.at === "number" ? kept : null;
  } catch {
    return null;
  }
}

export function isExpired(kept, now) {
  return now - kept.at > KEEP_FOR_MS;
}

// What a claim's kept copy asks for, given the values the page shows: "forget" (it says the
// same), "offer" (it says something else), or nothing when there is no copy.
export function claimVerdict(kept, shown, now) {
  if (!kept) return null;
  if (isExpired(kept, now) || sameValues(kept.values, shown)) return "forget";
  return "offer";
}

// A claim on the page says what the new claim's copy says: it was added.
export function wasAdded(kept, texts) {
  const typed = normalise(kept.values).text;
  return Boolean(typed) && texts.some((text) => normalise({ text }).text === typed);
}

// The new claim's copy: gone once it was added or when nothing was typed; offered when the
// form shows something else.
export function newClaimVerdict(kept, shown, texts, now) {
  if (!kept) return null;
  if (isExpired(kept, now) || !hasTyped(kept.values) || wasAdded(kept, texts)) return "forget";
  if (sameValues(kept.values, shown)) return null;
  return "offer";
}

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

// "14:03" today, "Mar 5, 2026 14:03" another day (the desk's date format), in local time.
export function describeTime(at, now) {
  const when = new Date(at);
  const today = new Date(now);
  const pad = (n) => String(n).padStart(2, "0");
  const time = `${pad(when.getHours())}:${pad(when.getMinutes())}`;
  if (when.toDateString() === today.toDateString()) return time;
  return `${MONTHS[when.getMonth()]} ${when.getDate()}, ${when.getFullYear()} ${time}`;
}

export function noticeText(at, now) {
  return `Unsaved text from ${describeTime(at, now)} was kept on this device.`;
}

function storage() {
  try {
    return window.localStorage;
  } catch {
    return null; // storage switched off: nothing is kept, the rest works
  }
}

export default class extends Controller {
  static values = { article: String };
  static targets = ["claim"];

  connect() {
    this.offerNewClaim();
  }

  // Each claim as it appears: on opening the page, and again after editor.js re-renders the
  // body (a claim just added by the new-claim form says what its copy said).
  claimTargetConnected(item) {
    const form = this.formOf(item);
    if (!form) return;
    const uid = item.getAttribute("data-uid");
    const now = Date.now();
    const verdict = claimVerdict(this.read(uid), readValues(form), now);
    if (verdict === "forget") this.forget(uid);
    if (verdict === "offer") this.offer(form, uid, this.read(uid), now);
    const added = this.read(NEW);
    if (added && wasAdded(added, [form.elements.namedItem("text").value])) this.forget(NEW);
  }

  keep(event) {
    const form = event.target.form;
    const uid = this.uidOf(form);
    if (!uid) return;
    const values = readValues(form);
    if (uid === NEW && !hasTyped(values)) {
      this.forget(NEW);
      return;
    }
    const version = form.querySelector("input[name=claim_version]");
    this.write(uid, record(values, version ? version.value : null, Date.now()));
  }

  // An autosave succeeded: the copy goes, unless more was typed meanwhile; then it names the
  // claim version just saved, so restoring it later is not taken for a conflict.
  saved(event) {
    const { uid, values, claimVersion } = event.detail || {};
    const kept = uid && this.read(uid);
    if (!kept) return;
    const form = event.target;
    if (sameValues(kept.values, values) || sameValues(readValues(form), values)) this.forget(uid);
    else this.write(uid, { ...kept, claimVersion });
  }

  restore({ params: { uid } }) {
    const kept = this.read(uid);
    const form = this.formFor(uid);
    this.removeNotice(uid);
    if (!kept || !form) return;
    const kind = form.elements.namedItem("kind");
    const before = kind && kind.value;
    writeValues(form, kept.values);
    const version = form.querySelector("input[name=claim_version]");
    // Saved as a change of the version it was typed on: if someone changed the claim since,
    // the save is refused as a conflict and both texts are shown.
    if (version && kept.claimVersion) version.value = kept.claimVersion;
    if (kind && kind.value !== before) kind.dispatchEvent(new Event("change", { bubbles: true }));
    const text = form.elements.namedItem("text");
    if (text) text.focus();
    if (uid !== NEW) this.dispatch("restored", { target: form, detail: { uid } });
  }

  discard({ params: { uid } }) {
    this.forget(uid);
    this.removeNotice(uid);
    const form = this.formFor(uid);
    const text = form && form.elements.namedItem("text");
    if (text) text.focus();
  }

  offerNewClaim() {
    const form = this.formFor(NEW);
    if (!form) return;
    const texts = Array.from(this.element.querySelectorAll("form[data-editor-form=save] [name=text]"), (f) => f.value);
    const kept = this.read(NEW);
    const now = Date.now();
    const verdict = newClaimVerdict(kept, readValues(form), texts, now);
    if (verdict === "forget") this.forget(NEW);
    if (verdict === "offer") this.offer(form, NEW, kept, now);
  }

  offer(form, uid, kept, now) {
    this.removeNotice(uid);
    const box = document.createElement("div");
    box.className = "desk-notice editor-kept";
    box.setAttribute("data-kept-for", uid);
    const text = document.createElement("p");
    text.id = `kept-${uid}`;
    const message = noticeText(kept.at, now);
    const shown = describeTime(kept.at, now);
    const [before, after] = message.split(shown);
    const time = document.createElement("time");
    time.dateTime = new Date(kept.at).toISOString();
    time.textContent = shown;
    text.append(before, time, after);
    box.appendChild(text);
    for (const [label, action] of [["Restore", "restore"], ["Discard", "discard"]]) {
      const button = document.createElement("button");
      button.type = "button";
      button.className = action === "restore" ? "button button-primary" : "button";
      button.textContent = label;
      button.setAttribute("aria-describedby", text.id);
      button.setAttribute("data-action", `draft-keeper#${action}`);
      button.setAttribute("data-draft-keeper-uid-param", uid);
      box.append(button, " ");
    }
    const first = Array.from(form.children).find((child) => child.type !== "hidden");
    form.insertBefore(box, first || null);
  }

  removeNotice(uid) {
    this.element.querySelectorAll(`[data-kept-for="${uid}"]`).forEach((box) => box.remove());
  }

  formOf(item) {
    return item.querySelector("form[data-editor-form=save]");
  }

  formFor(uid) {
    if (uid === NEW) return this.element.querySelector("form[data-editor-form=add]");
    const item = this.element.querySelector(`[data-uid="${uid}"]`);
    return item && this.formOf(item);
  }

  uidOf(form) {
    if (!form) return null;
    const role = form.getAttribute("data-editor-form");
    if (role === "add") return NEW;
    if (role !== "save") return null;
    const item = form.closest("[data-uid]");
    return item && item.getAttribute("data-uid");
  }

  read(uid) {
    const store = storage();
    if (!store) return null;
    try {
      return parseRecord(store.getItem(storageKey(this.articleValue, uid)));
    } catch {
      return null;
    }
  }

  write(uid, kept) {
    const store = storage();
    try {
      if (store) store.setItem(storageKey(this.articleValue, uid), JSON.stringify(kept));
    } catch {
      // Full or refused: the page's own saving goes on regardless.
    }
  }

  forget(uid) {
    const store = storage();
    try {
      if (store) store.removeItem(storageKey(this.articleValue, uid));
    } catch {
      // As above.
    }
  }
}
