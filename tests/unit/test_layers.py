"""The house's layering holds: core, storage and solver never pull in the fronts, the
domain and storage stay below the services, and no two packages import each other."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
import tomllib
from pathlib import Path

import grimp
import pytest

ROOT = Path(__file__).resolve().parents[2]


def test_import_linter_contracts_hold():
    lint_imports = Path(sys.executable).with_name("lint-imports")
    done = subprocess.run([str(lint_imports), "--config", "pyproject.toml"], capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Contracts: 5 kept, 0 broken" in done.stdout


PACKAGES = tuple(
    f"millplan.{name}"
    for name in (
        "core.domain",
        "core.planning",
        "core.workflow",
        "core.views",
        "core.access",
        "core.mail",
        "core.importing",
        "storage",
        "solver",
        "tui",
    )
)


def _package_of(module: str) -> str | None:
    return next((p for p in PACKAGES if module == p or module.startswith(p + ".")), None)


def _package_imports() -> dict[tuple[str, str], list[str]]:
    """(importing package, imported package) → the module imports behind that edge
    (``importer -> imported``), between the packages of :data:`PACKAGES`."""
    graph = grimp.build_graph("millplan")
    edges: dict[tuple[str, str], list[str]] = {}
    for module in sorted(graph.modules):
        source = _package_of(module)
        for imported in sorted(graph.find_modules_directly_imported_by(module)):
            target = _package_of(imported)
            if source and target and source != target:
                edges.setdefault((source, target), []).append(f"{module} -> {imported}")
    return edges


@pytest.mark.xfail(
    strict=True,
    reason="core.planning <-> core.views (planning.diff -> views.tables) and core.planning <-> core.workflow "
    "(planning.run -> workflow.open_items, planning.option_edits -> workflow.assignments), outside storage's area",
)
def test_no_import_cycle_between_packages():
    edges = _package_imports()
    reaches = {p: {t for s, t in edges if s == p} for p in PACKAGES}
    changed = True
    while changed:  # transitive closure over ten packages
        changed = False
        for package, targets in reaches.items():
            more = set().union(*(reaches[t] for t in targets)) - targets
            if more:
                targets |= more
                changed = True
    in_cycles = [
        f"{source} -> {target}: {', '.join(modules)}"
        for (source, target), modules in sorted(edges.items())
        if source in reaches[target]
    ]
    assert in_cycles == []


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
