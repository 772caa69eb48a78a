"""A mill's hours set for a month (``millplan capacity set --json``)."""

from __future__ import annotations

from typing import Any

from millplan.core.planning.capacity import CapacityChange


def capacity_document(change: CapacityChange) -> dict[str, Any]:
    """A mill's hours set for a month: before and after (h), and the revisions made stale
    (object keys such as ``2027-01/ТБД/r2``)."""
    return {
        "mill": change.mill_code,
        "month": str(change.month),
        "hours_before": change.before,
        "hours": change.after,
        "stale": [a.key for a in change.stale],
    }
