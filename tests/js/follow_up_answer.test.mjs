// The follow-up answer's logic: which part of the answer page is put under the form.
import assert from "node:assert/strict";
import { describe, it } from "node:test";

import {
  ANSWER_ID,
  FORM_SECTION_ID,
  fragmentOf,
} from "../../static/js/controllers/follow_up_answer.js";

// A stand-in for DOMParser: finds an element by id in the markup, as a browser would.
function parse(html) {
  return {
    getElementById(id) {
      const start = html.indexOf(`<section id="${id}">`);
      if (start < 0) return null;
      const end = html.indexOf("</section>", start) + "</section>".length;
      const open = `<section id="${id}">`.length;
      return { outerHTML: html.slice(start, end), innerHTML: html.slice(start + open, end - "</section>".length) };
    },
  };
}

describe("fragmentOf", () => {
  it("takes the answer section of an answer page, whole", () => {
    const page = `<html><body><h1>Your follow-up question</h1><section id="${ANSWER_ID}"><blockquote>A verified claim.</blockquote></section><a href="/">Back</a></body></html>`;
    assert.equal(fragmentOf(page, ANSWER_ID, parse), `<section id="${ANSWER_ID}"><blockquote>A verified claim.</blockquote></section>`);
  });

  it("takes the inside of the form's section of a refused question's page", () => {
    const page = `<html><body><article>Text</article><section id="${FORM_SECTION_ID}"><form></form><ul class="errorlist"><li>Write your question.</li></ul></section></body></html>`;
    assert.equal(fragmentOf(page, FORM_SECTION_ID, parse, { inner: true }), `<form></form><ul class="errorlist"><li>Write your question.</li></ul>`);
  });

  it("is null when the page has no such part", () => {
    assert.equal(fragmentOf("<html><body><form></form></body></html>", ANSWER_ID, parse), null);
  });
});
