// review-keys: the review screen by keyboard. j (or ↓) and k (or ↑) move from claim to claim,
// v gives the claim in hand "Verified", n opens its comment box for "Needs change"; there
// Ctrl+Enter (⌘+Enter) sends it and Escape goes back to the claim. Once a verdict is saved
// in place (desk.js swaps the claim's row and says "desk:swapped"), the next claim is in hand.
//
// Single keys never act while typing in a field. Without this controller the page is the
// same forms, sent with their buttons. Pure parts are exported for tests/js/review_keys.test.mjs.
import { Controller } from "../../vendor/stimulus-3.2.2.js";

export const KEYS = {
  j: "next",
  ArrowDown: "next",
  k: "previous",
  ArrowUp: "previous",
  v: "verify",
  n: "needs-change",
};

const FIELDS = ["input", "textarea", "select"];

// Whether keys pressed in ``element`` belong to it: a field (arrows move in a select or
// a radio group too) or anything editable.
export function isField(element) {
  if (!element) return false;
  if (element.isContentEditable) return true;
  return FIELDS.includes(String(element.tagName || "").toLowerCase());
}

// What a key press asks for, or null. ``inNeedsChange``: the press is in the comment box
// that n opened, where Ctrl+Enter sends and Escape goes back.
export function commandFor(event, { inNeedsChange = false } = {}) {
  if (event.altKey || event.isComposing) return null;
  if (isField(event.target)) {
    if (!inNeedsChange) return null;
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) return "send";
    if (event.key === "Escape") return "cancel";
    return null;
  }
  if (event.ctrlKey || event.metaKey || event.shiftKey) return null;
  return KEYS[event.key] || null;
}

// Whether a verdict saved in ``row`` leaves the focus where it is: the reviewer has moved
// on into a field elsewhere (a comment in the workflow panel, say) and is writing there.
export function writingElsewhere(active, row) {
  return isField(active) && !row.contains(active);
}

// The claim to move to from ``index`` (-1: none in hand yet) among ``count``: the first one
// when none is in hand, and the same one at either end.
export function neighbour(index, count, step) {
  if (count === 0) return null;
  if (index < 0) return 0;
  return Math.min(count - 1, Math.max(0, index + step));
}

export default class extends Controller {
  static targets = ["claim", "status", "hint"];

  connect() {
    this.hintTargets.forEach((hint) => {
      hint.hidden = false;
    });
    this.currentId = "";
  }

  key(event) {
    const form = event.target.closest?.("form.review-form");
    const inNeedsChange = Boolean(form?.classList.contains("needs-change-open"));
    const command = commandFor(event, { inNeedsChange });
    if (!command) return;
    if (command === "send" || command === "cancel") {
      event.preventDefault();
      if (command === "send") this.send(form);
      else this.cancel(form);
      return;
    }
    const claim = this.current;
    if ((command === "verify" || command === "needs-change") && !claim) return;
    event.preventDefault();
    if (command === "next") this.move(claim, 1);
    else if (command === "previous") this.move(claim, -1);
    else if (command === "verify") this.verify(claim);
    else this.openNeedsChange(claim);
  }

  // A verdict was saved (or refused) and the claim's row drawn again.
  saved(event) {
    const row = event.target;
    if (!this.claimTargets.includes(row)) return;
    if (!event.detail.ok) {
      // Refused: the reason is in the row. A comment was missing (400): the box has the
      // focus and keeps what was typed, and Ctrl+Enter sends again.
      if (event.detail.status === 400) {
        row.querySelector("form.review-form")?.classList.add("needs-change-open");
      }
      return;
    }
    const claims = this.claimTargets;
    const index = claims.indexOf(row);
    if (writingElsewhere(document.activeElement, row)) {
      const last = index === claims.length - 1 ? " That was the last claim." : "";
      this.announce(`${event.detail.message}${last}`);
      return;
    }
    if (index === claims.length - 1) {
      this.focus(row);
      this.announce(`${event.detail.message} That was the last claim.`);
      return;
    }
    this.focus(claims[neighbour(index, claims.length, 1)]);
  }

  get current() {
    const active = document.activeElement;
    const around = active?.closest?.("[data-review-keys-target~='claim']");
    if (around && this.claimTargets.includes(around)) return around;
    return this.claimTargets.find((claim) => claim.id === this.currentId) || null;
  }

  move(claim, step) {
    const claims = this.claimTargets;
    const index = neighbour(claims.indexOf(claim), claims.length, step);
    if (index === null) return;
    if (claims[index] === claim) {
      this.announce(step > 0 ? "This is the last claim." : "This is the first claim.");
    }
    this.focus(claims[index]);
  }

  focus(claim) {
    this.currentId = claim.id;
    claim.focus({ preventScroll: true });
    claim.scrollIntoView({ block: "start" });
  }

  verify(claim) {
    const form = claim.querySelector("form.review-form");
    const button = form?.querySelector("button[name=verdict][value=verified]");
    if (!button || button.disabled) {
      this.announce("There is no verdict to give on this claim here.");
      return;
    }
    form.requestSubmit(button);
  }

  openNeedsChange(claim) {
    const form = claim.querySelector("form.review-form");
    const comment = form?.querySelector("textarea[name=comment]");
    if (!comment) {
      this.announce("There is no verdict to give on this claim here.");
      return;
    }
    // An unchanged claim is folded away: its comment box must show to take the focus.
    const fold = claim.querySelector("details.round-fold");
    if (fold) fold.open = true;
    form.classList.add("needs-change-open");
    comment.focus();
    this.announce("Say what must change, then Control Enter sends Needs change; Escape goes back.");
  }

  send(form) {
    const button = form.querySelector("button[name=verdict][value=needs_change]");
    if (button && !button.disabled) form.requestSubmit(button);
  }

  cancel(form) {
    form.classList.remove("needs-change-open");
    const claim = form.closest("[data-review-keys-target~='claim']");
    if (claim) this.focus(claim);
  }

  announce(message) {
    if (!this.hasStatusTarget) return;
    const region = this.statusTarget;
    region.textContent = region.textContent === message ? `${message}\u00a0` : message;
  }
}
