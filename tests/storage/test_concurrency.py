"""Several processes acting on the same assignment at once, on an SQLite file and on
PostgreSQL: one approval wins and the others are told who changed it; concurrent edits
are serialised, none lost; nothing is half-written."""

from __future__ import annotations

import multiprocessing
import sqlite3

import pytest

from millplan.core.domain.assignment import AssignmentState
from millplan.core.domain.errors import StoreUnavailable
from millplan.core.planning import run as planning
from millplan.core.workflow import assignments
from millplan.storage import engine
from millplan.storage.store import open_store
from tests import workers
from tests.plants import PLAN_MONTH, tiny_plant

pytestmark = pytest.mark.both_backends  # see tests/conftest.py

PROCESSES = 4
forkserver = multiprocessing.get_context(
    "forkserver"
)  # a fresh server forks the children: no store connection inherited
forkserver.set_forkserver_preload(["tests.workers"])  # millplan imported once, not by every child


def _run_all(target, argument_lists) -> list[tuple[str, str]]:
    barrier, results = forkserver.Barrier(len(argument_lists)), forkserver.Queue()
    processes = [forkserver.Process(target=target, args=(*args, barrier, results)) for args in argument_lists]
    try:
        for process in processes:
            process.start()
        outcomes = [results.get(timeout=120) for _ in processes]
        for process in processes:
            process.join(timeout=60)
    finally:  # a failing or interrupted test leaves no worker behind
        for process in processes:
            if process.is_alive():
                process.kill()
                process.join()
    assert not [text for kind, text in outcomes if kind == "error"]
    return outcomes


@pytest.fixture
def in_review(store, store_url):
    tiny_plant(store)
    planning.plan(store, PLAN_MONTH, login="plm", first_horizon=1)
    return store, store_url, assignments.submit(store, PLAN_MONTH, "L", login="plm")


def test_concurrent_approvals_one_wins_the_rest_are_told_who_changed_it(in_review):
    store, url, seen = in_review
    logins = [f"approver{i}" for i in range(PROCESSES)]
    outcomes = _run_all(workers.approve, [(url, str(PLAN_MONTH), login, (seen.id, seen.version)) for login in logins])
    assert sorted(kind for kind, _ in outcomes) == ["changed"] * (PROCESSES - 1) + ["done"]
    with store.unit_of_work() as repo:
        approved = repo.assignments.assignment(PLAN_MONTH, "L")
        entries = [e for e in repo.audit.audit_entries(approved.key) if e.action == "approved"]
    assert approved.state is AssignmentState.APPROVED and approved.version == seen.version + 1
    [entry] = entries  # approved exactly once
    assert entry.login == approved.approved_by
    for kind, text in outcomes:
        if kind == "changed":
            assert f"changed by {approved.approved_by} at " in text and text.endswith("reload and try again")


def test_concurrent_edits_are_serialised_and_none_is_lost(in_review):
    store, url, seen = in_review
    refs = ["D1#1", "D2#1", "D3#1", "D3#2"]  # two planned, two left out by the prioritiser
    outcomes = _run_all(workers.exclude, [(url, str(PLAN_MONTH), f"editor{i}", ref) for i, ref in enumerate(refs)])
    assert [kind for kind, _ in outcomes] == ["done"] * len(refs)
    with store.unit_of_work() as repo:
        edited = repo.assignments.assignment(PLAN_MONTH, "L")
        actions = [e.action for e in repo.audit.audit_entries(edited.key)]
    assert sorted(e.position_ref for e in edited.exclusions if e.manual) == refs
    assert edited.lines == ()
    assert edited.version == seen.version + len(refs)  # every increment kept
    assert actions.count("excluded") == len(refs)
    assert edited.state is AssignmentState.DRAFT  # the first edit sent it back from review


def test_concurrent_plans_of_one_month_lose_no_draft(store, store_url):
    # however the processes interleave, each plan either saved its draft or was told that
    # someone else's came first — and the revision's version counts exactly the saves
    tiny_plant(store)
    outcomes = _run_all(workers.plan_month, [(store_url, str(PLAN_MONTH), f"planner{i}") for i in range(PROCESSES)])
    saved = [kind for kind, _ in outcomes if kind == "done"]
    assert saved and all(kind in ("done", "changed") for kind, _ in outcomes)
    with store.unit_of_work() as repo:
        draft = repo.assignments.assignment(PLAN_MONTH, "L")
        actions = [e.action for e in repo.audit.audit_entries(draft.key)]
        assert [r for r, _ in repo.assignments.revisions(PLAN_MONTH, "L")] == [1]
    assert len(actions) == len(saved) and actions[-1] == "drafted"
    assert draft.version == len(saved)


def test_concurrent_changes_after_approval_open_one_next_revision(in_review):
    store, url, _ = in_review
    assignments.approve(store, PLAN_MONTH, "L", login="plm")
    outcomes = _run_all(workers.reopen, [(url, str(PLAN_MONTH), f"editor{i}", "D1#1") for i in range(PROCESSES)])
    assert all(kind in ("done", "changed") for kind, _ in outcomes)
    with store.unit_of_work() as repo:
        revisions = repo.assignments.revisions(PLAN_MONTH, "L")
        opened = [e.action for e in repo.audit.audit_entries(f"{PLAN_MONTH}/L/r2")].count("reopened")
    assert revisions == [(1, AssignmentState.APPROVED), (2, AssignmentState.RE_APPROVAL)] and opened == 1


def test_on_sqlite_looks_never_wait_and_a_writer_kept_waiting_is_told_plainly(tmp_path, monkeypatch):
    monkeypatch.setattr(engine, "SQLITE_BUSY_TIMEOUT_MS", 300)
    path = tmp_path / "busy.sqlite"
    store = open_store(f"sqlite:///{path}")
    tiny_plant(store)
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another user's long change holds the write lock
    try:
        with store.reading() as repo:  # a look goes on
            assert len(repo.plant.whole().mills) == 2
        with pytest.raises(
            StoreUnavailable, match="busy with another user's change .* nothing was written — try again"
        ):
            with store.unit_of_work() as repo:
                repo.audit.write("plm", "noted", "test", "busy")
    finally:
        other.execute("ROLLBACK")
        other.close()
    with store.unit_of_work() as repo:
        assert repo.audit.audit_entries("busy") == []
    store.dispose()
