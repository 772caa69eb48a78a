"""The line under the panes: how many rows the focused table shows of how many, and its
filter box (``/`` on a table opens it; the rows narrow as one types; Enter or Escape goes
back to the table, the filter kept)."""

from __future__ import annotations

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import Input, Static

from millplan.core.domain.i18n import _, ngettext
from millplan.core.domain.numbers import grouped
from millplan.tui.widgets.view_table import ViewTable


class FilterInput(Input):
    """Textual's Input, its own keys (Backspace, Ctrl+U, Delete, the arrows…) run in the order
    typed. Textual runs them as bindings, found only once the key has bubbled up to the app,
    while a letter is inserted at once: in a burst (a paste, ``tmux send-keys C-u 'clie'``) the
    letters typed after Ctrl+U or Backspace landed before it and were wiped out."""

    async def _on_key(self, event: events.Key) -> None:
        bindings = self._bindings.key_to_bindings.get(event.key)
        if bindings:  # run here, in turn, not after the keys behind it
            event.stop()
            event.prevent_default()
            await self.run_action(bindings[0].action)
            return
        await super()._on_key(event)


class TableFilter(Horizontal):
    """The count and the filter of one table at a time: the one last focused on its screen."""

    BINDINGS = [Binding("escape", "back", _("Back"), show=False, id="table_filter.back")]

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.target: ViewTable | None = None

    def compose(self) -> ComposeResult:
        yield FilterInput(placeholder=_("/ filter: words, or column:word"), id="table-filter-input", compact=True)
        yield Static("", id="table-count", markup=False)

    def counted(self, table: ViewTable) -> None:
        """``table`` shows other rows: follow it if it has the focus, and say its count."""
        if table.screen is not self.screen:
            return
        if table.has_focus and table is not self.target:
            self.target = table
            self.query_one(Input).value = table.filter_text
        if table is self.target:
            shown, total = table.count
            text = ngettext("{shown} of {total} row", "{shown} of {total} rows", total).format(
                shown=grouped(shown), total=grouped(total)
            )
            if table.filter_text:
                text = _("{count} match “{text}”").format(count=text, text=table.filter_text)
            self.query_one("#table-count", Static).update(text)

    def open(self, table: ViewTable) -> None:
        """Type the filter of ``table``."""
        self.target = None
        self.counted(table)  # the table has the focus: it becomes the target
        self.query_one(Input).focus()

    @on(Input.Changed, "#table-filter-input")
    def _typed(self, event: Input.Changed) -> None:
        if self.target is not None:
            self.target.set_filter(event.value)

    @on(Input.Submitted, "#table-filter-input")
    def action_back(self) -> None:
        if self.target is not None:
            self.target.focus()
