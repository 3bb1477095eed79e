// The desk works without this file; it only saves page reloads and helps find lines.
(function () {
  "use strict";

  // Forms marked data-async="#id" post in the background and swap in the returned fragment.
  // The button pressed may name its own address (formaction: "Resolve", "Reopen"...).
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var selector = form.getAttribute("data-async");
    if (!selector || !window.fetch) return;
    event.preventDefault();
    var submitter = event.submitter || null;
    var action = submitter && submitter.hasAttribute("formaction") ? submitter.formAction : form.action;
    var data = new FormData(form, submitter);
    var buttons = form.querySelectorAll("button");
    buttons.forEach(function (b) { b.disabled = true; });
    // Anything but a fragment (not allowed, logged out, offline): the full page says why.
    function sendWholePage() {
      buttons.forEach(function (b) { b.disabled = false; });
      form.removeAttribute("data-async");
      if (form.requestSubmit) form.requestSubmit(submitter);
      else form.submit();
    }
    fetch(action, {
      method: "POST",
      body: data,
      headers: { "X-Requested-With": "fetch" },
      credentials: "same-origin"
    }).then(function (response) {
      if (!(response.ok || response.status === 400 || response.status === 409)) {
        sendWholePage();
        return null;
      }
      return response.text().then(function (html) {
        swap(selector, html, response);
        return refreshActions();
      });
    }, sendWholePage);
  });

  // The fragment takes the old one's place; focus that was inside it stays with it, its
  // message ("Thread resolved.") is read out, and the page's controllers hear of it.
  function swap(selector, html, response) {
    var target = document.querySelector(selector);
    if (!target) return;
    var hadFocus = target.contains(document.activeElement);
    target.outerHTML = html;
    var replaced = document.querySelector(selector);
    if (!replaced) return;
    replaced.classList.add("just-saved");
    var message = replaced.getAttribute("data-desk-message");
    replaced.removeAttribute("data-desk-message");
    if (message) announce(message);
    if (hadFocus || document.activeElement === document.body) {
      var alert = replaced.querySelector("[role=alert]");
      var field = alert && replaced.querySelector("textarea:not([readonly])");
      (field || replaced).focus({ preventScroll: !field });
    }
    replaced.dispatchEvent(new CustomEvent("desk:swapped", {
      bubbles: true,
      detail: { ok: response.ok, status: response.status, message: message || "" }
    }));
  }

  // The page's status line (role="status"): the same words twice are still read twice.
  function announce(message) {
    var region = document.querySelector("[data-desk-status]");
    if (!region) return;
    region.textContent = region.textContent === message ? message + "\u00a0" : message;
  }

  // A verdict can make "Approve" available: refresh the workflow panel from the page.
  // Verdicts saved in quick succession race; only the refresh started last has
  // seen every saved verdict, so earlier ones that answer late are dropped.
  // The panel is aria-busy until the refresh started last has answered.
  var latestRefresh = 0;
  function refreshActions() {
    var panel = document.querySelector(".desk-actions");
    if (!panel) return null;
    var refresh = ++latestRefresh;
    panel.setAttribute("aria-busy", "true");
    function settle(html) {
      if (refresh !== latestRefresh) return;
      panel = document.querySelector(".desk-actions");
      if (!panel) return;
      var fresh = html && new DOMParser().parseFromString(html, "text/html").querySelector(".desk-actions");
      if (fresh) replaceKeepingTyped(panel, fresh);
      else panel.removeAttribute("aria-busy");
    }
    return fetch(window.location.href, { credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.text() : null; })
      .then(settle, function () { settle(null); });
  }

  // The panel is drawn again while a reviewer may be writing in it (a comment for
  // "Request changes", say): what they typed, and where they were, go into the new one.
  function replaceKeepingTyped(panel, fresh) {
    panel.querySelectorAll("textarea[id], input[id]").forEach(function (field) {
      var twin = fresh.querySelector("#" + CSS.escape(field.id));
      if (!twin || twin.tagName !== field.tagName) return;
      if (field.type === "checkbox" || field.type === "radio") {
        if (field.checked !== field.defaultChecked) twin.checked = field.checked;
      } else if (field.value !== field.defaultValue) {
        twin.value = field.value;
      }
    });
    var active = document.activeElement;
    var focused = active && active.id && panel.contains(active) ? active : null;
    panel.replaceWith(fresh);
    if (!focused) return;
    var again = document.getElementById(focused.id);
    if (!again) return;
    again.focus({ preventScroll: true });
    if (typeof focused.selectionStart === "number" && again.setSelectionRange) {
      again.setSelectionRange(focused.selectionStart, focused.selectionEnd);
    }
  }

  // "Line N" links of a parse error put the cursor on that line of the body.
  document.addEventListener("click", function (event) {
    var link = event.target.closest("a[data-line]");
    if (!link) return;
    var area = document.getElementById("id_body");
    if (!area) return;
    event.preventDefault();
    var line = parseInt(link.getAttribute("data-line"), 10);
    var lines = area.value.split("\n");
    var start = lines.slice(0, line - 1).join("\n").length + (line > 1 ? 1 : 0);
    var end = start + (lines[line - 1] || "").length;
    area.focus();
    area.setSelectionRange(start, end);
    var lineHeight = area.scrollHeight / Math.max(lines.length, 1);
    area.scrollTop = Math.max(0, (line - 3) * lineHeight);
  });
})();

// The review screen's "Fold unchanged claims": close every unchanged claim at once.
(function () {
  "use strict";
  var button = document.querySelector("[data-fold-unchanged]");
  if (!button) return;
  button.hidden = false;
  button.addEventListener("click", function () {
    document.querySelectorAll("details.round-fold").forEach(function (d) { d.open = false; });
  });
})();
