"""The accepted open book, described (:func:`~millplan.core.planning.attributes.describe`),
read once per change of the store and shared by its readers (the load monitor, the
stale-deal ledger).

Describing 40 000-odd open positions takes seconds; the store's change counter
(:mod:`millplan.storage.changes`) moves on with every committed change, by anyone, so the
description read at one value of it holds until it moves. The counter is read in the same
read transaction as the book, so the two always agree.

A big read makes hundreds of thousands of objects that live on: Python's cyclic garbage
collector, started by the count of new objects, would walk them all again and again (a
third of the load monitor's time on a 50 000-position book). :func:`collector_paused` holds
it off for the length of such a read, then collects once, at its end, in the reading
thread: left to itself the collector would walk the whole heap at the first chance
afterwards — a key press in the workstation taking a tenth of a second more. Objects are
reclaimed by reference counting as always; only reference cycles wait for that collection.
"""

from __future__ import annotations

import contextlib
import gc
import threading
import weakref
from collections.abc import Iterator

from millplan.core.domain.portfolio import DealStatus
from millplan.core.planning.attributes import PositionAttributes, describe
from millplan.storage.unit_of_work import UnitOfWork

_lock = threading.Lock()
# per connection pool, so per store (weak: a dropped store's entry goes with it): (change counter, described book)
_cache: weakref.WeakKeyDictionary[object, tuple[int, list[PositionAttributes]]] = weakref.WeakKeyDictionary()

_paused_lock = threading.Lock()
_paused = 0  # reads holding the collector off now (threads may read at once)
_was_enabled = False  # the collector's state when the first of them began

MANY_NEW_OBJECTS = 50_000
"""New objects a paused read leaves (``gc.get_count()``) past which it collects at its end;
a read from the cache leaves a few hundred."""


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """Hold Python's cyclic garbage collector off while the block runs (module docstring),
    then restore it as it was and, if the block left more than :data:`MANY_NEW_OBJECTS` new
    objects, collect once; blocks in several threads at once hold it off until the last one
    ends."""
    global _paused, _was_enabled
    with _paused_lock:
        if _paused == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _paused += 1
    try:
        yield
    finally:
        with _paused_lock:
            _paused -= 1
            resume = _paused == 0 and _was_enabled
            if resume:
                gc.enable()
        if resume and gc.get_count()[0] > MANY_NEW_OBJECTS:
            gc.collect()


def described_open_book(repo: UnitOfWork, product_line: str | None = None) -> list[PositionAttributes]:
    """Attributes of every position of an accepted deal with tonnes left to make (by deal and
    position number), read through ``repo`` (a read of the store) or taken from the last
    read at the same change of the store; only ``product_line``'s when given (the
    high-mill-load flag is the same: a mill's peers are all of its own line). The list is
    shared: callers must not change it."""
    pool = repo.session.get_bind().pool  # one per store: each read binds a fresh option engine on it
    with _lock, collector_paused():  # one reader describes, the others wait for it rather than repeat it
        change = repo.changes.current()
        held = _cache.get(pool)
        if held is None or held[0] != change:
            plant = repo.plant.whole()
            positions = repo.plant.positions(deal_status=DealStatus.ACCEPTED, open_only=True)
            held = (change, describe(plant, positions))
            _cache[pool] = held
    book = held[1]
    return book if product_line is None else [a for a in book if a.position.product_line == product_line]
