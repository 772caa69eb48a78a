"""Putting a table's cursor on a row by its key (a jump to what a notification or a
mill-month is about)."""

from __future__ import annotations

from textual.widgets import DataTable
from textual.widgets.data_table import RowDoesNotExist


def highlight(table: DataTable, key: str) -> bool:
    """Put ``table``'s cursor on the row keyed ``key``; False when no row has it."""
    try:
        table.move_cursor(row=table.get_row_index(key))
    except RowDoesNotExist:
        return False
    return True
