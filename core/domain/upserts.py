"""What an import's write did to the stored rows: fields changed and rows counted."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class StoredChange:
    """A field an import's write changed on a stored row: the kind of object
    (``customer``, ``deal``, ``position``, …), its key as audited (name, number,
    ``DEAL#NO``), the field and its value before and after (as stored: t, h, flags,
    UTC times, priorities; ``None`` for none)."""

    object_type: str
    object_key: str
    field: str
    before: Any
    after: Any


@dataclass(frozen=True, slots=True)
class UpsertCounts:
    """Rows an import created, updated and found unchanged, for one kind of object, and
    the stored rows it ``removed`` (an import that replaces whole days: the actuals)."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    removed: int = 0

    def __add__(self, other: UpsertCounts) -> UpsertCounts:
        return UpsertCounts(
            self.created + other.created,
            self.updated + other.updated,
            self.unchanged + other.unchanged,
            self.removed + other.removed,
        )
