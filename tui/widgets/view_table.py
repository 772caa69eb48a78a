"""A DataTable that shows a :class:`millplan.core.views.tables.TableView` whole — 50 000 rows
as readily as 5 — keeps its cursor by row key and filters its rows as the user types.

Textual's DataTable renders only the lines on screen, but it is fed row by row: each added
row builds its cells and is measured, so a big book took seconds to show. This table holds
the view's rows as they are and hands DataTable lazy stand-ins for its row bookkeeping
(:class:`_Rows`, :class:`_Locations`, :class:`_Cells`): a row's cells are made only when
its line is drawn, and columns get fixed widths worked out from the values (numbers from
their extremes), so nothing walks every row but the width pass and a filter.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from decimal import Decimal
from typing import Any

from rich.text import Text
from textual.binding import Binding
from textual.coordinate import Coordinate
from textual.geometry import Region
from textual.message import Message
from textual.widgets import DataTable
from textual.widgets.data_table import Row, RowKey, StringKey

from millplan.core.domain.i18n import _
from millplan.core.views.tables import Column, TableView, cell_style, cell_text

SCROLLBAR = 2
"""Columns a vertical scrollbar takes: left free when clipped text gives way."""

CLIP_FLOOR = 6
"""Fewest characters clipped text gives way to (``Ивано…``)."""

NUMBERS = (int, float, Decimal)


def _value(key: object) -> object:
    return key.value if isinstance(key, StringKey) else key


class _Locations:
    """Row key ↔ index of the rows shown: the reading half of DataTable's ``TwoWayDict``."""

    def __init__(self, keys: list[str]) -> None:
        self.keys = keys
        self.index = {key: i for i, key in enumerate(keys)}

    def get(self, key: object) -> int | None:
        return self.index.get(_value(key))

    def get_key(self, index: int) -> RowKey | None:
        return RowKey(self.keys[index]) if 0 <= index < len(self.keys) else None

    def contains_value(self, index: int) -> bool:
        return 0 <= index < len(self.keys)

    def __contains__(self, key: object) -> bool:
        return _value(key) in self.index

    def __iter__(self) -> Iterator[RowKey]:
        return (RowKey(key) for key in self.keys)

    def __len__(self) -> int:
        return len(self.keys)


class _Rows(Mapping):
    """DataTable's ``rows``: every row one line high, made when asked for."""

    def __init__(self, locations: _Locations) -> None:
        self.locations = locations

    def __getitem__(self, key: object) -> Row:
        if key not in self.locations:
            raise KeyError(key)
        return Row(RowKey(_value(key)), 1)

    def __iter__(self) -> Iterator[RowKey]:
        return iter(self.locations)

    def __len__(self) -> int:
        return len(self.locations)

    def clear(self) -> None:
        """DataTable clears its own; the table replaces the whole stand-in instead."""


class _OrderedRows:
    """DataTable's ``ordered_rows`` over a range of indices, without a list of all rows."""

    def __init__(self, locations: _Locations, indices: range) -> None:
        self.locations, self.indices = locations, indices

    def __len__(self) -> int:
        return len(self.indices)

    def __getitem__(self, at: int | slice) -> Row | _OrderedRows:
        if isinstance(at, slice):
            return _OrderedRows(self.locations, self.indices[at])
        return Row(RowKey(self.locations.keys[self.indices[at]]), 1)

    def __iter__(self) -> Iterator[Row]:
        return (Row(RowKey(self.locations.keys[i]), 1) for i in self.indices)


class _Offsets:
    """DataTable's ``_y_offsets``: line ``y`` is row ``y`` (every row one line high)."""

    def __init__(self, locations: _Locations) -> None:
        self.locations = locations

    def __getitem__(self, y: int) -> tuple[RowKey, int]:
        return RowKey(self.locations.keys[y]), 0

    def __len__(self) -> int:
        return len(self.locations)

    def clear(self) -> None:
        """Nothing is cached."""


class _Cells(Mapping):
    """DataTable's ``_data``: a row's cells (column key → Text), made when its line is drawn."""

    def __init__(self, table: ViewTable) -> None:
        self.table = table

    def __getitem__(self, key: object) -> dict[str, Text]:
        row = self.table._rows[_value(key)]
        return {c.key: _cell(row.get(c.key), c) for c in self.table._view_columns}

    def __iter__(self) -> Iterator[RowKey]:
        return iter(self.table._locations)

    def __len__(self) -> int:
        return len(self.table._locations)

    def clear(self) -> None:
        """The table replaces its rows whole."""


def _cell(value: Any, column: Column) -> Text:
    """One cell as shown: its text, aligned, cut with an ellipsis, never wrapped (an over-full
    mill-month in reverse video, :func:`~millplan.core.views.tables.cell_style`)."""
    return Text(
        cell_text(value, column),
        style=cell_style(value),
        justify="right" if column.numeric else "left",
        no_wrap=True,
        overflow="ellipsis",
    )


class _TableMessage(Message):
    """A message about one :class:`ViewTable`, its ``table`` (and ``control``)."""

    def __init__(self, table: ViewTable) -> None:
        super().__init__()
        self.table = table

    @property
    def control(self) -> ViewTable:
        return self.table


class ViewTable(DataTable):
    """Row-cursor table filled from a TableView; ``selected`` is the highlighted row's dict,
    ``view`` the table shown, every row (``None`` when blank), and ``whole`` what an export
    writes: the view with every column and the full texts the screen shortens (the months a
    narrow screen leaves out, a reason's whole sentence), else ``view`` itself.

    ``show(view)`` keeps every row of the view; ``filter_text`` narrows those shown to the
    rows matching all its words (:meth:`set_filter`), and ``count`` says how many of how many.
    """

    BINDINGS = [
        Binding("slash", "filter", _("Filter"), show=False, id="table.filter"),
        # a row table: Home and End go to the first and last row (DataTable's go sideways)
        Binding("home", "scroll_top", _("First row"), show=False, id="table.first"),
        Binding("end", "scroll_bottom", _("Last row"), show=False, id="table.last"),
    ]

    class Counted(_TableMessage):
        """The rows shown changed, or the table took the focus (sent to the app: a pane's
        show() would stop a bubbling message at the pane)."""

    class FilterAsked(_TableMessage):
        """The user pressed ``/`` on the table: the filter box should open for it (sent to the app)."""

    def __init__(self, **kwargs: Any) -> None:
        self._locations = _Locations([])  # DataTable's own set-up reads the rows already
        super().__init__(cursor_type="row", zebra_stripes=True, **kwargs)
        self._rows: dict[str, dict[str, Any]] = {}
        self._all: tuple[dict[str, Any], ...] = ()
        self._view_columns: tuple[Column, ...] = ()
        self._columns: tuple = ()
        self._haystack: list[str] | None = None
        self.filter_text = ""
        self.view: TableView | None = None
        self.whole: TableView | None = None
        self._install([])

    # -- what DataTable reads -----------------------------------------------------------

    def _install(self, keys: list[str]) -> None:
        """Show the rows ``keys`` (of ``_rows``), in that order."""
        self._locations = _Locations(keys)
        self._row_locations = self._locations
        self.rows = _Rows(self._locations)
        self._data = _Cells(self)
        self._update_count += 1
        self._clear_caches()
        self._require_update_dimensions = True
        self.check_idle()
        self.refresh()

    @property
    def ordered_rows(self) -> _OrderedRows:  # type: ignore[override]
        return _OrderedRows(self._locations, range(len(self._locations)))

    @property
    def _y_offsets(self) -> _Offsets:  # type: ignore[override]
        return _Offsets(self._locations)

    def _row_top(self, row_index: int) -> int:
        return row_index + (self.header_height if self.show_header else 0)

    def _get_row_region(self, row_index: int) -> Region:
        if not self.is_valid_row_index(row_index):
            return Region(0, 0, 0, 0)
        width = sum(column.get_render_width(self) for column in self.columns.values()) + self._row_label_column_width
        return Region(0, self._row_top(row_index), max(self.size.width, width), 1)

    def _get_cell_region(self, coordinate: Coordinate) -> Region:
        if not self.is_valid_coordinate(coordinate):
            return Region(0, 0, 0, 0)
        row_index, column_index = coordinate
        columns = self.ordered_columns
        x = sum(c.get_render_width(self) for c in columns[:column_index]) + self._row_label_column_width
        return Region(x, self._row_top(row_index), columns[column_index].get_render_width(self), 1)

    # -- showing a view -----------------------------------------------------------------

    def show(self, view: TableView, whole: TableView | None = None) -> None:
        """Show every row of ``view`` that the filter lets through. The cursor stays on the
        same row key; with the same columns the rows are replaced in place (no scroll jump).
        ``whole``: the table an export writes, when the screen shows less of it (``None``: ``view``)."""
        previous, at = self.selected_key, self.cursor_row
        self.view = view
        self.whole = whole if whole is not None else view
        widths = self._widths(view, view.rows)
        if (view.columns, widths) != self._columns:
            super().clear(columns=True)
            self._install([])  # add_column walks the rows: none
            for column, width in zip(view.columns, widths, strict=True):
                self.add_column(
                    Text(column.header, justify="right" if column.numeric else "left"), key=column.key, width=width
                )
            self._columns = (view.columns, widths)
        self._view_columns = view.columns
        self._all = view.rows
        self._rows = {row["key"]: row for row in view.rows}
        self._haystack = None
        self._refilter(previous, at)

    def _refilter(self, previous: str | None, at: int) -> None:
        """Install the rows that match the filter; the cursor on ``previous`` if shown, else
        on row ``at`` (or the last); say the count."""
        rows = self._all if not self.filter_text else self._matching()
        self._install([row["key"] for row in rows])
        index = self._locations.get(previous) if previous is not None else None
        row = index if index is not None else min(at, max(len(rows) - 1, 0))
        old = self.cursor_coordinate
        column = old.column if old.column < len(self.columns) else 0  # a cell cursor keeps its column
        self.cursor_coordinate = Coordinate(row, column)
        if rows and self.cursor_coordinate == old:
            self._highlight_cursor()  # another row may be under the cursor: the panes describe it
        self.app.post_message(self.Counted(self))

    def _matching(self) -> list[dict[str, Any]]:
        terms = [term for term in self.filter_text.casefold().split() if term]
        if self._haystack is None:
            text = [c for c in self._view_columns if not c.numeric]
            self._haystack = [  # text as it reads, one string per row (\x00: no match across cells)
                "\x00".join(v if type(v := row.get(c.key)) is str else cell_text(v, c) for c in text).casefold()
                for row in self._all
            ]
        found = list(range(len(self._all)))
        for term in terms:
            name, colon, wanted = term.partition(":")
            column = _column_named(self._view_columns, name) if colon and wanted else None
            if column is not None:
                found = [i for i in found if wanted in cell_text(self._all[i].get(column.key), column).casefold()]
            else:
                found = [i for i in found if term in self._haystack[i]]
        return [self._all[i] for i in found]

    def set_filter(self, text: str) -> None:
        """Show only the rows matching every word of ``text``, any case; ``""`` shows all. A
        word is looked for in the row's text columns; ``name:value`` in one column only, the
        one whose key or header starts with ``name`` (``customer:газ``, ``mill:тэсц``,
        ``month:2027-01``, ``key:yes``)."""
        if text.strip() == self.filter_text:
            return
        self.filter_text = text.strip()
        self._refilter(self.selected_key, 0)  # a row filtered out: back to the first

    @property
    def count(self) -> tuple[int, int]:
        """(rows shown, rows in the view)."""
        return len(self._locations), len(self._all)

    def on_focus(self) -> None:
        self.app.post_message(self.Counted(self))  # the count line follows the focused table

    def action_filter(self) -> None:
        self.app.post_message(self.FilterAsked(self))

    def fits(self, view: TableView) -> bool:
        """Whether every column of ``view`` shows whole within the table's width (less a
        scrollbar), as :meth:`show` would size them."""
        room = (self.size.width or self.app.size.width) - SCROLLBAR
        return sum(w + 2 * self.cell_padding for w in self._widths(view, view.rows)) <= room

    def _widths(self, view: TableView, rows: tuple[dict[str, Any], ...]) -> tuple[int | None, ...]:
        """Each column's width: free text is cut at its width hint (the detail line has it
        all), other columns fit their content, never narrower than their header.
        Clipped text gives way, down to :data:`CLIP_FLOOR` characters, so that the columns
        up to the last clipped one show whole within the table's width (less a scrollbar).

        A figure is never cut by the table's edge either: when the column that crosses the
        edge holds figures, free text before it (not clipped text, fitted already) gives way
        to :data:`CLIP_FLOOR` if that shows it whole; else a text column before it widens, so
        that it starts off screen, to scroll to (a header is never cut: its unit
        would go)."""
        natural = [_natural(column, rows) for column in view.columns]
        widths = [c.width if c.wrap or c.clip else n for c, n in zip(view.columns, natural, strict=True)]
        clipped = [i for i, c in enumerate(view.columns) if c.clip]
        room = (self.size.width or self.app.size.width) - SCROLLBAR
        if room <= 0:
            return tuple(widths)
        if clipped:
            used = sum(
                (widths[i] if view.columns[i].clip or view.columns[i].wrap else natural[i]) + 2 * self.cell_padding
                for i in range(clipped[-1] + 1)
            )
            _give_way(widths, clipped, used - room, {i: CLIP_FLOOR for i in clipped})
        # more rows than lines: a vertical scrollbar (a table not laid out yet is taken to have none)
        scrolled = self.size.height > 1 and len(rows) > self.size.height - 1
        self._keep_figures_whole(view, widths, room + (0 if scrolled else SCROLLBAR))
        return tuple(widths)

    def _keep_figures_whole(self, view: TableView, widths: list[int], room: int) -> None:
        """The figure column crossing the table's edge made whole, or pushed past it
        (:meth:`_widths`); ``widths`` changed in place. ``room``: the characters shown."""
        padding = 2 * self.cell_padding
        right = 0
        for edge, width in enumerate(widths):
            if right + width + padding > room:
                break
            right += width + padding
        else:
            return  # the whole table fits
        if not view.columns[edge].numeric or edge == 0:
            return
        excess = right + widths[edge] + padding - room
        text = [i for i, c in enumerate(view.columns[:edge]) if c.wrap]
        floors = {i: min(CLIP_FLOOR, widths[i]) for i in text}
        if sum(widths[i] - floors[i] for i in text) >= excess:
            _give_way(widths, text, excess, floors)  # it ends at the edge
        else:  # it starts off screen, scrollbar or none: the text column before it (left-aligned) widens
            wider = max((i for i in range(edge) if not view.columns[i].numeric), default=0)
            widths[wider] += (self.size.width or self.app.size.width) - right

    def clear(self, columns: bool = False) -> ViewTable:
        """No rows (and, with ``columns``, no columns); the filter stays."""
        super().clear(columns=columns)
        if columns:
            self._columns, self._view_columns = (), ()
        self._rows, self._all, self._haystack = {}, (), None
        self._install([])
        self.app.post_message(self.Counted(self))
        return self

    def blank(self) -> None:
        """Show nothing: no columns, no rows (a view that does not apply)."""
        self.clear(columns=True)
        self.view = self.whole = None

    @property
    def selected_key(self) -> str | None:
        if not self._locations.keys or self.cursor_row < 0 or self.cursor_row >= self.row_count:
            return None
        return self._locations.keys[self.cursor_row]

    @property
    def selected(self) -> dict[str, Any] | None:
        key = self.selected_key
        return self._rows.get(key) if key is not None else None


def _give_way(widths: list[int], which: list[int], excess: int, floor: dict[int, int]) -> int:
    """Narrow the columns ``which`` by ``excess`` characters in all, the widest first, none
    below its ``floor``; returns the excess left (changes ``widths`` in place)."""
    while excess > 0 and any(widths[i] > floor[i] for i in which):
        for i in sorted(which, key=lambda i: -widths[i]):
            if excess > 0 and widths[i] > floor[i]:
                widths[i] -= 1
                excess -= 1
    return excess


def _natural(column: Column, rows: tuple[dict[str, Any], ...]) -> int:
    """The widest cell of ``column`` over ``rows`` (at least its header), in characters.
    Numbers are formatted at their extremes only (the widest of a column is its largest or
    its most negative), text measured as it is: one pass, no formatting of every cell."""
    width = len(column.header)
    low = high = None
    for row in rows:
        value = row.get(column.key)
        if isinstance(value, str):
            width = max(width, len(value))
        elif isinstance(value, NUMBERS) and not isinstance(value, bool) and column.numeric:
            if low is None or value < low:
                low = value
            if high is None or value > high:
                high = value
        elif value is not None:
            width = max(width, len(cell_text(value, column)))
    for value in (low, high):
        if value is not None:
            width = max(width, len(cell_text(value, column)))
    return width


def _column_named(columns: tuple[Column, ...], name: str) -> Column | None:
    """The column a filter word ``name:…`` means: its key or header starting with ``name``
    (any case; ``cust:``, ``клиент:``, ``mill:``, ``key:``)."""
    for column in columns:
        if column.key.casefold().startswith(name) or column.label.casefold().startswith(name):
            return column
    return None
