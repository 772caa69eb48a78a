"""A DataTable that shows a :class:`millplan.core.views.tables.TableView` and keeps its cursor by row key."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.widgets import DataTable

from millplan.core.views.tables import Column, TableView, cell_style, cell_text

ROW_CAP = 500
"""Rows shown at most; a big book is summarised, never poured into a widget whole."""

SCROLLBAR = 2
"""Columns a vertical scrollbar takes: left free when clipped text gives way."""

CLIP_FLOOR = 6
"""Fewest characters clipped text gives way to (``Ивано…``)."""


class ViewTable(DataTable):
    """Row-cursor table filled from a TableView; ``selected`` is the highlighted row's dict,
    ``view`` the table shown, every row (``None`` when blank), for an export."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(cursor_type="row", zebra_stripes=True, **kwargs)
        self._rows: dict[str, dict[str, Any]] = {}
        self._columns: tuple = ()
        self.hidden_rows = 0
        self.view: TableView | None = None

    def show(self, view: TableView) -> None:
        """Replace the content with ``view``, keeping the cursor on the same row key. When
        the rows are the same rows as shown (keys, order, columns), only the cells that
        changed are updated in place: the cursor and the scroll stay where they were."""
        previous = self.selected_key
        self.view = view
        rows = view.rows[:ROW_CAP]
        widths = self._widths(view, rows)
        self.hidden_rows = len(view.rows) - len(rows)
        same_rows = [row["key"] for row in rows] == list(self._rows) and self.row_count == len(self._rows)
        if (view.columns, widths) == self._columns and same_rows:
            for row in rows:
                old = self._rows[row["key"]]
                for column in view.columns:
                    if row.get(column.key) != old.get(column.key):
                        self.update_cell(row["key"], column.key, _cell(row, column), update_width=True)
                self._rows[row["key"]] = row
            return
        if (view.columns, widths) != self._columns:
            self.clear(columns=True)
            for column, width in zip(view.columns, widths, strict=True):
                self.add_column(
                    Text(column.header, justify="right" if column.numeric else "left"), key=column.key, width=width
                )
            self._columns = (view.columns, widths)
        else:
            self.clear()
        self._rows = {}
        for row in rows:
            self.add_row(*(_cell(row, c) for c in view.columns), key=row["key"])
            self._rows[row["key"]] = row
        if previous in self._rows:
            self.move_cursor(row=self.get_row_index(previous))

    def _widths(self, view: TableView, rows: tuple[dict[str, Any], ...]) -> tuple[int | None, ...]:
        """Each column's width: free text is cut at its width hint (the detail line has it
        all), other columns fit their content (``None``), never narrower than their header.
        Clipped text gives way, down to :data:`CLIP_FLOOR` characters, so that the columns
        up to the last clipped one show whole within the table's width (less a scrollbar)."""
        widths = [c.width if c.wrap or c.clip else None for c in view.columns]
        clipped = [i for i, c in enumerate(view.columns) if c.clip]
        room = (self.size.width or self.app.size.width) - SCROLLBAR
        if not clipped or room <= 0:
            return tuple(widths)
        used = 0
        for column, width in zip(view.columns[: clipped[-1] + 1], widths, strict=False):
            natural = max([len(column.header)] + [len(cell_text(row.get(column.key), column)) for row in rows])
            used += (width if width is not None else natural) + 2 * self.cell_padding
        excess = used - room
        while excess > 0 and any(widths[i] > CLIP_FLOOR for i in clipped):
            for i in sorted(clipped, key=lambda i: -widths[i]):
                if excess > 0 and widths[i] > CLIP_FLOOR:
                    widths[i] -= 1
                    excess -= 1
        return tuple(widths)

    def blank(self) -> None:
        """Show nothing: no columns, no rows (a view that does not apply)."""
        self.clear(columns=True)
        self._rows, self._columns, self.hidden_rows, self.view = {}, (), 0, None

    @property
    def selected_key(self) -> str | None:
        if not self._rows or self.cursor_row < 0 or self.cursor_row >= self.row_count:
            return None
        key = self.coordinate_to_cell_key(self.cursor_coordinate).row_key
        return key.value

    @property
    def selected(self) -> dict[str, Any] | None:
        key = self.selected_key
        return self._rows.get(key) if key is not None else None


def _cell(row: dict[str, Any], column: Column) -> Text:
    """One cell of ``row`` as shown: its text, aligned, cut with an ellipsis, never wrapped
    (an over-full mill-month in reverse video, :func:`~millplan.core.views.tables.cell_style`)."""
    value = row.get(column.key)
    return Text(
        cell_text(value, column),
        style=cell_style(value),
        justify="right" if column.numeric else "left",
        no_wrap=True,
        overflow="ellipsis",
    )
