// What an editor has typed in a claim form, as plain data that can be kept, compared and put
// back. The pure functions (normalise, sameValues, hasTyped) work on plain objects; the others
// read or write a form's fields.

export const FIELDS = ["kind", "level", "text", "plain_text", "citations", "needs_no_citation"];
const LIST_KINDS = ["bullet", "numbered"];

function textOf(value) {
  // Browsers give "\n" in a textarea, the server "\r\n"; the server strips the ends.
  return String(value == null ? "" : value).replace(/\r\n?/g, "\n").trim();
}

// Values as the server would store them, so that "2,4,3" and "2, 4, 3" or a trailing space do
// not count as a difference.
export function normalise(values) {
  const kind = String(values.kind || "");
  const level = LIST_KINDS.includes(kind) ? parseInt(values.level, 10) || 0 : 0;
  const numbers = String(values.citations == null ? "" : values.citations).match(/\d+/g) || [];
  return {
    kind,
    level,
    text: textOf(values.text),
    plain_text: textOf(values.plain_text),
    citations: numbers.map((n) => String(parseInt(n, 10))).join(","),
    needs_no_citation: Boolean(values.needs_no_citation),
  };
}

export function valuesKey(values) {
  return JSON.stringify(normalise(values));
}

export function sameValues(a, b) {
  return valuesKey(a) === valuesKey(b);
}

// Whether a new claim's form holds anything worth keeping: its kind alone is not.
export function hasTyped(values) {
  const v = normalise(values);
  return Boolean(v.text || v.plain_text || v.citations);
}

function fieldsOf(form) {
  return FIELDS.map((name) => [name, form.elements.namedItem(name)]).filter(([, field]) => field);
}

// The values as typed now.
export function readValues(form) {
  const values = {};
  for (const [name, field] of fieldsOf(form)) {
    values[name] = field.type === "checkbox" ? field.checked : field.value;
  }
  return values;
}

// The values as last saved: what the server rendered, or what a save marked (markSaved).
export function savedValues(form) {
  const values = {};
  for (const [name, field] of fieldsOf(form)) {
    if (field.type === "checkbox") values[name] = field.defaultChecked;
    else if (field.tagName === "SELECT") {
      const option = Array.from(field.options).find((o) => o.defaultSelected) || field.options[0];
      values[name] = option ? option.value : "";
    } else values[name] = field.defaultValue;
  }
  return values;
}

export function writeValues(form, values) {
  for (const [name, field] of fieldsOf(form)) {
    if (!(name in values)) continue;
    if (field.type === "checkbox") field.checked = Boolean(values[name]);
    else field.value = values[name] == null ? "" : String(values[name]);
  }
  const plain = form.querySelector("details.editor-plain");
  if (plain && values.plain_text) plain.open = true;
}

// Record ``values`` as saved (the fields' default values), leaving what is typed as it is:
// what was typed after they were sent still counts as unsaved, here and in editor.js.
export function markSaved(form, values) {
  const typed = readValues(form);
  for (const [name, field] of fieldsOf(form)) {
    if (!(name in values)) continue;
    if (field.type === "checkbox") field.defaultChecked = Boolean(values[name]);
    else if (field.tagName === "SELECT") {
      for (const option of field.options) option.defaultSelected = option.value === values[name];
    } else field.defaultValue = values[name] == null ? "" : String(values[name]);
  }
  // Only a field the defaults moved is put back: writing a textarea being typed in would
  // move its caret.
  const now = readValues(form);
  for (const [name, field] of fieldsOf(form)) {
    if (now[name] === typed[name]) continue;
    if (field.type === "checkbox") field.checked = typed[name];
    else field.value = typed[name];
  }
}
