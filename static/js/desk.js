// The desk works without this file; it only saves page reloads and helps find lines.
(function () {
  "use strict";

  // Forms marked data-async="#id" post in the background and swap in the returned fragment.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var selector = form.getAttribute("data-async");
    if (!selector || !window.fetch) return;
    event.preventDefault();
    var data = new FormData(form, event.submitter);
    var buttons = form.querySelectorAll("button");
    buttons.forEach(function (b) { b.disabled = true; });
    fetch(form.action, {
      method: "POST",
      body: data,
      headers: { "X-Requested-With": "fetch" },
      credentials: "same-origin"
    }).then(function (response) {
      if (response.ok || response.status === 400 || response.status === 409) {
        return response.text().then(function (html) {
          var target = document.querySelector(selector);
          target.outerHTML = html;
          var replaced = document.querySelector(selector);
          if (replaced) replaced.classList.add("just-saved");
          return refreshActions();
        });
      }
      // Anything else (not allowed, logged out): let the full page say why.
      form.removeAttribute("data-async");
      form.submit();
    }).catch(function () {
      form.removeAttribute("data-async");
      form.submit();
    });
  });

  // A verdict can make "Approve" available: refresh the workflow panel from the page.
  // Verdicts saved in quick succession race; only the refresh started last has
  // seen every saved verdict, so earlier ones that answer late are dropped.
  var latestRefresh = 0;
  function refreshActions() {
    var panel = document.querySelector(".desk-actions");
    if (!panel) return null;
    var refresh = ++latestRefresh;
    return fetch(window.location.href, { credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.text() : null; })
      .then(function (html) {
        if (!html || refresh !== latestRefresh) return;
        panel = document.querySelector(".desk-actions");
        if (!panel) return;
        var fresh = new DOMParser().parseFromString(html, "text/html").querySelector(".desk-actions");
        if (fresh) panel.replaceWith(fresh);
      });
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
