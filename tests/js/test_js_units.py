"""The browser controllers' own unit tests (tests/js/*.test.mjs), run by node's test runner.

Node is one of the browser-test tools (scripts/install_browser_tools.sh installs it); without
it the test is skipped locally and fails on CI, like the other tools.
"""

import shutil
import subprocess

from tests.browser import REPO_ROOT, missing_tool


def test_controller_units_pass_under_node():
    node = shutil.which("node")
    if node is None:
        missing_tool("'node' (Node.js, which runs tests/js)")
    proc = subprocess.run(
        [node, "--test", "tests/js/"],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    output = proc.stdout + proc.stderr
    assert proc.returncode == 0, f"node --test tests/js/ failed:\n{output}"
    assert "# fail 0" in output, output
