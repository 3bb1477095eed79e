"""The layers are checked by a tool, so a loop cannot hide behind an import inside a function.

- import-linter keeps the contracts in ``.importlinter`` (layers, writers that only
  announce, the event module and the outbox importing no app, independent doors, no
  loops inside an app);
- no module imports another, across apps or within one, in a loop, whatever the
  import's place (grimp sees the imports inside functions too);
- a project module imports project modules at its top, where a reader sees what it
  depends on: inside a function only in ``AppConfig.ready`` (models are not loaded
  before it runs) and in the few places listed below, each with its reason.
"""

from __future__ import annotations

import ast
import configparser
import subprocess
import sys
from pathlib import Path

import grimp
import pytest

ROOT = Path(__file__).resolve().parent.parent
CONFIG = ROOT / ".importlinter"


def root_packages() -> list[str]:
    config = configparser.ConfigParser()
    config.read(CONFIG)
    return config["importlinter"]["root_packages"].split()


# (module, function): why the import stays inside the function. None is needed now: the
# last loop (model -> workflow -> policy -> board.rules -> policy) was taken apart when
# the step records took the conditions out of the state graph and the roles left the
# policy. An entry added here needs its reason, and a loop found by the check below.
FUNCTION_IMPORTS_ALLOWED: dict[tuple[str, str], str] = {}


def test_the_layers_ignore_no_import():
    # An ignored import is a loop or an upward import kept on purpose: there is none left.
    config = configparser.ConfigParser()
    config.read(CONFIG)
    for name, section in config.items():
        if name.startswith("importlinter:contract:"):
            assert not section.get("ignore_imports", "").strip(), name


def test_the_import_contracts_are_kept():
    result = subprocess.run(
        [
            str(Path(sys.executable).with_name("lint-imports")),
            "--config",
            str(CONFIG),
            "--no-cache",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    if result.returncode != 0:
        pytest.fail("import-linter found broken contracts:\n" + result.stdout + result.stderr)


def _loops(graph: grimp.ImportGraph) -> list[list[str]]:
    """Every set of modules that import one another in a loop (Tarjan's components)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    loops: list[list[str]] = []

    def visit(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        on_stack.add(module)
        for imported in sorted(graph.find_modules_directly_imported_by(module)):
            if imported not in index:
                visit(imported)
                low[module] = min(low[module], low[imported])
            elif imported in on_stack:
                low[module] = min(low[module], index[imported])
        if low[module] == index[module]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == module:
                    break
            if len(component) > 1:
                loops.append(sorted(component))

    sys.setrecursionlimit(max(sys.getrecursionlimit(), 10_000))
    for module in sorted(graph.modules):
        if module not in index:
            visit(module)
    return loops


def test_no_module_imports_another_in_a_loop():
    graph = grimp.build_graph(*root_packages(), cache_dir=None, exclude_type_checking_imports=True)
    loops = _loops(graph)
    report = []
    for loop in loops:
        members = set(loop)
        report.append(" <-> ".join(loop))
        for importer in loop:
            for imported in sorted(graph.find_modules_directly_imported_by(importer) & members):
                lines = [
                    d["line_number"]
                    for d in graph.get_import_details(importer=importer, imported=imported)
                ]
                report.append(f"    {importer} -> {imported} (line {', '.join(map(str, lines))})")
    assert not loops, "Modules import one another in a loop:\n" + "\n".join(report)


def _project_modules():
    for package in root_packages():
        for path in sorted((ROOT / package).rglob("*.py")):
            if "migrations" in path.relative_to(ROOT).parts:
                continue
            module = ".".join(path.relative_to(ROOT).with_suffix("").parts)
            yield module.removesuffix(".__init__"), path


def _is_ready(function: ast.FunctionDef, parents: dict) -> bool:
    """``ready`` of a class deriving from ``AppConfig``."""
    owner = parents.get(function)
    return (
        function.name == "ready"
        and isinstance(owner, ast.ClassDef)
        and any(
            getattr(base, "id", getattr(base, "attr", "")) == "AppConfig" for base in owner.bases
        )
    )


def function_imports() -> list[tuple[str, str, int, str]]:
    """(module, function, line, imported) for each project import made inside a function."""
    packages = set(root_packages())
    found = []
    for module, path in _project_modules():
        tree = ast.parse(path.read_text(), filename=str(path))
        parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
        for function in ast.walk(tree):
            if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            if _is_ready(function, parents):
                continue
            for node in ast.walk(function):
                if isinstance(node, ast.ImportFrom):
                    names = [node.module or ""] if node.level == 0 else [module]
                elif isinstance(node, ast.Import):
                    names = [alias.name for alias in node.names]
                else:
                    continue
                for name in names:
                    if name.split(".")[0] in packages:
                        found.append((module, function.name, node.lineno, name))
    return found


def test_project_modules_are_imported_at_the_top():
    unexpected = [
        f"{module}:{line} {function}() imports {imported}"
        for module, function, line, imported in function_imports()
        if (module, function) not in FUNCTION_IMPORTS_ALLOWED
    ]
    assert not unexpected, (
        "Import these at the top of the module (if that makes a loop, the layers are wrong: "
        "move the code to the layer it belongs to), or add the function to "
        "FUNCTION_IMPORTS_ALLOWED with the reason:\n" + "\n".join(unexpected)
    )


def test_every_allowed_function_import_is_still_there():
    made = {(module, function) for module, function, _, _ in function_imports()}
    assert set(FUNCTION_IMPORTS_ALLOWED) <= made, set(FUNCTION_IMPORTS_ALLOWED) - made
