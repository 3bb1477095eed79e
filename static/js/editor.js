// The structured editor works as plain forms; this file saves claims in place and adds the
// keyboard: Enter (in a claim's text or its citations) saves it and opens a new one after it,
// Tab / Shift+Tab nest list items, Alt+Up / Alt+Down move a claim; after a delete, a move or
// an indent an "Undo" notice stays for a few seconds (Ctrl/Cmd+Z while it shows).
(function () {
  "use strict";
  var root = document.querySelector("[data-editor]");
  if (!root || !window.fetch || !window.FormData) return;
  var status = root.querySelector("[data-editor-status]");
  // With the script the claims read as the article does (static/css/desk.css,
  // ".editor-document").
  root.classList.add("editor-document");
  var tabLeaves = false; // after Esc, Tab moves focus as usual

  function say(text) { if (status) status.textContent = text; }

  function setVersion(version) {
    root.querySelectorAll("input[name=expected_version]").forEach(function (input) {
      input.value = version;
    });
  }

  function send(url, data) {
    return fetch(url, {
      method: "POST",
      body: data,
      headers: { "X-Requested-With": "fetch", "Accept": "application/json" },
      credentials: "same-origin"
    }).then(function (response) {
      var type = response.headers.get("Content-Type") || "";
      if (type.indexOf("application/json") === -1) throw new Error("not json");
      return response.json().then(function (json) {
        return { ok: response.ok, status: response.status, json: json };
      });
    });
  }

  function showProblems(form, json) {
    var old = form.querySelector(".editor-problems");
    if (old) old.remove();
    var box = document.createElement("div");
    box.className = "desk-errors editor-problems";
    box.setAttribute("role", "alert");
    (json.errors || ["Not saved."]).forEach(function (text) {
      var p = document.createElement("p");
      p.textContent = "Not saved: " + text;
      box.appendChild(p);
    });
    if (json.changes && json.changes.length) {
      var intro = document.createElement("p");
      intro.textContent = "Your text is kept below. Changes since your version:";
      box.appendChild(intro);
      var list = document.createElement("ul");
      json.changes.forEach(function (change) {
        var li = document.createElement("li");
        li.textContent = change;
        list.appendChild(li);
      });
      box.appendChild(list);
      // Saving again after reading this is deliberate; it names the current version.
      form.querySelector("input[name=expected_version]").value = json.version;
    }
    if (json.conflict && form.elements.claim_version) {
      var theirs = document.createElement("p");
      theirs.textContent = "Theirs: " + json.conflict.text +
        (json.conflict.plain_text ? " (plain language: " + json.conflict.plain_text + ")" : "");
      box.appendChild(theirs);
      // Theirs is shown; a save after reading it names their version of the claim.
      form.elements.claim_version.value = json.conflict.claim_version;
    }
    form.insertBefore(box, form.firstChild.nextSibling);
    say("Not saved.");
  }

  // What is typed in a form, field by field.
  function typed(form) {
    return Array.prototype.filter.call(form.elements, function (field) {
      return field.name && field.type !== "hidden" && field.type !== "submit";
    }).map(function (field) {
      return [field.name, field.type === "checkbox" ? field.checked : field.value];
    });
  }

  function retype(form, values) {
    values.forEach(function (pair) {
      var field = form.elements[pair[0]];
      if (!field) return;
      if (field.type === "checkbox") field.checked = pair[1];
      else field.value = pair[1];
    });
    form.classList.add("editor-unsaved");
    toggleCiting(form);
  }

  // The body comes back whole after each change; what is typed but not yet saved in other
  // claims (and in the new claim) is put back, so nothing typed is lost.
  function swap(json, sent) {
    var kept = {};
    root.querySelectorAll("form[data-editor-form=save], form[data-editor-form=add]").forEach(function (form) {
      if (form === sent || !isDirty(form)) return;
      if (form.getAttribute("data-editor-form") === "add" && !form.elements.text.value.trim()) return;
      var holder = form.closest("[data-uid]");
      kept[holder ? holder.getAttribute("data-uid") : "new"] = typed(form);
    });
    var body = document.getElementById("editor-body");
    var template = document.createElement("template");
    template.innerHTML = json.html.trim();
    body.replaceWith(template.content.firstElementChild);
    setVersion(json.version);
    Object.keys(kept).forEach(function (key) {
      var form = key === "new"
        ? root.querySelector("form[data-editor-form=add]")
        : root.querySelector("#claim-" + key + " form[data-editor-form=save]");
      if (form) retype(form, kept[key]);
    });
    var unsaved = Object.keys(kept).length;
    say((json.message || "Saved.") + (unsaved ? " Other claims have changes not yet saved." : ""));
    offerUndo(json.undo);
  }

  // -- Undo: the step that takes a structural change back, offered for a few seconds ----------
  var UNDO_SECONDS = 10;
  var undoTimer = null;

  function undoNotice() {
    var notice = root.querySelector("[data-editor-undo]");
    if (!notice) {
      notice = document.createElement("div");
      notice.className = "editor-undo-notice";
      notice.setAttribute("data-editor-undo", "");
      notice.hidden = true;
      if (status) status.after(notice);
      else root.prepend(notice);
    }
    return notice;
  }

  function offerUndo(undo) {
    var notice = undoNotice();
    clearTimeout(undoTimer);
    notice.textContent = "";
    notice.hidden = !undo;
    if (!undo) return;
    var form = document.createElement("form");
    form.method = "post";
    form.action = undo.url;
    form.setAttribute("data-editor-form", "change");
    var token = root.querySelector("input[name=csrfmiddlewaretoken]");
    if (token) form.appendChild(token.cloneNode());
    var version = document.createElement("input");
    version.type = "hidden";
    version.name = "expected_version";
    version.value = document.getElementById("editor-body").getAttribute("data-version");
    form.appendChild(version);
    var button = document.createElement("button");
    button.type = "submit";
    button.className = "button";
    button.textContent = undo.label;
    form.appendChild(button);
    notice.appendChild(form);
    undoTimer = setTimeout(function () { notice.hidden = true; notice.textContent = ""; }, UNDO_SECONDS * 1000);
  }

  function undoButton() {
    var notice = root.querySelector("[data-editor-undo]");
    return notice && !notice.hidden ? notice.querySelector("button") : null;
  }

  function claimText(uid) {
    var item = document.getElementById("claim-" + uid);
    return item && item.querySelector("[data-claim-text]");
  }

  function focusEnd(area) {
    if (!area) return;
    area.focus();
    area.setSelectionRange(area.value.length, area.value.length);
  }

  // The add form moves to just after the claim ``uid``, set to continue its kind and level.
  function openAfter(uid, kind, level) {
    var form = root.querySelector("form[data-editor-form=add]");
    var item = document.getElementById("claim-" + uid);
    if (!form || !item) return;
    var holder = form.parentElement;
    var li = document.createElement("li");
    li.className = "editor-claim editor-new";
    li.id = "new-claim";
    li.appendChild(form);
    item.after(li);
    if (holder !== li && holder.classList.contains("editor-new")) holder.remove();
    var title = form.querySelector(".editor-new-title");
    if (title) title.textContent = "New claim here";
    form.querySelector("input[name=after]").value = uid;
    form.querySelector("select[name=kind]").value = kind === "heading" || kind === "subheading" ? "paragraph" : kind;
    form.querySelector("input[name=level]").value = level || 0;
    toggleCiting(form);
    focusEnd(form.querySelector("[data-claim-text]"));
  }

  function isDirty(form) {
    return Array.prototype.some.call(form.elements, function (field) {
      if (field.type === "checkbox") return field.checked !== field.defaultChecked;
      if (field.tagName === "SELECT") {
        return Array.prototype.some.call(field.options, function (o) { return o.selected !== o.defaultSelected; });
      }
      if (field.type === "hidden" || field.type === "submit") return false;
      return field.value !== field.defaultValue;
    });
  }

  // Post one form (with the button pressed, if any); resolves with the answer when saved.
  // One change at a time: each names the version the one before it made.
  var busy = false;

  function submit(form, button) {
    if (busy) return Promise.resolve(null);
    busy = true;
    var url = (button && button.getAttribute("formaction")) || form.action;
    // Autosaves (static/js/controllers/autosave.js) under way land first, so the versions
    // this post names are the ones they made.
    var detail = { waits: [] };
    form.dispatchEvent(new CustomEvent("editor:submit", { bubbles: true, detail: detail }));
    say("Saving…");
    return Promise.all(detail.waits).then(function () {
      var data = new FormData(form);
      if (form.getAttribute("data-editor-form") === "cite") {
        data.delete("reference");
        pickedOrder(form).forEach(function (value) { data.append("reference", value); });
      }
      return send(url, data);
    }).then(function (answer) {
      busy = false;
      if (!answer.ok) {
        showProblems(form, answer.json);
        return null;
      }
      swap(answer.json, form);
      return answer.json;
    }, function () {
      busy = false;
      // No answer the script understands (offline, signed out): let the page itself answer;
      // the form works without this file.
      if (button) form.action = url;
      HTMLFormElement.prototype.submit.call(form);
      return null;
    });
  }

  root.addEventListener("submit", function (event) {
    var form = event.target;
    var kind = form.getAttribute("data-editor-form");
    if (form.classList.contains("editor-picker-search")) {
      event.preventDefault();
      openPicker(form.closest(".editor-picker"), form.action + "?q=" + encodeURIComponent(form.q.value));
      return;
    }
    if (!kind) return;
    event.preventDefault();
    var holder = form.closest("[data-uid]");
    var uid = holder ? holder.getAttribute("data-uid") : "";
    var item = form.closest("li");
    var next = item && (item.nextElementSibling || item.previousElementSibling);
    var nextUid = next && next.getAttribute("data-uid");
    submit(form, event.submitter).then(function (json) {
      if (!json) return;
      // Focus stays where the user was: on the claim, or when it is gone (deleted), on the
      // Undo that brings it back, else its neighbour.
      var area = claimText(json.uid || uid);
      if (area) focusEnd(area);
      else if (undoButton()) undoButton().focus();
      else focusEnd(claimText(nextUid));
    });
  });

  function toggleCiting(form) {
    var select = form.querySelector("select[name=kind]");
    var citing = form.querySelector(".editor-citing");
    if (!select || !citing) return;
    citing.hidden = select.value === "heading" || select.value === "subheading";
    // Only list items nest; the new claim's level stays in view for nesting it as it is added.
    var level = form.querySelector(".editor-level");
    if (level && form.getAttribute("data-editor-form") === "save") {
      level.hidden = select.value !== "bullet" && select.value !== "numbered";
    }
  }

  root.addEventListener("change", function (event) {
    if (event.target.matches("select[name=kind]")) toggleCiting(event.target.form);
    if (event.target.matches(".editor-picker input[type=checkbox]")) {
      var form = event.target.form;
      var order = pickedOrder(form).filter(function (v) { return v !== event.target.value; });
      if (event.target.checked) order.push(event.target.value);
      form.setAttribute("data-order", order.join(","));
    }
  });

  function pickedOrder(form) {
    var order = (form.getAttribute("data-order") || "").split(",").filter(Boolean);
    var ticked = Array.prototype.map.call(
      form.querySelectorAll("input[name=reference]:checked"), function (box) { return box.value; });
    order = order.filter(function (v) { return ticked.indexOf(v) !== -1; });
    ticked.forEach(function (v) { if (order.indexOf(v) === -1) order.push(v); });
    return order;
  }

  function openPicker(where, url) {
    return fetch(url, { headers: { "X-Requested-With": "fetch" }, credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.text() : null; })
      .then(function (html) {
        if (!html) { window.location.href = url; return; }
        var template = document.createElement("template");
        template.innerHTML = html.trim();
        var picker = template.content.firstElementChild;
        where.replaceWith(picker);
        picker.querySelector("input[type=search]").focus();
      });
  }

  root.addEventListener("click", function (event) {
    var link = event.target.closest("a[data-editor-picker]");
    if (link) {
      event.preventDefault();
      // Beside the claim's form, not inside it: forms do not nest.
      var item = link.closest("[data-uid]");
      var existing = item.querySelector(".editor-picker");
      if (existing) { existing.remove(); return; }
      var slot = document.createElement("div");
      link.closest("form").after(slot);
      openPicker(slot, link.href);
      return;
    }
    var add = event.target.closest("a[data-editor-add]");
    if (add) {
      event.preventDefault();
      var claim = add.closest("[data-uid]");
      var form = claim.querySelector("form[data-editor-form=save]");
      openAfter(claim.getAttribute("data-uid"), form.kind.value, form.level.value);
    }
  });

  // Enter: save this claim (or add the new one), then open a new claim after it.
  function onEnter(form) {
    var role = form.getAttribute("data-editor-form");
    var kind = form.kind.value;
    var level = form.level.value;
    if (role === "add") {
      if (!form.text.value.trim()) return;
      submit(form).then(function (json) { if (json) openAfter(json.uid, kind, level); });
      return;
    }
    var uid = form.closest("[data-uid]").getAttribute("data-uid");
    var saved = isDirty(form) ? submit(form) : Promise.resolve({ uid: uid });
    saved.then(function (json) { if (json) openAfter(uid, kind, level); });
  }

  // Tab / Shift+Tab: nest deeper or shallower; a paragraph indented becomes a bullet.
  function onTab(form, outward) {
    var role = form.getAttribute("data-editor-form");
    var kind = form.kind.value;
    if (kind === "heading" || kind === "subheading") return false;
    if (role === "add") {
      var level = parseInt(form.level.value || "0", 10);
      if (!outward && kind === "paragraph") form.kind.value = "bullet";
      else if (!outward) form.level.value = Math.min(level + 1, 5);
      else if (level > 0) form.level.value = level - 1;
      else if (kind !== "paragraph") form.kind.value = "paragraph";
      else return true;
      say("New claim: " + form.kind.options[form.kind.selectedIndex].text + ", level " + form.level.value + ".");
      return true;
    }
    var item = form.closest("[data-uid]");
    var uid = item.getAttribute("data-uid");
    var tools = item.querySelector("form[data-editor-form=change]");
    var button = tools.querySelector("[data-action=" + (outward ? "outdent" : "indent") + "]");
    // Nothing to nest (a paragraph going out): Tab moves focus as everywhere else, so every
    // control stays reachable backwards too.
    if (!button) return false;
    var saved = isDirty(form) ? submit(form) : Promise.resolve({});
    saved.then(function (json) {
      if (!json) return null;
      var fresh = document.getElementById("claim-" + uid);
      var freshTools = fresh.querySelector("form[data-editor-form=change]");
      var freshButton = freshTools.querySelector("[data-action=" + (outward ? "outdent" : "indent") + "]");
      return freshButton ? submit(freshTools, freshButton) : null;
    }).then(function () { focusEnd(claimText(uid)); });
    return true;
  }

  // The tools form's own action is "up"; "Down" posts to its formaction.
  function moveButton(tools, direction) {
    return direction === "down"
      ? tools.querySelector('button[formaction$="/down/"]')
      : tools.querySelector("button:not([formaction])");
  }

  // Alt+Up / Alt+Down: move the claim, its nested items along; focus stays in it.
  function onMove(form, direction) {
    var item = form.closest("[data-uid]");
    if (!item) return;
    var uid = item.getAttribute("data-uid");
    var tools = item.querySelector("form.editor-tools");
    var button = tools && moveButton(tools, direction);
    if (!button || button.disabled) return;
    var saved = isDirty(form) ? submit(form) : Promise.resolve({});
    saved.then(function (json) {
      if (!json) return null;
      var fresh = document.getElementById("claim-" + uid).querySelector("form.editor-tools");
      return submit(fresh, moveButton(fresh, direction));
    }).then(function () { focusEnd(claimText(uid)); });
  }

  document.addEventListener("keydown", function (event) {
    var typing = event.target.matches && event.target.matches("textarea, input[type=text], input[type=search], input:not([type])");
    if ((event.ctrlKey || event.metaKey) && !event.shiftKey && event.key.toLowerCase() === "z") {
      var undo = undoButton();
      // In a text field Ctrl+Z undoes typing, as everywhere; elsewhere it takes back the step.
      if (undo && !typing) {
        event.preventDefault();
        undo.click();
      }
    }
    // Ctrl/Cmd+S in the new claim adds it, as Enter does (saved claims: the autosave's).
    var adding = event.target.closest && event.target.closest("form[data-editor-form=add]");
    if (adding && (event.ctrlKey || event.metaKey) && event.key.toLowerCase() === "s") {
      event.preventDefault();
      onEnter(adding);
    }
  });

  root.addEventListener("keydown", function (event) {
    var field = event.target;
    if (field.matches && field.matches("input[name=citations]") && event.key === "Enter") {
      event.preventDefault();
      onEnter(field.form);
      return;
    }
    if (field.matches && field.matches("[data-claim-text]") && event.altKey &&
        (event.key === "ArrowUp" || event.key === "ArrowDown")) {
      event.preventDefault();
      onMove(field.form, event.key === "ArrowUp" ? "up" : "down");
      return;
    }
    // Arrowing past the first or last line of a claim goes on into the one before or after,
    // as in a document.
    if (field.matches && field.matches("[data-claim-text]") && !event.altKey &&
        !event.shiftKey && !event.ctrlKey && !event.metaKey) {
      var atStart = field.selectionStart === 0 && field.selectionEnd === 0;
      var atEnd = field.selectionStart === field.value.length;
      var texts = Array.prototype.slice.call(root.querySelectorAll("[data-claim-text]"));
      var index = texts.indexOf(field);
      if (event.key === "ArrowUp" && atStart && index > 0) {
        event.preventDefault();
        focusEnd(texts[index - 1]);
      } else if (event.key === "ArrowDown" && atEnd && index < texts.length - 1) {
        event.preventDefault();
        texts[index + 1].focus();
        texts[index + 1].setSelectionRange(0, 0);
      }
    }
  });

  root.addEventListener("keydown", function (event) {
    var area = event.target;
    if (!area.matches || !area.matches("[data-claim-text]")) return;
    if (event.key === "Escape") { tabLeaves = true; return; }
    if (event.key === "Tab") {
      if (tabLeaves) { tabLeaves = false; return; }
      if (onTab(area.form, event.shiftKey)) event.preventDefault();
      return;
    }
    tabLeaves = false;
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      onEnter(area.form);
    }
  });
})();
