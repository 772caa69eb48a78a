"""The capable-to-promise answer for a deal, in a modal dialog (read only)."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Label

from millplan.core.domain.i18n import _
from millplan.core.planning.promise import Promise
from millplan.core.views.promise import displaced_view, promise_text
from millplan.tui.widgets.view_table import ViewTable


class PromiseScreen(ModalScreen[None]):
    """Whether the requested month can be met (else the earliest), the new tonnes by month,
    who is displaced — the table ``millplan promise`` prints (key flag, sales manager,
    lateness caused), scrolling within 80×24 (↑/↓, ←/→); Esc or Enter closes."""

    BINDINGS = [Binding("escape,enter", "close", _("Close"), id="promise.close")]

    def __init__(self, answer: Promise) -> None:
        super().__init__()
        self.answer = answer

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(promise_text(self.answer), id="promise-text", classes="dialog-question", markup=False)
            if self.answer.displaced:
                yield Label(_("Displaced:"))
                yield ViewTable(id="promise-displaced")
            yield Label(_("Esc/Enter to close"), classes="dialog-help")

    def on_mount(self) -> None:
        if self.answer.displaced:  # once laid out: the columns are fitted to the dialog's width
            self.call_after_refresh(self.query_one(ViewTable).show, displaced_view(self.answer))

    @on(DataTable.RowSelected)
    def _selected(self) -> None:  # Enter on the focused table
        self.action_close()

    def action_close(self) -> None:
        self.dismiss(None)
