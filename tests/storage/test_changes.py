"""The store's change counter: every committed change moves it on by one, whoever makes it;
a read, a rolled-back change or an update that hits nothing leaves it where it was."""

from __future__ import annotations

import threading

import pytest
import sqlalchemy as sa

from millplan.core.database import change_count
from millplan.core.domain.errors import StateError
from millplan.core.workflow import deals
from millplan.storage.tables import DealRow
from tests.plants import tiny_plant


@pytest.mark.both_backends  # see tests/conftest.py: a service's main write path
def test_a_committed_change_moves_the_counter_on_by_one(store):
    tiny_plant(store)
    before = change_count(store)
    deals.accept(store, "D4", login="plm")
    assert change_count(store) == before + 1


@pytest.mark.both_backends
def test_reads_refusals_and_updates_that_hit_nothing_leave_it(store):
    tiny_plant(store)
    before = change_count(store)
    deals.summaries(store)  # a read
    with store.unit_of_work() as repo:  # a unit of work that only reads
        repo.plant.deal("D1")
    with store.unit_of_work() as repo:  # an update of no row
        repo.session.execute(sa.update(DealRow).where(DealRow.number == "nope").values(number="none"))
    with pytest.raises(StateError):  # D1 is accepted already: nothing written
        deals.accept(store, "D1", login="plm")
    assert change_count(store) == before


@pytest.mark.parametrize("backend", ["postgresql"], indirect=True)
@pytest.mark.pg
def test_a_change_that_commits_after_a_later_one_still_moves_it(store):
    # on PostgreSQL an earlier transaction may commit after a later one (ids out of
    # order): each commit moves the counter, so a follower that saw the later one sees this too
    tiny_plant(store)
    before = change_count(store)
    wrote, go_on = threading.Event(), threading.Event()

    def slow() -> None:
        with store.unit_of_work() as repo:
            repo.audit.write("plm", "noted", "deal", "D1")
            wrote.set()
            go_on.wait(10)

    first = threading.Thread(target=slow)
    first.start()
    assert wrote.wait(10)
    deals.accept(store, "D4", login="plm")  # starts later, commits first
    assert change_count(store) == before + 1
    go_on.set()
    first.join(10)
    assert change_count(store) == before + 2
