"""The house's layering holds: core, storage and solver never pull in the fronts."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_import_linter_contracts_hold():
    lint_imports = Path(sys.executable).with_name("lint-imports")
    done = subprocess.run([str(lint_imports), "--config", "pyproject.toml"], capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Contracts: 3 kept, 0 broken" in done.stdout


def test_core_runs_without_textual_or_typer_loaded():
    script = (
        "import sys, json;"
        "import core.planning, core.load, core.deals, core.documents, core.views, core.importing.portfolio;"
        "print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'typer', 'tui', 'cli'))))"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == []


def test_solver_runs_without_the_database_layer():
    script = (
        "import sys, json; from solver.prioritiser import solve; from solver.problem import *;"
        "s = solve(Problem((Demand(1, 10, True, (Option(1, 0.5, 100.0),)),), {(1, 0): 4}));"
        "print(json.dumps([s.status, s.tonnes[(1, 1, 0)], sorted(m for m in sys.modules if m.split('.')[0] in ('sqlalchemy', 'sqlmodel', 'storage', 'core'))]))"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == ["optimal", 8.0, []]
