"""The house's layering holds: core, storage and solver never pull in the fronts, the
layers import only downwards (pyproject's import-linter contracts), and no module imports
itself through others."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
import tomllib
from pathlib import Path

import grimp

ROOT = Path(__file__).resolve().parents[2]


def test_import_linter_contracts_hold():
    lint_imports = Path(sys.executable).with_name("lint-imports")
    done = subprocess.run([str(lint_imports), "--config", "pyproject.toml"], capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Contracts: 5 kept, 0 broken" in done.stdout


def _cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan): each is a cycle."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        for imported in edges[module]:
            if imported not in index:
                visit(imported)
                low[module] = min(low[module], low[imported])
            elif imported in stack:
                low[module] = min(low[module], index[imported])
        if low[module] == index[module]:
            component = []
            while component[-1:] != [module]:
                component.append(stack.pop())
            if len(component) > 1:
                found.append(sorted(component))

    for module in sorted(edges):
        if module not in index:
            visit(module)
    return found


def test_no_import_cycle_anywhere():
    # the layers contract keeps packages apart; this catches a cycle inside one package too
    graph = grimp.build_graph("millplan")
    edges = {
        m: {i for i in graph.find_modules_directly_imported_by(m) if i.startswith("millplan.")} for m in graph.modules
    }
    assert _cycles(edges) == []


def test_the_cycle_finder_finds_a_cycle():
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_core_runs_without_textual_or_typer_loaded():
    script = (
        "import sys, json;"
        "import millplan.core.planning.run, millplan.core.planning.load, millplan.core.workflow.deals, millplan.core.views.assignment, millplan.core.views.tables, millplan.core.importing.portfolio;"
        "print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'typer') or m.startswith(('millplan.tui', 'millplan.cli', 'millplan.commands')))))"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == []


def test_solver_runs_without_the_database_layer():
    script = (
        "import sys, json; from millplan.solver.prioritiser import solve; from millplan.solver.problem import *;"
        "s = solve(Problem((Demand(1, 10, True, (Option(1, 0.5, 100.0),)),), {(1, 0): 4}));"
        "print(json.dumps([s.status, s.tonnes[(1, 1, 0)], sorted(m for m in sys.modules if m.split('.')[0] in ('sqlalchemy', 'sqlmodel') or m.startswith(('millplan.storage', 'millplan.core')))]))"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == ["optimal", 8.0, []]


def _project_files() -> list[Path]:
    return [p for p in ROOT.rglob("*.py") if not {".venv", "build", ".git"} & set(p.relative_to(ROOT).parts)]


def test_every_module_is_imported_under_millplan():
    # Installed, the folders are millplan.core, millplan.storage, …; an import of a bare
    # "core" would load a second copy of the module from the working directory.
    bare = {"core", "storage", "solver", "tui", "cli", "commands"}
    found = []
    for path in _project_files():
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else []
            if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            found += [f"{path.relative_to(ROOT)}:{node.lineno} {n}" for n in names if n.split(".")[0] in bare]
    assert found == []


def test_every_package_folder_is_installed():
    listed = set(tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"])
    folders = {
        ".".join(("millplan", *init.parent.relative_to(ROOT).parts))
        for init in ROOT.rglob("__init__.py")
        if init.parent.relative_to(ROOT).parts[0] in ("commands", "core", "storage", "solver", "tui")
    }
    assert folders | {"millplan"} == listed


def test_no_test_module_imports_another():
    # shared helpers live in helper modules (tests/plants.py, tests/tui/pilot.py, …), so a
    # test file can be run, moved or deleted on its own
    found = [
        f"{path.relative_to(ROOT)}:{node.lineno} {node.module}"
        for path in (ROOT / "tests").rglob("*.py")
        for node in ast.walk(ast.parse(path.read_text(), str(path)))
        if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[-1].startswith("test_")
    ]
    assert found == []
