// The follow-up answer's logic: which part of the answer page is put under the form.
import assert from "node:assert/strict";
import { describe, it } from "node:test";

import { ANSWER_ID, answerFrom } from "../../static/js/controllers/follow_up_answer.js";

// A stand-in for DOMParser: finds an element by id in the markup, as a browser would.
function parse(html) {
  return {
    getElementById(id) {
      const start = html.indexOf(`<section id="${id}"`);
      if (start < 0) return null;
      const end = html.indexOf("</section>", start) + "</section>".length;
      return { outerHTML: html.slice(start, end) };
    },
  };
}

describe("answerFrom", () => {
  it("takes the answer section of an answer page", () => {
    const page = `<html><body><h1>Your follow-up question</h1><section id="${ANSWER_ID}"><blockquote>A verified claim.</blockquote></section><a href="/">Back</a></body></html>`;
    assert.equal(answerFrom(page, parse), `<section id="${ANSWER_ID}"><blockquote>A verified claim.</blockquote></section>`);
  });

  it("is null for a page with no answer (an article page with a refused question)", () => {
    assert.equal(answerFrom("<html><body><form></form></body></html>", parse), null);
  });
});
