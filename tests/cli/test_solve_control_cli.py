"""``millplan plan`` and its solver: a default time limit, progress on stderr for a long
plan, Ctrl+C (a real process) that stops the solver and saves nothing, and a broken CBC
that is exit code 6 — or, not asked for, replaced by HiGHS."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli import app
from core.horizon import DEFAULT_TIME_LIMIT
from storage.store import open_store
from tests.busy_plant import HORIZON, busy_plant
from tests.plants import PLAN_MONTH, tiny_plant
from tests.solver_processes import alive, break_cbc, cbc_children

ROOT = Path(__file__).resolve().parents[2]
MONTH = str(PLAN_MONTH)
BUSY = ("--whole", "--horizon", str(HORIZON))


def run(db: str, *args: str):
    return CliRunner().invoke(app, ["--db", db, *args])


def make_db(tmp_path: Path, fill) -> str:
    url = f"sqlite:///{tmp_path / 'cli.sqlite'}"
    store = open_store(url)
    fill(store)
    store.dispose()
    return url


@pytest.fixture
def tiny_db(tmp_path) -> str:
    return make_db(tmp_path, tiny_plant)


@pytest.fixture
def busy_db(tmp_path) -> str:
    return make_db(tmp_path, lambda store: busy_plant(store, users=False))


def drafts(db: str) -> list:
    store = open_store(db)
    try:
        with store.reading() as repo:
            return repo.revisions(PLAN_MONTH, "A") + repo.revisions(PLAN_MONTH, "L")
    finally:
        store.dispose()


def test_a_broken_cbc_asked_for_is_exit_code_6_not_infeasible(tiny_db, tmp_path, monkeypatch):
    script = break_cbc(tmp_path, monkeypatch)
    result = run(tiny_db, "plan", "--month", MONTH, "--solver", "cbc")
    assert result.exit_code == 6
    assert "the solver PULP_CBC_CMD failed" in result.stderr and str(script) in result.stderr
    assert "libCbc.so.3" in result.stderr and "infeasible" not in result.stderr
    assert drafts(tiny_db) == []
    # not asked for, the default solver plans
    result = run(tiny_db, "plan", "--month", MONTH)
    assert result.exit_code == 0, result.stderr
    assert "solver HiGHS: optimal" in result.stderr


def test_json_says_the_solver_failed_with_its_exit_code(tiny_db, tmp_path, monkeypatch):
    break_cbc(tmp_path, monkeypatch)
    result = run(tiny_db, "plan", "--month", MONTH, "--solver", "cbc", "--json")
    assert result.exit_code == 6
    assert '"exit_code": 6' in result.stdout and '"status": "error"' in result.stdout


def test_a_long_plan_shows_progress_and_stops_at_its_limit(busy_db):
    started = time.monotonic()
    result = run(busy_db, "plan", "--month", MONTH, *BUSY, "--time-limit", "3")
    assert result.exit_code == 0, result.stderr
    assert f"planning {MONTH} A (line 1 of 1): " in result.stderr and "of 3 s — Ctrl+C stops" in result.stderr
    assert "solver HiGHS: feasible, gap" in result.stderr
    assert time.monotonic() - started < 20  # 3 s of solving; unbounded it runs for minutes


def test_a_plan_without_a_limit_gets_the_default_one(busy_db):
    started = time.monotonic()
    result = run(busy_db, "plan", "--month", MONTH, *BUSY)
    assert result.exit_code == 0, result.stderr
    assert f"of {DEFAULT_TIME_LIMIT:g} s" in result.stderr and "feasible, gap" in result.stderr
    assert time.monotonic() - started < DEFAULT_TIME_LIMIT * 4


def test_ctrl_c_stops_the_solver_and_saves_nothing(busy_db):
    command = [sys.executable, "-c", "from cli import main; main()", "--db", busy_db, "plan", "--month", MONTH, *BUSY, "--solver", "cbc", "--json"]
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        said = ""
        while "planning" not in said:  # the progress line: the solve is under way (2 s in)
            line = process.stderr.readline()
            assert line, f"exited before the solve: {process.wait()} {said}"
            said += line
        solvers = cbc_children(process.pid)
        assert solvers, "CBC should be running"
        os.kill(process.pid, signal.SIGINT)
        process.wait(timeout=15)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 130
    assert "nothing was saved" in process.stderr.read()
    assert json.loads(process.stdout.read()) == {
        "status": "error", "message": "interrupted: the plan was cancelled, nothing was saved", "exit_code": 130,
    }
    assert not any(alive(pid) for pid in solvers)
    assert drafts(busy_db) == []
