// follow-up-answer: the follow-up form shows its answer in place, under the form.
//
// Without this controller the form posts and the answer comes back as a page of its own
// (answers/answer_page.html); with it, the same post is sent in the background and the
// answer section of that page (#follow-up-answer) is put under the form. A refusal (a
// question too long, too many questions) or a network failure falls back to the plain
// post, so the page says why. ``answerFrom`` is exported for tests/js.
import { Controller } from "../../vendor/stimulus-3.2.2.js";

export const ANSWER_ID = "follow-up-answer";

// The answer section of an answer page's HTML, as markup, or null when it has none.
export function answerFrom(html, parse) {
  const doc = parse(html);
  const section = doc.getElementById(ANSWER_ID);
  return section ? section.outerHTML : null;
}

export default class extends Controller {
  static targets = ["form", "result"];

  async ask(event) {
    if (!window.fetch || !window.DOMParser) return;
    event.preventDefault();
    const form = this.formTarget;
    const button = form.querySelector("button[type=submit]");
    if (button) button.disabled = true;
    try {
      const response = await fetch(form.action, {
        method: "POST",
        body: new FormData(form),
        credentials: "same-origin",
        headers: { Accept: "text/html" },
      });
      const parser = new DOMParser();
      const html = response.ok
        ? answerFrom(await response.text(), (text) => parser.parseFromString(text, "text/html"))
        : null;
      if (!html) return this.postPlainly(form);
      this.resultTarget.innerHTML = html;
      const answer = this.resultTarget.querySelector(`#${ANSWER_ID}`);
      if (answer) answer.focus();
    } catch {
      this.postPlainly(form);
    } finally {
      if (button) button.disabled = false;
    }
  }

  postPlainly(form) {
    // The server's own page says what went wrong, with the question kept.
    form.removeAttribute("data-action");
    HTMLFormElement.prototype.submit.call(form);
  }
}
