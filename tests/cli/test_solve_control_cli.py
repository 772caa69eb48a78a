"""``millplan plan`` and its solver: a default time limit, progress on stderr for a long
plan, Ctrl+C (a real process, HiGHS and CBC, pressed once or twice) that stops the solver,
exits 130 within seconds and saves nothing, and a broken CBC that is exit code 6 — or, not
asked for, replaced by HiGHS."""

from __future__ import annotations

import json
import os
import queue
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from millplan.cli import app
from millplan.core.planning.options import DEFAULT_TIME_LIMIT
from millplan.storage.store import open_store
from tests.busy_plant import HORIZON, busy_plant
from tests.plants import PLAN_MONTH, tiny_plant
from tests.solver_processes import alive, break_cbc, cbc_children

ROOT = Path(__file__).resolve().parents[2]
MONTH = str(PLAN_MONTH)
BUSY = ("--whole", "--horizon", str(HORIZON))


def run(db: str, *args: str):
    return CliRunner().invoke(app, ["--db", db, *args])


def make_db(tmp_path: Path, fill) -> str:
    url = f"sqlite:///{tmp_path / 'millplan.cli.sqlite'}"
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
            return repo.assignments.revisions(PLAN_MONTH, "A") + repo.assignments.revisions(PLAN_MONTH, "L")
    finally:
        store.dispose()


def test_a_broken_cbc_asked_for_is_exit_code_6_not_infeasible(tiny_db, tmp_path, monkeypatch):
    script = break_cbc(tmp_path, monkeypatch)
    result = run(tiny_db, "plan", "--month", MONTH, "--solver", "cbc")
    assert result.exit_code == 6
    assert "the solver CBC failed" in result.stderr and str(script) in result.stderr
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
    assert "solver HiGHS: optimal" in result.stderr or "solver HiGHS: feasible, gap" in result.stderr
    assert time.monotonic() - started < 20  # 3 s of solving; unbounded it runs for minutes


@pytest.mark.slow  # runs to the 5 s default
def test_a_plan_without_a_limit_gets_the_default_one(busy_db):
    started = time.monotonic()
    result = run(busy_db, "plan", "--month", MONTH, *BUSY)
    assert result.exit_code == 0, result.stderr
    assert f"of {DEFAULT_TIME_LIMIT:g} s" in result.stderr and "solver HiGHS: " in result.stderr
    assert time.monotonic() - started < DEFAULT_TIME_LIMIT * 4


def lines_of(stream) -> queue.Queue:
    """The lines of ``stream``, read in a thread of their own (a read never blocks the
    test); ``None`` at its end."""
    lines: queue.Queue = queue.Queue()

    def read() -> None:
        for line in stream:
            lines.put(line)
        lines.put(None)

    threading.Thread(target=read, daemon=True).start()
    return lines


def said_until(lines: queue.Queue, wanted: str, seconds: float) -> str:
    """What the stream said up to the first line holding ``wanted`` (within ``seconds``)."""
    said, end = "", time.monotonic() + seconds
    while wanted not in said:
        line = lines.get(timeout=max(0.0, end - time.monotonic()))
        assert line is not None, f"ended before {wanted!r}: {said}"
        said += line
    return said


def rest(lines: queue.Queue) -> str:
    """The stream's lines after the process ended."""
    said = ""
    while (line := lines.get(timeout=10)) is not None:
        said += line
    return said


@pytest.mark.parametrize(("engine", "presses"), [("cbc", 1), ("highs", 2)])
def test_ctrl_c_stops_the_solver_within_seconds_and_saves_nothing(busy_db, engine, presses, start_process):
    command = [
        sys.executable,
        "-c",
        "from cli import main; main()",
        "--db",
        busy_db,
        "plan",
        "--month",
        MONTH,
        *BUSY,
        "--solver",
        engine,
        "--time-limit",
        "60",
        "--json",
    ]
    # whatever the test's end, the process and its CBC are killed
    process = start_process(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    stderr, stdout = lines_of(process.stderr), lines_of(process.stdout)
    said_until(stderr, "planning", 60)  # the progress line: the solve is under way (2 s in)
    solvers = cbc_children(process.pid)
    if engine == "cbc":
        assert solvers, "CBC should be running"
    pressed = time.monotonic()
    for _ in range(presses):  # a second Ctrl+C while it stops changes nothing
        os.kill(process.pid, signal.SIGINT)
        time.sleep(0.1)
    process.wait(timeout=15)
    took = time.monotonic() - pressed
    assert process.returncode == 130
    assert took < 5  # the solver noticed, or was left behind after a grace second (exact figures: the benchmark)
    said = rest(stderr)
    assert "nothing was saved" in said and "Traceback" not in said and "terminate called" not in said
    assert json.loads(rest(stdout)) == {
        "status": "error",
        "message": "interrupted: the plan was cancelled, nothing was saved",
        "exit_code": 130,
    }
    assert not any(alive(pid) for pid in solvers)
    assert drafts(busy_db) == []
