"""Helpers for browser tests: Chromium via Playwright, axe-core, the Nu HTML Checker.

The tools live outside the Python venv (Debian's Chromium, a Java runtime and
the npm packages pinned in package-lock.json); `bash scripts/install_browser_tools.sh`
installs them. When one is missing, the test that needs it is skipped with a
message naming it, except on CI (CI=true), where the tools are installed first
and a missing one therefore means a broken setup, so the test fails instead.

Fixtures that use these helpers are in tests/e2e/conftest.py.
"""

from __future__ import annotations

import functools
import json
import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any, NoReturn

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent
INSTALL_COMMAND = "bash scripts/install_browser_tools.sh"

# Debian's build: Playwright's own browser download cannot be fetched here.
# CHROMIUM_PATH lets a developer on another OS point at their own Chromium.
CHROMIUM_PATH = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",  # runs as root in containers/CI, where the sandbox cannot start
    "--disable-gpu",
    # No network traffic of Chromium's own (updates, sync, QUIC probing): the
    # machines have no general internet access and it would only add noise/delay.
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
]

AXE_JS = REPO_ROOT / "node_modules" / "axe-core" / "axe.min.js"
VNU_JAR = REPO_ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"

# WCAG 2.0 and 2.1, levels A and AA, plus axe's best practices.
AXE_TAGS = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice")

# vnu's schema validation recurses deeply and overflows small thread stacks
# (it says so and asks for at least 512k); 4m leaves ample headroom.
VNU_JAVA_OPTS = ("-Xss4m",)
VNU_TIMEOUT_SECONDS = 180


# --- tool discovery -------------------------------------------------------


def is_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() == "true"


def missing_tool(what: str) -> NoReturn:
    """Skip (locally) or fail (on CI) because a browser-test tool is missing."""
    message = (
        f"BROWSER TEST TOOL MISSING: {what}. Install the browser-test tools with: {INSTALL_COMMAND}"
    )
    if is_ci():
        pytest.fail(message + " (CI=true: the CI setup should have installed it)", pytrace=False)
    pytest.skip(message)


def require_chromium() -> Path:
    if not (CHROMIUM_PATH.is_file() and os.access(CHROMIUM_PATH, os.X_OK)):
        missing_tool(f"Chromium executable {CHROMIUM_PATH}")
    return CHROMIUM_PATH


def require_axe() -> Path:
    if not AXE_JS.is_file():
        missing_tool(f"axe-core ({AXE_JS.relative_to(REPO_ROOT)})")
    return AXE_JS


def require_vnu() -> tuple[str, Path]:
    """Return (java executable, vnu.jar path)."""
    java = shutil.which("java")
    if java is None:
        missing_tool("'java' (a Java runtime, needed by the Nu HTML Checker)")
    if not VNU_JAR.is_file():
        missing_tool(f"the Nu HTML Checker ({VNU_JAR.relative_to(REPO_ROOT)})")
    return java, VNU_JAR


def launch_chromium(playwright: Any):
    """Launch Debian's Chromium with the flags above; `playwright` is from sync_playwright()."""
    executable = require_chromium()
    try:
        return playwright.chromium.launch(executable_path=str(executable), args=CHROMIUM_ARGS)
    except Exception as exc:  # Playwright raises its own Error types
        # The binary exists but does not start (missing shared libraries, a
        # broken package): same remedy as a missing one.
        missing_tool(f"a working Chromium at {executable} (launch failed: {exc})")


# --- axe-core -------------------------------------------------------------


@functools.cache
def _axe_source(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def run_axe(
    page: Any,
    *,
    tags: Iterable[str] = AXE_TAGS,
    disable_rules: Iterable[str] = (),
    context: str | None = None,
) -> dict[str, Any]:
    """Run axe-core on the page as currently loaded and return axe's result object.

    `context` is an optional CSS selector limiting the check to part of the page;
    `disable_rules` are axe rule ids to leave out (say why at the call site).
    """
    axe_js = require_axe()
    # A navigation drops the injected script, so inject whenever it is absent.
    # Evaluated through the DevTools protocol rather than added as a <script>,
    # so the site's Content-Security-Policy (no inline script) stays in force.
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(_axe_source(axe_js) + "\n;undefined")
    options: dict[str, Any] = {"runOnly": {"type": "tag", "values": list(tags)}}
    rules = list(disable_rules)
    if rules:
        options["rules"] = {rule: {"enabled": False} for rule in rules}
    return page.evaluate(
        "([context, options]) => axe.run(context || document, options)",
        [context, options],
    )


def format_axe_violations(violations: list[dict[str, Any]], *, max_targets: int = 3) -> str:
    lines = []
    for violation in violations:
        nodes = violation.get("nodes", [])
        targets = [
            " ".join(str(part) for part in node.get("target", [])) for node in nodes[:max_targets]
        ]
        more = f" (+{len(nodes) - max_targets} more)" if len(nodes) > max_targets else ""
        lines.append(
            f"- [{violation.get('impact') or 'n/a'}] {violation['id']}: {violation.get('help', '')}\n"
            f"    {len(nodes)} element(s): {', '.join(targets)}{more}\n"
            f"    {violation.get('helpUrl', '')}"
        )
    return "\n".join(lines)


def assert_no_axe_violations(
    page: Any,
    *,
    tags: Iterable[str] = AXE_TAGS,
    disable_rules: Iterable[str] = (),
    context: str | None = None,
) -> dict[str, Any]:
    """Fail listing every axe violation on the page; return axe's result object."""
    results = run_axe(page, tags=tags, disable_rules=disable_rules, context=context)
    violations = results.get("violations", [])
    if violations:
        pytest.fail(
            f"{len(violations)} accessibility violation(s) on {page.url}:\n"
            + format_axe_violations(violations),
            pytrace=False,
        )
    return results


# --- Nu HTML Checker (vnu.jar) -------------------------------------------


def _file_name(index: int, name: str) -> str:
    # vnu decides how to parse by extension, so every file ends in .html; the
    # index keeps names unique even when two labels slugify alike.
    slug = re.sub(r"[^A-Za-z0-9_.-]+", "-", name).strip("-.")[:60] or "page"
    return f"{index:03d}-{slug}.html"


def validate_html_many(pages: Mapping[str, str]) -> dict[str, list[dict[str, Any]]]:
    """Check several documents in ONE java run; return {name: [error messages]}.

    One JVM start costs about a second, so tests that check several pages
    should use this (or assert_valid_html_many) rather than one call per page.
    """
    if not pages:
        return {}
    java, jar = require_vnu()
    with tempfile.TemporaryDirectory(prefix="vnu-") as tmp:
        by_url: dict[str, str] = {}
        paths = []
        for index, (name, html) in enumerate(pages.items()):
            path = Path(tmp) / _file_name(index, name)
            path.write_text(html, encoding="utf-8")
            by_url[path.as_uri()] = name
            by_url[f"file:{path}"] = name  # vnu writes file:/tmp/..., not file:///tmp/...
            paths.append(str(path))
        proc = subprocess.run(
            [java, *VNU_JAVA_OPTS, "-jar", str(jar), "--format", "json", "--errors-only", *paths],
            capture_output=True,
            text=True,
            encoding="utf-8",
            timeout=VNU_TIMEOUT_SECONDS,
            check=False,
        )
    # vnu prints its JSON report on stderr; exit status 1 just means "errors found".
    try:
        report = json.loads(proc.stderr)
    except json.JSONDecodeError:
        pytest.fail(
            f"The Nu HTML Checker did not produce a JSON report (exit status {proc.returncode}).\n"
            f"stdout:\n{proc.stdout[-4000:]}\nstderr:\n{proc.stderr[-4000:]}",
            pytrace=False,
        )
    errors: dict[str, list[dict[str, Any]]] = {name: [] for name in pages}
    for message in report.get("messages", []):
        # "non-document-error" means a file could not be read or checked at all.
        if message.get("type") not in {"error", "non-document-error"}:
            continue
        name = by_url.get(message.get("url", ""))
        if name is None:
            pytest.fail(f"Nu HTML Checker message for an unknown file: {message}", pytrace=False)
        errors[name].append(message)
    return errors


def format_html_errors(errors: Mapping[str, list[dict[str, Any]]]) -> str:
    lines = []
    for name, messages in errors.items():
        if not messages:
            continue
        lines.append(f"{name}: {len(messages)} error(s)")
        for message in messages:
            line = message.get("lastLine", "?")
            extract = (message.get("extract") or "").replace("\n", "\\n")
            lines.append(f"  line {line}: {message.get('message', '')}")
            if extract:
                lines.append(f"      near: {extract}")
    return "\n".join(lines)


def assert_valid_html_many(pages: Mapping[str, str]) -> None:
    """Fail if any of the documents ({name: html}) has HTML errors; one java run."""
    errors = validate_html_many(pages)
    if any(errors.values()):
        pytest.fail("Invalid HTML:\n" + format_html_errors(errors), pytrace=False)


def assert_valid_html(html: str, *, name: str) -> None:
    """Fail listing the HTML errors in one document (`name` labels it in the report)."""
    assert_valid_html_many({name: html})
