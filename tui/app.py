"""The workstation: one Textual app with three panes — mill load, deal acceptance, assignment.

Every action has a key shown in the footer (F-keys work on any keyboard layout; letters
are aliases) and is in the command palette (Ctrl+P). Reading and planning run in thread
workers, so the screen stays live; a failure is shown as a notification, never a crash.
"""

from __future__ import annotations

from functools import partial
from typing import Callable, Iterable, TypeVar

from textual import on
from textual.app import App, ComposeResult, SystemCommand
from textual.screen import Screen
from textual.binding import Binding
from textual.notifications import SeverityLevel
from textual.widgets import Footer, Header, TabbedContent, TabPane
from textual.worker import Worker, WorkerState

from core.errors import MillplanError
from core.i18n import _
from core.months import Month
from storage.store import Store
from tui.messages import StoreChanged
from tui.widgets.assignment_pane import AssignmentPane
from tui.widgets.deals_pane import DealsPane
from tui.widgets.load_pane import LoadPane

T = TypeVar("T")


class MillplanApp(App):
    """The product-line manager's workstation over one store, acting as ``login``."""

    CSS_PATH = "app.tcss"
    TITLE = "millplan"
    BINDINGS = [
        Binding("f2", "show('load')", _("Load"), id="app.load"),
        Binding("f3", "show('deals')", _("Deals"), id="app.deals"),
        Binding("f4", "show('assignment')", _("Assignment"), id="app.assignment"),
        Binding("1", "show('load')", _("Load"), show=False, id="app.load_digit"),
        Binding("2", "show('deals')", _("Deals"), show=False, id="app.deals_digit"),
        Binding("3", "show('assignment')", _("Assignment"), show=False, id="app.assignment_digit"),
        Binding("ctrl+r", "reload", _("Reload"), show=False, id="app.reload"),
        Binding("q", "quit", _("Quit"), id="app.quit"),
    ]

    def __init__(self, store: Store, login: str, month: Month | None = None) -> None:
        super().__init__()
        self.store = store
        self.login = login
        with store.reading() as repo:
            self.product_lines = repo.plant().product_lines
        self.plan_month = month or Month.current() + 1
        self.sub_title = f"{login} · {store.url}"

    def compose(self) -> ComposeResult:
        yield Header()
        with TabbedContent(initial="load"):
            with TabPane(_("Mill load"), id="load"):
                yield LoadPane(id="load-pane")
            with TabPane(_("Deal acceptance"), id="deals"):
                yield DealsPane(id="deals-pane")
            with TabPane(_("Assignment"), id="assignment"):
                yield AssignmentPane(self.plan_month, self.product_lines, id="assignment-pane")
        yield Footer(compact=True)  # every pane's keys fit in 80 columns

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        """Every action in the command palette (Ctrl+P), for keyboards whose layout sends
        other letters and for anyone who forgot a key."""
        yield from super().get_system_commands(screen)
        assignment, deals_pane = self.query_one(AssignmentPane), self.query_one(DealsPane)
        for title, help_text, pane, action in (
            (_("Mill load"), _("Show the mill load pane (F2)"), "load", None),
            (_("Deal acceptance"), _("Show the deals waiting for acceptance (F3)"), "deals", None),
            (_("Assignment"), _("Show the month's assignment (F4)"), "assignment", None),
            (_("Accept deal"), _("Accept the highlighted deal (F6)"), "deals", deals_pane.action_accept),
            (_("Reject deal"), _("Reject the highlighted deal, with a reason (F7)"), "deals", deals_pane.action_reject),
            (_("Plan"), _("Run the prioritiser for the shown month and line (F5)"), "assignment", assignment.action_plan),
            (_("Lock or unlock"), _("Lock the highlighted line so re-plans keep it (F8)"), "assignment", assignment.action_lock),
            (_("Exclude or include"), _("Exclude the highlighted position by hand, or let it back in (F9)"), "assignment", assignment.action_exclude),
            (_("Approve"), _("Approve the month's draft, freezing it (F12)"), "assignment", assignment.action_approve),
            (_("Reload"), _("Read everything again from the store (Ctrl+R)"), None, self.action_reload),
        ):
            yield SystemCommand(title, help_text, partial(self._command, pane, action))

    def _command(self, pane: str | None, action: Callable[[], None] | None) -> None:
        if pane is not None and self.query_one(TabbedContent).active != pane:
            self.action_show(pane)
        if action is not None:
            action()

    def action_show(self, pane: str) -> None:
        self.query_one(TabbedContent).active = pane
        self.query_one(f"#{pane}-pane").query("DataTable").first().focus()

    def action_reload(self) -> None:
        with self.store.reading() as repo:
            self.product_lines = repo.plant().product_lines
        self.query_one(AssignmentPane).set_product_lines(self.product_lines)
        for pane in ("#load-pane", "#deals-pane", "#assignment-pane"):
            self.query_one(pane).reload()

    @on(TabbedContent.TabActivated)
    def _focus_table(self, event: TabbedContent.TabActivated) -> None:
        tables = event.pane.query("DataTable")
        if tables:
            tables.first().focus()

    @on(StoreChanged)
    def _store_changed(self) -> None:
        self.query_one(LoadPane).reload()
        self.query_one(DealsPane).reload()

    def notify(self, message: str, *, title: str = "", severity: SeverityLevel = "information", timeout: float | None = None, markup: bool = False) -> None:
        """Notifications carry plant data (reasons, customer names) that may hold brackets:
        they are never parsed as markup, whoever asks."""
        super().notify(message, title=title, severity=severity, timeout=timeout, markup=False)

    def attempt(self, action: Callable[[], T]) -> T | None:
        """Run a core action; on a :class:`MillplanError`, show its message and return None."""
        try:
            return action()
        except MillplanError as exc:
            self.notify(str(exc), title=_("Not done"), severity="error", timeout=10)
            return None

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state is WorkerState.ERROR:
            error = event.worker.error
            message = str(error) if isinstance(error, MillplanError) else f"{type(error).__name__}: {error}"
            self.notify(message, title=_("Failed"), severity="error", timeout=15)
