"""Excel from the workstation: the tables of the pane (or screen) shown, as one workbook —
in a terminal written into the downloads folder, under textual-serve downloaded by the
browser (:meth:`textual.app.App.deliver_binary`).

In a terminal the file is written here, not by ``deliver_binary``: Textual 8.2's terminal
driver opens its target in text mode for any stream that is not a ``typing.BinaryIO``
instance (a BytesIO, an opened file) and in binary mode with an encoding otherwise, so it
cannot write a binary file at all."""

from __future__ import annotations

import io
import os
from pathlib import Path

import platformdirs
from textual.app import App
from textual.widget import Widget
from textual.widgets import TabbedContent

from millplan.core.domain.months import Month, month_text, plant_time
from millplan.core.views.excel import workbook_bytes
from millplan.core.views.tables import TableView
from millplan.tui.widgets.view_table import ViewTable

DELIVERY = "excel"
"""The name Textual's delivery events carry for a workbook (its own screenshots carry another)."""

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def shown(app: App) -> tuple[Widget, list[TableView]]:
    """Where the user is — the screen over the panes (inbox, history, a dialog), else the
    pane of the tab shown — and the tables it shows: every :class:`ViewTable` on display
    with a table in it (a hidden section's is left out), in screen order, every row, whole
    (:attr:`ViewTable.whole`: every column and full texts, whatever the screen's width cut)."""
    place: Widget = (
        app.screen if len(app.screen_stack) > 1 else app.query_one(f"#{app.query_one(TabbedContent).active}-pane")
    )
    views = [
        table.whole
        for table in place.query(ViewTable)
        if table.whole is not None and all(node.display for node in table.ancestors_with_self if node is not app)
    ]
    return place, views


def downloads_folder() -> Path:
    """Where a terminal's exports go: ``XDG_DOWNLOAD_DIR`` when set (platformdirs reads it only
    from ``user-dirs.dirs``, not from the environment), else platformdirs' downloads folder
    (``user-dirs.dirs`` in ``XDG_CONFIG_HOME``, else ``~/Downloads``)."""
    named = os.environ.get("XDG_DOWNLOAD_DIR", "").strip()
    return Path(named).expanduser() if named else platformdirs.user_downloads_path()


def export(app: App, folder: Path | None = None) -> Path | str | None:
    """Write the tables shown (:func:`shown`) as ``millplan-<where>-<YYYYMMDD-HHMMSS>.xlsx``,
    each sheet headed by the product line and month of the pane when it has them and the
    time of the report: in a terminal into ``folder`` (``None``: :func:`downloads_folder`), returning its path;
    under textual-serve handed to the browser, returning its name (Textual posts
    ``DeliveryComplete`` or ``DeliveryFailed`` named :data:`DELIVERY` then). ``None`` when
    no table is shown (nothing is written). Raises :class:`OSError` when the file cannot be written."""
    place, views = shown(app)
    if not views:
        return None
    month, line = getattr(place, "month", None), getattr(place, "line", None)
    context = " · ".join(part for part in (line, month_text(month) if isinstance(month, Month) else None) if part)
    where = (place.id or type(place).__name__).removesuffix("-pane").lower()
    name = f"millplan-{where}-{plant_time():%Y%m%d-%H%M%S}.xlsx"
    data = workbook_bytes(views, context)
    if app.is_web:
        app.deliver_binary(io.BytesIO(data), save_filename=name, mime_type=XLSX, name=DELIVERY)
        return name
    path = (folder or downloads_folder()) / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path
