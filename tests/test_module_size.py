"""Every module of the project holds one subject, and none runs over 450 lines.

A module that grows past the limit has taken on a second subject: split it by subject
(as ``desk/services/`` and ``articles/interchange/markdown*.py`` are) rather than raise
the limit. Migrations are generated, tests and benchmarks are not the application.
"""

import os
from pathlib import Path

MAX_LINES = 450
ROOT = Path(__file__).resolve().parent.parent
# Folders that are not the application's own modules, wherever they appear.
NOT_MODULES = {"migrations", "tests", "bench", "node_modules", "__pycache__"}


def project_modules() -> list[Path]:
    modules = []
    for folder, subfolders, files in os.walk(ROOT):
        # Pruned here, so the walk never enters the virtualenv or node_modules.
        subfolders[:] = [f for f in subfolders if f not in NOT_MODULES and not f.startswith(".")]
        modules += [Path(folder, name) for name in files if name.endswith(".py")]
    return sorted(modules)


def line_count(path: Path) -> int:
    with path.open("rb") as source:
        return sum(1 for _ in source)


def test_the_walk_finds_the_project_and_leaves_out_what_is_not_it():
    found = {path.relative_to(ROOT).as_posix() for path in project_modules()}
    assert {"manage.py", "editorial/settings.py", "desk/services/claims.py"} <= found
    assert not any(
        name.startswith((".venv/", "tests/", "bench/", "node_modules/")) or "/migrations/" in name
        for name in found
    )


def test_no_module_is_over_the_limit():
    over = {
        path.relative_to(ROOT).as_posix(): lines
        for path in project_modules()
        if (lines := line_count(path)) > MAX_LINES
    }
    assert not over, f"{len(over)} modules over {MAX_LINES} lines; split each by subject:\n" + (
        "\n".join(f"  {name}: {lines} lines" for name, lines in sorted(over.items()))
    )
