// follow-up-answer: the follow-up form shows its answer in place, under the form.
//
// Without this controller the form posts and the answer comes back as a page of its own
// (answers/answer_page.html); with it, the same post is sent in the background and the
// answer section of that page (#follow-up-answer) is put under the form. A refusal (an
// empty question, too many questions) comes back as the article page with the form's
// errors: its follow-up section replaces this one, the question kept. Anything else (a
// network failure) falls back to the plain post. ``fragmentOf`` is exported for tests/js.
import { Controller } from "../../vendor/stimulus-3.2.2.js";

export const ANSWER_ID = "follow-up-answer";
export const FORM_SECTION_ID = "follow-up";

// The element ``id`` of a page's HTML, as markup (``inner``: its content only), or null.
export function fragmentOf(html, id, parse, { inner = false } = {}) {
  const element = parse(html).getElementById(id);
  if (!element) return null;
  return inner ? element.innerHTML : element.outerHTML;
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
      const parse = (text) => parser.parseFromString(text, "text/html");
      const text = await response.text();
      if (response.ok) {
        const answer = fragmentOf(text, ANSWER_ID, parse);
        if (!answer) return this.postPlainly(form);
        this.resultTarget.innerHTML = answer;
        this.resultTarget.querySelector(`#${ANSWER_ID}`).focus();
        return;
      }
      const refused = fragmentOf(text, FORM_SECTION_ID, parse, { inner: true });
      if (!refused) return this.postPlainly(form);
      this.element.innerHTML = refused;
      const why = this.element.querySelector("[aria-invalid=true], .form-notice");
      if (why) why.focus();
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
