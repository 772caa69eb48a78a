"""F1: the keys of the pane shown, in both keyboard layouts."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Label

from millplan.core.domain.i18n import _
from millplan.tui.keys import KeyRow


class KeysScreen(ModalScreen[None]):
    """The keys ``rows`` (from :func:`millplan.tui.keys.key_rows`) as a table: the key, the
    same key in the Russian layout, what it does. Esc or F1 closes it."""

    BINDINGS = [Binding("escape,f1", "app.pop_screen", _("Close"), id="keys.close")]

    def __init__(self, rows: list[KeyRow]) -> None:
        super().__init__()
        self.rows = rows

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="keys-dialog"):
            yield Label(_("Keys of this pane · Esc closes"), classes="dialog-question")
            yield DataTable(id="keys-table", cursor_type="row", zebra_stripes=True)

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns(_("Keys"), _("Russian layout"), _("Action"))
        for row in self.rows:
            table.add_row(row.keys, row.russian, row.description)
        table.focus()
