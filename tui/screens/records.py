"""Full screens over records: the audit history of one object, and the user's inbox.

Both read in a thread worker through core (:func:`millplan.core.views.history.history` — the rows
``millplan history`` prints — and :func:`millplan.core.mail.inbox.inbox`) and show a table with
the highlighted row in full below it; Esc goes back.
"""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Static
from textual.worker import Worker

from millplan.core.domain.errors import NotFound
from millplan.core.domain.i18n import _
from millplan.core.domain.notices import About
from millplan.core.domain.workflow import key_label
from millplan.core.mail.inbox import inbox, mark_read
from millplan.core.views import history as audit
from millplan.core.views.inbox import inbox_view, target
from millplan.core.views.tables import TableView
from millplan.tui.jump import go_to
from millplan.tui.widgets.view_table import ViewTable

HISTORY_LIMIT = 200
"""Audit entries shown at most (newest first); ``millplan history --object`` has them all."""

INBOX_LIMIT = 200
"""Notifications shown at most (newest first)."""


class RecordsRead(Message):
    """A records screen's table was read."""

    def __init__(self, view: TableView) -> None:
        super().__init__()
        self.view = view


class HistoryScreen(Screen[None]):
    """Who changed ``object_key`` (all objects with ``None``; a position's assignment edits
    too), when, from what to what, why."""

    BINDINGS = [
        Binding("escape", "app.pop_screen", _("Back"), id="history.back"),
        Binding("ctrl+r", "reload", _("Reload"), show=False, id="history.reload"),
    ]

    def __init__(self, object_key: str | None) -> None:
        super().__init__()
        self.object_key = object_key

    def _what(self) -> str:
        """The object as people read it (``янв 2027 ТБД, редакция 2``), or every object."""
        return key_label(self.object_key) if self.object_key else _("every object")

    def compose(self) -> ComposeResult:
        yield Static(
            _("History of {what} (newest first) · Esc back").format(what=self._what()), classes="title", markup=False
        )
        yield ViewTable(id="history-table")
        yield Static(_("Reading…"), id="history-detail", classes="detail", markup=False)
        yield Footer(compact=True)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        self.app.on_worker_state_changed(event)  # worker messages do not bubble

    def on_mount(self) -> None:
        self.action_reload()

    def action_reload(self) -> None:
        self._read()

    @work(thread=True, exclusive=True, exit_on_error=False, group="history")
    def _read(self) -> None:
        try:
            rows = audit.history(self.app.store, self.object_key, HISTORY_LIMIT)
        except NotFound:  # nothing logged under the key: the table says so
            rows = []
        self.post_message(RecordsRead(audit.history_view(rows)))

    @on(RecordsRead)
    def _show(self, message: RecordsRead) -> None:
        table = self.query_one(ViewTable)
        table.show(message.view)
        table.focus()
        if not message.view.rows:
            self.query_one("#history-detail", Static).update(
                _("No entry in the audit log for {what}.").format(what=self._what())
            )
        self._describe()

    @on(DataTable.RowHighlighted)
    def _describe(self) -> None:
        row = self.query_one(ViewTable).selected
        if row is not None:
            self.query_one("#history-detail", Static).update(
                f"{row['when']} {row['login']} {row['action']} {row['object']}: {row['change']}"
            )


class InboxScreen(Screen[None]):
    """The acting user's notifications, newest first; Enter (or ``g``) goes to what the
    highlighted one is about and marks it read, ``r`` marks it read, ``A`` all; ``h``
    shows the history of what it is about. The highlighted one is shown in full below the
    table — a message listing many positions scrolls there (space: the next page, then
    back to the top)."""

    BINDINGS = [
        Binding("escape", "app.pop_screen", _("Back"), id="inbox.back"),
        Binding("g", "go", _("Go to"), id="inbox.go"),
        Binding("r", "read", _("Mark read"), id="inbox.read"),
        Binding("A", "read_all", _("All read"), id="inbox.read_all"),
        Binding("h", "history", _("History"), id="inbox.history"),
        Binding("space", "more", _("More"), id="inbox.more"),
    ]

    def compose(self) -> ComposeResult:
        yield Static(
            _("Inbox of {name} · Esc back").format(name=self.app.actor.name),
            id="inbox-title",
            classes="title",
            markup=False,
        )
        yield ViewTable(id="inbox-table")
        with VerticalScroll(id="inbox-scroll", can_focus=False):
            yield Static(_("Reading…"), id="inbox-detail", markup=False)
        yield Footer(compact=True)

    def action_more(self) -> None:
        scroll = self.query_one("#inbox-scroll", VerticalScroll)
        if scroll.scroll_y >= scroll.max_scroll_y:
            scroll.scroll_home(animate=False)
        else:
            scroll.scroll_page_down(animate=False)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        self.app.on_worker_state_changed(event)  # worker messages do not bubble

    def on_mount(self) -> None:
        self._read()

    @work(thread=True, exclusive=True, exit_on_error=False, group="inbox")
    def _read(self) -> None:
        self.post_message(RecordsRead(inbox_view(inbox(self.app.store, self.app.login, limit=INBOX_LIMIT))))

    @on(RecordsRead)
    def _show(self, message: RecordsRead) -> None:
        table = self.query_one(ViewTable)
        table.show(message.view)
        table.focus()
        unread = sum(1 for row in message.view.rows if row["unread"])
        self.query_one("#inbox-title", Static).update(
            _("Inbox of {name}: {unread} unread of {n} · Esc back").format(
                name=self.app.actor.name, unread=unread, n=len(message.view.rows)
            )
        )
        if not message.view.rows:
            self.query_one("#inbox-detail", Static).update(
                _("No notification for {name}.").format(name=self.app.actor.name)
            )
        self._describe()

    @on(DataTable.RowHighlighted)
    def _describe(self) -> None:
        row = self.query_one(ViewTable).selected
        if row is not None:
            self.query_one("#inbox-detail", Static).update(f"{row['subject']} [{row['about']}]\n{row['body']}")
            self.query_one("#inbox-scroll", VerticalScroll).scroll_home(animate=False)

    @on(DataTable.RowSelected)
    def _selected(self) -> None:  # Enter on a row
        self.action_go()

    def action_go(self) -> None:
        """Mark the highlighted notification read and show what it is about (its row in
        the approval pane, its position in the assignment pane, its deal)."""
        row = self.query_one(ViewTable).selected
        if row is None:
            return
        about = About.parse(row["object_key"])
        found = self.app.attempt(lambda: target(self.app.store, about, row["refs"]))
        if found is None:
            return
        self.app.attempt(lambda: mark_read(self.app.store, self.app.login, [row["id"]]))
        self.app.follow()
        self.app.pop_screen()
        go_to(self.app, found)

    def _mark(self, ids: list[int] | None) -> None:
        if self.app.attempt(lambda: mark_read(self.app.store, self.app.login, ids)) is not None:
            self._read()
            self.app.follow()  # the badge counts again

    def action_read(self) -> None:
        row = self.query_one(ViewTable).selected
        if row is not None:
            self._mark([row["id"]])

    def action_read_all(self) -> None:
        self._mark(None)

    def action_history(self) -> None:
        row = self.query_one(ViewTable).selected
        if row is not None:
            self.app.push_screen(HistoryScreen(row["object_key"]))
