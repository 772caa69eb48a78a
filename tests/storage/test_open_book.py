"""The described open book is read once per change of the store and shared: the load monitor
and the stale-deal ledger read it again only after a committed change, by anyone."""

from __future__ import annotations

from millplan.core.domain.portfolio import DealStatus
from millplan.core.planning import open_book
from millplan.core.planning.attributes import describe
from millplan.core.planning.open_book import described_open_book
from millplan.storage.store import open_store
from tests.plants import tiny_plant


def refs(book) -> list[str]:
    return [a.position.ref for a in book]


def test_the_book_is_described_once_per_change(sqlite_store, monkeypatch):
    tiny_plant(sqlite_store)
    calls: list[int] = []

    def counted(plant, positions):
        calls.append(1)
        return describe(plant, positions)

    monkeypatch.setattr(open_book, "describe", counted)
    with sqlite_store.reading() as repo:
        first = described_open_book(repo)
    with sqlite_store.reading() as repo:
        again = described_open_book(repo)
        only_l = described_open_book(repo, "L")
        none = described_open_book(repo, "No such line")
    assert again is first and len(calls) == 1
    assert refs(first) == ["D1#1", "D2#1", "D3#1", "D3#2", "D5#1"]  # accepted, open; D4 is pending
    assert refs(only_l) == refs(first) and none == []

    with sqlite_store.unit_of_work() as repo:  # a committed change: D4 accepted
        repo.plant.set_deal_status("D4", DealStatus.ACCEPTED, "plm")
    with sqlite_store.reading() as repo:
        changed = described_open_book(repo)
    assert len(calls) == 2
    assert refs(changed) == ["D1#1", "D2#1", "D3#1", "D3#2", "D4#1", "D5#1"]


def test_each_store_has_its_own_book(sqlite_store, tmp_path):
    tiny_plant(sqlite_store)
    other = open_store(f"sqlite:///{tmp_path / 'other.sqlite'}")
    try:
        with sqlite_store.reading() as repo:
            assert len(described_open_book(repo)) == 5
        with other.reading() as repo:  # another store, read after the first: its own book
            assert described_open_book(repo) == []
    finally:
        other.dispose()
