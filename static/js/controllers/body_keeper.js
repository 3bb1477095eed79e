// body-keeper: "Edit as text" keeps what is typed in the body on this device until it is
// saved, offers it back ("Restore" / "Discard") when the page opens showing something else,
// and asks before leaving with changes not saved. The server keeps the text of a refused
// save in the form itself, so the copy is forgotten as the form is sent.
//
// Pure parts are exported for tests/js/body_keeper.test.mjs.
import { Controller } from "../../vendor/stimulus-3.2.2.js";
import { isExpired, noticeText, parseRecord } from "./draft_keeper.js";

export const PREFIX = "desk-body-draft";
export const LEAVE_MESSAGE = "The body has changes not saved yet. Leave the page anyway?";

export function storageKey(article) {
  return `${PREFIX}:article-${article}`;
}

// A kept copy against the body the page shows: "forget" (the same, or a month old),
// "offer" (something else), or null (no copy).
export function bodyVerdict(kept, shown, now) {
  if (!kept) return null;
  if (isExpired(kept, now) || kept.values.body === shown) return "forget";
  return "offer";
}

export function unsavedBody(typed, saved) {
  return typed !== saved;
}

function storage() {
  try {
    return window.localStorage;
  } catch {
    return null;
  }
}

export default class extends Controller {
  static values = { article: String };
  static targets = ["body"];

  connect() {
    this.sending = false;
    const kept = parseRecord(storage()?.getItem(this.key));
    const verdict = bodyVerdict(kept, this.bodyTarget.value, Date.now());
    if (verdict === "forget") this.forget();
    if (verdict === "offer") this.offer(kept);
  }

  get key() {
    return storageKey(this.articleValue);
  }

  keep() {
    const values = { body: this.bodyTarget.value };
    if (values.body === this.bodyTarget.defaultValue) this.forget();
    else storage()?.setItem(this.key, JSON.stringify({ values, claimVersion: null, at: Date.now() }));
  }

  forget() {
    storage()?.removeItem(this.key);
  }

  sent() {
    this.sending = true;
    this.forget();
  }

  warn(event) {
    if (this.sending || !unsavedBody(this.bodyTarget.value, this.bodyTarget.defaultValue)) return;
    event.preventDefault();
    event.returnValue = LEAVE_MESSAGE;
  }

  offer(kept) {
    const notice = document.createElement("div");
    notice.className = "desk-notice draft-notice";
    notice.setAttribute("role", "status");
    const text = document.createElement("p");
    text.textContent = noticeText(kept.at, Date.now());
    const restore = document.createElement("button");
    restore.type = "button";
    restore.className = "button";
    restore.textContent = "Restore";
    restore.addEventListener("click", () => {
      this.bodyTarget.value = kept.values.body;
      notice.remove();
      this.bodyTarget.focus();
    });
    const discard = document.createElement("button");
    discard.type = "button";
    discard.className = "button";
    discard.textContent = "Discard";
    discard.addEventListener("click", () => {
      this.forget();
      notice.remove();
      this.bodyTarget.focus();
    });
    notice.append(text, restore, " ", discard);
    this.element.prepend(notice);
  }
}
