"""A test that starts a process kills it whatever happens: an inner pytest run whose test
starts a long ``sleep`` through ``start_process`` (tests/processes.py) and then fails, or
is interrupted by Ctrl+C, leaves no ``sleep`` running; and no test starts one otherwise."""

from __future__ import annotations

import ast
import os
import signal
import sys
import time
from pathlib import Path

import pytest

from tests.solver_processes import alive

ROOT = Path(__file__).resolve().parents[2]

INNER = """
import time
from pathlib import Path


def test_fails_with_a_child_running(start_process):
    child = start_process(["sleep", "600"])
    Path("child.pid").write_text(str(child.pid))
    assert False, "fails on purpose"


def test_interrupted_with_a_child_running(start_process):
    child = start_process(["sleep", "600"])
    Path("child.pid").write_text(str(child.pid))
    time.sleep(600)  # the outer test presses Ctrl+C here
"""


@pytest.fixture
def inner(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> pytest.Pytester:
    """A pytester folder holding :data:`INNER`, where ``tests.processes`` imports."""
    monkeypatch.setenv("PYTHONPATH", str(ROOT))
    pytester.makepyfile(test_inner=INNER)
    return pytester


def child_pid(folder: Path, seconds: float) -> int:
    """The pid the inner test wrote, waiting up to ``seconds`` for it."""
    file, end = folder / "child.pid", time.monotonic() + seconds
    while not (file.exists() and file.read_text()):
        assert time.monotonic() < end, "the inner test never started its child"
        time.sleep(0.05)
    return int(file.read_text())


def test_a_failing_test_still_kills_the_process_it_started(inner):
    result = inner.runpytest_subprocess("-p", "tests.processes", "-k", "fails", timeout=120)
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*fails on purpose*"])
    assert not alive(child_pid(inner.path, 0))


def test_an_interrupted_test_run_still_kills_the_process_it_started(inner, start_process):
    run = start_process(
        [sys.executable, "-m", "pytest", "-p", "tests.processes", "-k", "interrupted"],
        cwd=inner.path,
        stdout=open(os.devnull, "w"),  # noqa: SIM115 — closed by start_process's teardown
    )
    child = child_pid(inner.path, 60)
    assert alive(child)
    os.kill(run.pid, signal.SIGINT)  # Ctrl+C
    assert run.wait(timeout=60) == pytest.ExitCode.INTERRUPTED
    assert not alive(child)


def popen_calls(path: Path) -> list[int]:
    """Lines of ``path`` that call ``Popen`` (``subprocess.Popen(…)`` or a bare ``Popen(…)``)."""
    return [
        node.lineno
        for node in ast.walk(ast.parse(path.read_text()))
        if isinstance(node, ast.Call) and getattr(node.func, "attr", getattr(node.func, "id", None)) == "Popen"
    ]


def test_no_test_starts_a_process_but_through_start_process():
    # subprocess.run kills its child on any exception, Ctrl+C included; a Popen of a test's own does not
    assert popen_calls(ROOT / "tests" / "processes.py")  # the check finds a call where there is one
    starting = {
        str(path.relative_to(ROOT)): lines
        for path in (ROOT / "tests").rglob("*.py")
        if path.name != "processes.py" and (lines := popen_calls(path))
    }
    assert starting == {}, f"start processes with the start_process fixture (tests/processes.py): {starting}"
