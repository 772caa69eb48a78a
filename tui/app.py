"""The workstation: one Textual app with five panes — mill load, deal acceptance,
assignment, approval, plan against actual, the stale-deal ledger — and two screens: the inbox (``i``; its unread count is the header's
badge ✉ N, counted every :data:`BADGE_SECONDS` and after each own action) and the audit
history of the highlighted object (``h``).

Every action has a key shown in the footer (F-keys work on any keyboard layout; letters
are aliases) and is in the command palette (Ctrl+P). Reading and planning run in thread
workers, so the screen stays live; a failure is shown as a notification, never a crash.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import partial
from typing import TypeVar

from textual import on, work
from textual.app import App, ComposeResult, SystemCommand
from textual.binding import Binding
from textual.notifications import SeverityLevel
from textual.screen import Screen
from textual.widgets import Footer, Header, TabbedContent, TabPane
from textual.worker import Worker, WorkerState

from millplan.core.access.permissions import Action, Actor, actor, require
from millplan.core.domain.errors import MillplanError
from millplan.core.domain.i18n import _
from millplan.core.domain.months import Month
from millplan.core.mail.inbox import unread_count
from millplan.core.views import approval
from millplan.storage.store import Store
from millplan.tui.messages import InboxCounted, StoreChanged
from millplan.tui.screens.records import HistoryScreen, InboxScreen
from millplan.tui.widgets.actuals.pane import ActualsPane
from millplan.tui.widgets.approval.pane import ApprovalPane
from millplan.tui.widgets.assignment.pane import AssignmentPane
from millplan.tui.widgets.deals_pane import DealsPane
from millplan.tui.widgets.load_pane import LoadPane
from millplan.tui.widgets.stale_pane import StalePane
from millplan.tui.widgets.table_filter import TableFilter
from millplan.tui.widgets.view_table import ViewTable

T = TypeVar("T")

BADGE_SECONDS = 30
"""How often the inbox badge counts unread notifications (one cheap query)."""

APPROVAL_COMMANDS = (
    (_("Submit for review"), _("Approval: send the month's draft to review (u)"), ("submit",)),
    (
        _("Approve revision"),
        _("Approval: approve the revision in review, with a reason over open items (a)"),
        ("approve",),
    ),
    (_("Grant request"), _("Approval: grant the highlighted request; the month is re-planned (g)"), ("grant",)),
    (_("Refuse request"), _("Approval: refuse the highlighted request, with a reason (r)"), ("refuse",)),
    (_("Answer objection"), _("Approval: answer the planner's highlighted objection (r)"), ("reply",)),
    (
        _("Force conflict in"),
        _("Approval: force the conflict's position in, after seeing what it displaces (f)"),
        ("force",),
    ),
    (_("Later month"), _("Approval: record the later month agreed with the client (t)"), ("later",)),
    (_("Escalate conflict"), _("Approval: raise the highlighted conflict to the director (e)"), ("escalate",)),
    (
        _("Decide escalation"),
        _("Approval: the director decides a re-approval round, with a reason (d; f/t for conflicts)"),
        ("decide",),
    ),
    (_("Agree to revision"), _("Approval: the planner agrees to the revision (y)"), ("agree",)),
    (
        _("Object to position"),
        _("Approval: the planner objects to the highlighted position, with a reason (o)"),
        ("object",),
    ),
    (
        _("Ask to raise priority"),
        _("Approval: ask to raise your highlighted position's priority (+)"),
        ("ask_priority", True),
    ),
    (
        _("Ask to lower priority"),
        _("Approval: ask to lower your highlighted position's priority (-)"),
        ("ask_priority", False),
    ),
    (
        _("Ask to replace position"),
        _("Approval: ask to replace your highlighted position by another (p)"),
        ("replace",),
    ),
    (_("Ask for re-approval round"), _("Approval: ask for a re-approval round with the director (n)"), ("round",)),
    (
        _("Next section"),
        _("Approval: diff, mills, conflicts, requests, escalations, reviews, positions (s)"),
        ("section", 1),
    ),
)
"""The Approval pane's actions in the command palette: title, help, pane action."""


class MillplanApp(App):
    """The product-line manager's workstation over one store, acting as ``login``."""

    CSS_PATH = "app.tcss"
    TITLE = "millplan"
    BINDINGS = [
        # the tabs name their keys, so the footer keeps its 80 columns for the pane's own;
        # F5 is the Assignment pane's Plan, so the Approval pane is F10 (or 4)
        Binding("f2", "show('load')", _("Load"), show=False, id="app.load"),
        Binding("f3", "show('deals')", _("Deals"), show=False, id="app.deals"),
        Binding("f4", "show('assignment')", _("Assignment"), show=False, id="app.assignment"),
        Binding("f10", "show('approval')", _("Approval"), show=False, id="app.approval"),
        Binding("1", "show('load')", _("Load"), show=False, id="app.load_digit"),
        Binding("2", "show('deals')", _("Deals"), show=False, id="app.deals_digit"),
        Binding("3", "show('assignment')", _("Assignment"), show=False, id="app.assignment_digit"),
        Binding("4", "show('approval')", _("Approval"), show=False, id="app.approval_digit"),
        Binding("5", "show('actuals')", _("Plan vs actual"), show=False, id="app.actuals_digit"),
        Binding("6", "show('stale')", _("Stale deals"), show=False, id="app.stale_digit"),
        Binding("i", "inbox", _("Inbox"), show=False, id="app.inbox"),  # the header's badge names it
        Binding("h", "history", _("History"), id="app.history"),
        Binding("ctrl+r", "reload", _("Reload"), show=False, id="app.reload"),
        Binding("q", "quit", _("Quit"), id="app.quit"),
    ]

    def __init__(self, store: Store, login: str, month: Month | None = None) -> None:
        super().__init__()
        self.store = store
        self.login = login
        with store.reading() as repo:
            self.product_lines = repo.plant.whole().product_lines
        self.actor: Actor = actor(store, login)  # whose keys the panes show (core checks each call again)
        # the actor's own line, at the month that waits for him (or the month asked for)
        opened_month, self.opening_line = approval.opening(store, login, self.product_lines)
        self.plan_month = month or opened_month
        self.unread: int | None = None
        self.read_panes: set[str] = set()  # panes read since the start: each reads when first shown
        self._show_badge()

    def compose(self) -> ComposeResult:
        yield Header()
        with TabbedContent(initial="load"):
            with TabPane(_("F2 Mill load"), id="load"):
                yield LoadPane(id="load-pane")
            with TabPane(_("F3 Deals"), id="deals"):
                yield DealsPane(id="deals-pane")
            with TabPane(_("F4 Assignment"), id="assignment"):
                yield AssignmentPane(self.plan_month, self.product_lines, line=self.opening_line, id="assignment-pane")
            with TabPane(_("F10 Approval"), id="approval"):
                yield ApprovalPane(id="approval-pane")
            with TabPane(_("5 Plan/actual"), id="actuals"):
                yield ActualsPane(Month.current(), self.product_lines, line=self.opening_line, id="actuals-pane")
            with TabPane(_("6 Stale"), id="stale"):
                yield StalePane(id="stale-pane")
        yield TableFilter(id="table-filter")
        yield Footer(compact=True)  # every pane's keys fit in 80 columns

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        """Every action in the command palette (Ctrl+P), for keyboards whose layout sends
        other letters and for anyone who forgot a key."""
        yield from super().get_system_commands(screen)
        assignment, deals_pane, board = (
            self.query_one(AssignmentPane),
            self.query_one(DealsPane),
            self.query_one(ApprovalPane),
        )
        for title, help_text, pane, action in (
            (_("Mill load"), _("Show the mill load pane (F2)"), "load", None),
            (_("Deal acceptance"), _("Show the deals waiting for acceptance (F3)"), "deals", None),
            (_("Assignment"), _("Show the month's assignment (F4)"), "assignment", None),
            (_("Accept deal"), _("Accept the highlighted deal (F6)"), "deals", deals_pane.action_accept),
            (_("Reject deal"), _("Reject the highlighted deal, with a reason (F7)"), "deals", deals_pane.action_reject),
            (
                _("Plan"),
                _("Run the prioritiser for the shown month and line (F5)"),
                "assignment",
                assignment.action_plan,
            ),
            (
                _("Lock or unlock"),
                _("Lock the highlighted line so re-plans keep it (F8)"),
                "assignment",
                assignment.action_lock,
            ),
            (
                _("Exclude or include"),
                _("Exclude the highlighted position by hand, or let it back in (F9)"),
                "assignment",
                assignment.action_exclude,
            ),
            (
                _("Submit or approve"),
                _("Submit the month's draft for review, or approve the revision in review (F12)"),
                "assignment",
                assignment.action_submit,
            ),
            (_("Next month"), _("Assignment and approval: the next month (])"), None, partial(self._move, 1)),
            (_("Previous month"), _("Assignment and approval: the previous month ([)"), None, partial(self._move, -1)),
            (
                _("Next product line"),
                _("Assignment and approval: the next product line (l)"),
                None,
                partial(self._move, None),
            ),
            (_("Approval"), _("Show the approval view: state, diff, conflicts, requests (F10 or 4)"), "approval", None),
            (
                _("Plan vs actual"),
                _("Show the month's plan against actual: by mill, by position, chart, carry-over (5)"),
                "actuals",
                None,
            ),
            (
                _("Stale deals"),
                _("Show the stale-deal ledger: extend, re-prioritise, cancel, close (6)"),
                "stale",
                None,
            ),
            *(
                (title, help_text, "approval", partial(board.run_command, *action))
                for title, help_text, action in APPROVAL_COMMANDS
            ),
            (_("Inbox"), _("Your notifications; mark them read (i)"), None, self.action_inbox),
            (_("History"), _("The audit history of the highlighted object (h)"), None, self.action_history),
            (_("Reload"), _("Read everything again from the store (Ctrl+R)"), None, self.action_reload),
        ):
            yield SystemCommand(title, help_text, partial(self._command, pane, action))

    def _move(self, step: int | None) -> None:
        """Month ``step`` (or the next line for ``None``) in the Assignment pane, which the
        Approval pane follows."""
        assignment = self.query_one(AssignmentPane)
        if step is None:
            assignment.action_next_line()
        else:
            assignment.action_month(step)
        self.query_one(ApprovalPane).reload()

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
            self.product_lines = repo.plant.whole().product_lines
        self.actor = actor(self.store, self.login)  # roles may have changed meanwhile
        self._show_badge()
        self.query_one(AssignmentPane).set_product_lines(self.product_lines)
        self.query_one(ActualsPane).set_product_lines(self.product_lines)
        for pane in self.read_panes:
            self.query_one(f"#{pane}-pane").reload()
        self.count_unread()

    def on_mount(self) -> None:
        self._read_pane(self.query_one(TabbedContent).active)
        self.count_unread()
        self.set_interval(BADGE_SECONDS, self.count_unread)

    # -- inbox badge, inbox and history ---------------------------------------------------

    def count_unread(self) -> None:
        """Count the unread notifications in the background; the header shows ✉ N."""
        self._count_unread()

    @work(thread=True, exclusive=True, exit_on_error=False, group="badge")
    def _count_unread(self) -> None:
        self.post_message(InboxCounted(unread_count(self.store, self.login)))

    @on(InboxCounted)
    def _counted(self, message: InboxCounted) -> None:
        self.unread = message.unread
        self._show_badge()

    def _show_badge(self) -> None:
        badge = _("✉ {n} (i) · ").format(n=self.unread) if self.unread is not None else ""
        read_only = " " + _("(read-only: not a millplan user)") if self.actor.read_only else ""
        self.sub_title = f"{badge}{self.login}{read_only} · {self.store.url}"

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """``i`` and ``h`` work from the panes only: over a dialog, the inbox or a history
        (whose ``h`` is its own) no screen piles on another by accident."""
        if action in ("inbox", "history") and len(self.screen_stack) > 1:
            return False
        return True

    def action_inbox(self) -> None:
        self.push_screen(InboxScreen(), lambda _result: self.count_unread())

    def action_history(self) -> None:
        """The audit history of the highlighted object of the pane shown: a mill, a deal,
        a position, a request, conflict, escalation or review, else the month's revision."""
        self.push_screen(HistoryScreen(self._highlighted_key()))

    def _highlighted_key(self) -> str | None:
        active = self.query_one(TabbedContent).active
        if active == "approval":
            return self.query_one(ApprovalPane).history_key()
        if active == "actuals":
            return self.query_one(ActualsPane).history_key()
        if active == "assignment":
            pane = self.query_one(AssignmentPane)
            for table in pane.query(ViewTable):
                if table.has_focus and table.selected is not None:
                    return table.selected["position_ref"]
            return pane.assignment.key if pane.assignment else None
        table = self.query_one(f"#{active}-pane").query(ViewTable).first()
        return table.selected_key  # a mill code (load) or a deal number (deals)

    @on(TabbedContent.TabActivated)
    def _focus_table(self, event: TabbedContent.TabActivated) -> None:
        tables = event.pane.query("DataTable")
        if tables:
            tables.first().focus()
        # the Approval pane reads each time: the Assignment pane's month or line may have moved
        self._read_pane(event.pane.id, again=event.pane.id == "approval")

    def _read_pane(self, pane: str, *, again: bool = False) -> None:
        """Read ``pane`` (``load``, ``deals``, …) the first time it is shown (or ``again``):
        a big book opens on one pane's read, not six."""
        if again or pane not in self.read_panes:
            self.read_panes.add(pane)
            self.query_one(f"#{pane}-pane").reload()

    @on(ViewTable.Counted)
    def _table_counted(self, message: ViewTable.Counted) -> None:
        self.screen_stack[0].query_one(TableFilter).counted(message.table)

    @on(ViewTable.FilterAsked)
    def _filter_asked(self, message: ViewTable.FilterAsked) -> None:
        if message.table.screen is self.screen_stack[0]:  # the panes' tables; a dialog's are short
            self.screen_stack[0].query_one(TableFilter).open(message.table)

    @on(StoreChanged)
    def _store_changed(self) -> None:
        for pane in self.read_panes - {"assignment"}:  # a pane not read yet reads when shown
            self.query_one(f"#{pane}-pane").reload()
        self.count_unread()

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = False,
    ) -> None:
        """Notifications carry plant data (reasons, customer names) that may hold brackets:
        they are never parsed as markup, whoever asks."""
        super().notify(message, title=title, severity=severity, timeout=timeout, markup=False)

    def may_or_say(self, action: Action, *, line: str | None = None, target: str | None = None) -> bool:
        """Whether the acting user may do ``action`` on ``line``; if not, say core's refusal
        ("only … may …") at once — before any dialog — and return False."""
        return self.attempt(lambda: require(self.actor, action, line=line, target=target) or True) is True

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
            if isinstance(error, MillplanError):  # a refusal or a rule: core's own words
                self.notify(str(error), title=_("Not done"), severity="error", timeout=15)
            else:
                self.notify(f"{type(error).__name__}: {error}", title=_("Failed"), severity="error", timeout=15)
