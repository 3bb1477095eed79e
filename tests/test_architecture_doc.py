"""docs/architecture.md draws the layers of the import contract, row for row.

The contract in ``.importlinter`` is the source of truth; the drawing must name every module of
each layer in the row of the same number, and nothing the contract does not list.
"""

from __future__ import annotations

import configparser
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MODULE = re.compile(r"\b[a-z_]+\.[a-z_]+\b")


def contract_layers() -> list[set[str]]:
    config = configparser.ConfigParser()
    config.read(ROOT / ".importlinter")
    lines = config["importlinter:contract:layers"]["layers"].strip().splitlines()
    return [{name.strip() for name in re.split(r"[:|]", line)} for line in lines]


def drawn_layers() -> dict[int, set[str]]:
    text = (ROOT / "docs" / "architecture.md").read_text()
    drawing = text.split("```\n 1 doors", 1)[1].split("```", 1)[0]
    rows: dict[int, set[str]] = {}
    number = 1
    for line in drawing.splitlines():
        if match := re.match(r"\s?(\d+) ", line):
            number = int(match.group(1))
        # The words after a module's name describe it; modules are written as app.module.
        rows.setdefault(number, set()).update(MODULE.findall(line.split("  ", 1)[-1]))
    return rows


def test_the_drawing_has_the_contracts_rows_in_its_order():
    layers = contract_layers()
    drawn = drawn_layers()
    assert len(drawn) == len(layers), "the drawing and the contract have as many rows"
    for number, modules in enumerate(layers, start=1):
        assert drawn[number] == modules, (
            f"row {number} of docs/architecture.md's drawing differs from the contract: "
            f"missing {sorted(modules - drawn[number])}, extra {sorted(drawn[number] - modules)}"
        )


def test_the_drawing_reads_the_rows_it_is_given():
    """A module moved to another row is found (the check cannot pass on an empty parse)."""
    drawn = drawn_layers()
    assert "articles.steps" in drawn[4]
    assert "articles.workflow" in drawn[10]
    assert sum(len(row) for row in drawn.values()) > 40
