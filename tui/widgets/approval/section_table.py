"""The Approval pane's table: the current section of the board (the revision's diff, its
mills, conflicts, requests, escalations, reviews or positions) and what its highlighted
row stands for."""

from __future__ import annotations

from typing import Any

from millplan.core.domain.i18n import _
from millplan.core.views.approval import Board
from millplan.core.views.conflicts import conflicts_view
from millplan.core.views.diff import diff_columns, diff_view, mills_view, revision_mills_view
from millplan.core.views.escalations import escalations_view
from millplan.core.views.positions import positions_view
from millplan.core.views.requests import requests_view
from millplan.core.views.reviews import reviews_view
from millplan.core.views.tables import TableView
from millplan.tui.widgets.view_table import ViewTable

POSITION_SECTIONS = ("positions", "diff", "conflicts")
"""Sections whose highlighted row names a position."""


def section_view(b: Board, section: str) -> TableView | None:
    """The table of ``section`` of board ``b`` (``None``: not planned). With nothing to
    compare (no approved revision before the latest, or no revision), the diff is its columns
    with no rows and the mills are the latest revision's own (the detail line says why in words)."""
    if section in ("diff", "mills"):
        if b.diff is None and section == "diff":
            return TableView(_("Nothing to compare with"), diff_columns(), ())
        if b.diff is None:
            return revision_mills_view(b.latest)
        # the mills with the latest revision's load, the one the diff leads to
        return diff_view(b.diff) if section == "diff" else mills_view(b.diff, b.latest.mill_loads)
    if section == "positions":
        return positions_view(b.latest, b.mine) if b.latest else None
    view = {
        "conflicts": lambda: conflicts_view(list(b.conflicts)),
        "requests": lambda: requests_view(list(b.requests)),
        "escalations": lambda: escalations_view(list(b.escalations)),
        "reviews": lambda: reviews_view(list(b.reviews)),
    }[section]()
    # the pane is about one month and line: the column repeating them is dropped; the
    # table's row keys are text (the ids of these rows are numbers)
    rows = tuple({**row, "key": str(row["key"])} for row in view.rows)
    return TableView(view.title, tuple(c for c in view.columns if c.key != "month"), rows)


class SectionTable(ViewTable):
    """The rows of one section of a board; ``item`` and ``position`` say what the
    highlighted row is about."""

    def show_section(self, b: Board | None, section: str) -> None:
        """Fill the table with ``section`` of ``b``, or blank it when it does not apply."""
        view = section_view(b, section) if b is not None else None
        if view is None:
            self.blank()
        else:
            self.show(view)

    def item(self, b: Board | None, section: str) -> Any:
        """The conflict, request, escalation or review of the highlighted row (or None)."""
        row = self.selected
        if row is None or b is None:
            return None
        items = {
            "conflicts": b.conflicts,
            "requests": b.requests,
            "escalations": b.escalations,
            "reviews": b.reviews,
        }.get(section, ())
        return next((x for x in items if str(x.id) == row["key"]), None)

    def position(self, section: str) -> str | None:
        """The position of the highlighted row, in sections that list positions."""
        row = self.selected
        if row is None or section not in POSITION_SECTIONS:
            return None
        return row["position"] if section != "positions" else row["key"]
