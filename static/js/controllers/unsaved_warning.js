// unsaved-warning: leaving the page asks first while a claim has changes not saved yet,
// whether still to be sent, under way or refused, or while the new claim holds typed text.
//
// "Saved" is what the fields' default values say: the server's rendering, moved on by each
// autosave (form_values.markSaved). ``unsaved`` is exported for tests/js/unsaved_warning.test.mjs.
import { Controller } from "../../vendor/stimulus-3.2.2.js";
import { hasTyped, readValues, sameValues, savedValues } from "./form_values.js";

// ``forms``: [{role: "save" | "add", typed, saved}] -> how many hold unsaved changes.
export function unsaved(forms) {
  return forms.filter(({ role, typed, saved }) =>
    role === "add" ? hasTyped(typed) : !sameValues(typed, saved),
  ).length;
}

export const MESSAGE = "Some changes are not saved yet. Leave the page anyway?";

export default class extends Controller {
  count() {
    const forms = this.element.querySelectorAll("form[data-editor-form=save], form[data-editor-form=add]");
    return unsaved(
      Array.from(forms, (form) => ({
        role: form.getAttribute("data-editor-form"),
        typed: readValues(form),
        saved: savedValues(form),
      })),
    );
  }

  warn(event) {
    if (!this.count()) return;
    // Browsers show their own words; these are for the few that still use them.
    event.preventDefault();
    event.returnValue = MESSAGE;
  }
}
