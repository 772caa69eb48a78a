"""The workstation: one Textual app with five panes — mill load, deal acceptance,
assignment, approval, plan against actual, the stale-deal ledger — and two screens: the inbox (``i``; its unread count is the header's
badge ✉ N) and the audit history of the highlighted object (``h``).

The panes follow the store: every :data:`FOLLOW_SECONDS` (and at once after an own
action) a thread reads the store's change counter; when anyone changed anything (another
workstation, the CLI, an import), the pane shown reads again — rows updated in place, the
cursor on its row — the others when next shown, and the badge, roles and lines are read
again. Nothing is read again under a dialog: the pane catches up once it is closed.

Every action has a key shown in the footer (F-keys work on any keyboard layout; letters
are aliases, and answer in the Russian layout too: ``tui/keys.py``) and is in the command
palette (Ctrl+P), found by its Russian or English title; F1 lists the keys of the pane
shown. Reading and planning run in thread workers, so the screen stays live; a failure is
shown as a notification, never a crash.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from contextlib import AbstractContextManager
from functools import partial
from pathlib import Path
from typing import TypeVar

from textual import events, on, work
from textual.actions import SkipAction
from textual.app import App, ComposeResult, SystemCommand
from textual.binding import Binding
from textual.command import CommandPalette
from textual.filter import LineFilter
from textual.notifications import SeverityLevel
from textual.screen import Screen
from textual.theme import ThemeProvider
from textual.widgets import DataTable, Footer, Header, TabbedContent, TabPane, Tabs
from textual.worker import Worker, WorkerState

from millplan.core.access.permissions import Action, Actor, actor, require
from millplan.core.database import change_count
from millplan.core.domain import glyphs
from millplan.core.domain.errors import MillplanError
from millplan.core.domain.i18n import _
from millplan.core.domain.months import Month
from millplan.core.mail.inbox import unread_count
from millplan.core.views import approval
from millplan.core.views.wrapping import keep_numbers_whole
from millplan.storage.store import Store
from millplan.tui import export
from millplan.tui.ascii_screen import AsciiFilter
from millplan.tui.keys import BilingualCommands, Palette, idle_key_reason, key_rows, key_word, use_layout_twins
from millplan.tui.messages import StoreChanged, StoreMoved
from millplan.tui.screens.dialogs import ConfirmScreen
from millplan.tui.screens.keys_screen import KeysScreen
from millplan.tui.screens.records import HistoryScreen, InboxScreen
from millplan.tui.widgets.actuals.pane import ActualsPane
from millplan.tui.widgets.approval.pane import ApprovalPane
from millplan.tui.widgets.assignment.pane import AssignmentPane
from millplan.tui.widgets.deals_pane import DealsPane
from millplan.tui.widgets.load_pane import LoadPane
from millplan.tui.widgets.stale_pane import StalePane
from millplan.tui.widgets.table_filter import TableFilter
from millplan.tui.widgets.view_table import ViewTable

keep_numbers_whole()  # a number grouped with no-break spaces never wraps inside

T = TypeVar("T")

FOLLOW_SECONDS = 2.0
"""How often the workstation reads the store's change counter (one primary-key read), so
a change by anyone shows within this and a pane's read."""

PANES = ("load", "deals", "assignment", "approval", "actuals", "stale")
"""The tabs' ids; each one's pane is ``#<id>-pane``."""


def approval_commands(_: Callable[[str], str]) -> tuple[tuple[str, str, tuple[object, ...]], ...]:
    """The Approval pane's actions in the command palette: (title, help, pane action and
    its arguments). The texts are written inside ``_()`` for the catalogue and read through
    the ``_`` given: the current language's, or ``str`` for the English the palette also
    searches."""
    return (
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


def textual_words() -> dict[str, str]:
    """Textual's own command-palette entries, each title and help as Textual writes them →
    the same in the user's language."""
    return {
        "Theme": _("Theme"),
        "Change the current theme": _("Change the current theme"),
        "Quit": _("Quit"),
        "Quit the application as soon as possible": _("Quit the application as soon as possible"),
        "Minimize": _("Minimize"),
        "Minimize the widget and restore to normal size": _("Minimize the widget and restore to normal size"),
        "Maximize": _("Maximize"),
        "Maximize the focused widget": _("Maximize the focused widget"),
        "Screenshot": _("Screenshot"),
        "Save an SVG 'screenshot' of the current screen": _("Save an SVG 'screenshot' of the current screen"),
    }


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
        Binding("ctrl+e", "export", _("Excel"), show=False, id="app.export"),  # in every pane and screen
        Binding("q", "quit", _("Quit"), id="app.quit"),
        # Textual's own Ctrl+P, so that the footer names it in the user's language
        Binding("ctrl+p", "command_palette", _("Palette"), show=False, priority=True, id="app.palette"),
        Binding("f1", "keys", _("Keys"), show=False, id="app.keys"),
        # Tab stays among the shown pane's tables: on the tab bar or a filter field every
        # pane key would stop working (over a dialog or the inbox Tab is theirs)
        Binding("tab", "cycle_focus(1)", show=False, priority=True, id="app.next_table"),
        Binding("shift+tab", "cycle_focus(-1)", show=False, priority=True, id="app.previous_table"),
    ]
    COMMANDS = {BilingualCommands}  # the palette finds an action by its Russian or its English title

    def __init__(self, store: Store, login: str, month: Month | None = None) -> None:
        use_layout_twins()  # before any node copies its class's bindings, this app first
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
        self.change = change_count(store)  # before the panes read: a change meanwhile is followed
        self._looks = self._answered = 0  # tickets of the looks at the counter asked for, answered
        self._behind: set[str] = set(PANES)  # panes not read since the store moved (or ever): each reads when shown
        self._unreachable = False  # the last look failed (said once, not every poll)
        self.export_folder: Path | None = None  # where Excel exports go; None: the user's downloads folder
        self._held: AbstractContextManager[None] | None = None  # the screen held for the footer (_footer_with_pane)
        # the Linux console or the user's choice: every character drawn in ASCII, Textual's and Plotext's too
        self._ascii = AsciiFilter() if glyphs.ascii_mode() else None
        self.set_class(self._ascii is not None, "-ascii")
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

    def get_line_filters(self) -> Sequence[LineFilter]:
        """Textual's filters, and in ASCII mode (:func:`glyphs.ascii_mode` as the app started)
        :class:`AsciiFilter` last, over whatever drew the line."""
        filters = super().get_line_filters()
        return [*filters, self._ascii] if self._ascii is not None else filters

    def bilingual_commands(self, screen: Screen) -> Iterable[tuple[str, str, str, Callable[[], object]]]:
        """Every action in the command palette (Ctrl+P), for anyone who forgot a key: each as
        (title, English title, help, callback); Textual's own in the user's language too."""
        words = textual_words()
        for title, help_text, callback, _discover in self.get_system_commands(screen):
            yield words.get(title, title), title, words.get(help_text, help_text), callback
        english = self._palette(str)
        for (title, help_text, pane, action), (english_title, *_rest) in zip(self._palette(_), english, strict=True):
            yield title, english_title, help_text, partial(self._command, pane, action)

    def _palette(self, _: Callable[[str], str]) -> list[tuple[str, str, str | None, Callable[[], None] | None]]:
        """The workstation's commands as (title, help, pane to show, action), the texts read
        through ``_`` (see :func:`approval_commands`)."""
        assignment, deals_pane, board, actuals = (
            self.query_one(AssignmentPane),
            self.query_one(DealsPane),
            self.query_one(ApprovalPane),
            self.query_one(ActualsPane),
        )
        stale = self.query_one(StalePane)
        return [
            (_("Mill load"), _("Show the mill load pane (F2)"), "load", None),
            (_("Deal acceptance"), _("Show the deals waiting for acceptance (F3)"), "deals", None),
            (_("Assignment"), _("Show the month's assignment (F4)"), "assignment", None),
            (_("Accept deal"), _("Accept the highlighted deal (F6)"), "deals", deals_pane.action_accept),
            (_("Reject deal"), _("Reject the highlighted deal, with a reason (F7)"), "deals", deals_pane.action_reject),
            (
                _("Promise deal"),
                _("By when the highlighted deal can be made: a what-if plan (F5)"),
                "deals",
                deals_pane.action_promise,
            ),
            (
                _("Promise typed position"),
                _("By when a position typed in by hand can be made (F9)"),
                "deals",
                deals_pane.action_promise_typed,
            ),
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
                for title, help_text, action in approval_commands(_)
            ),
            (
                _("Next plan/actual section"),
                _("Plan vs actual: chart, to date, positions, hours, carry-over (s)"),
                "actuals",
                actuals.action_section,
            ),
            (
                _("Cancel position"),
                _("Stale deals: cancel the highlighted position, with a reason (x)"),
                "stale",
                stale.action_cancel,
            ),
            (
                _("Extend position"),
                _("Stale deals: extend the highlighted position's dates, with a reason (e)"),
                "stale",
                stale.action_extend,
            ),
            (
                _("Change priority"),
                _("Stale deals: re-prioritise the highlighted position, with a reason (p)"),
                "stale",
                stale.action_priority,
            ),
            (
                _("Close as complete"),
                _("Stale deals: close the highlighted position as complete, with a reason (c)"),
                "stale",
                stale.action_close,
            ),
            (
                _("Restore position"),
                _("Stale deals: restore a cancelled or closed position (u)"),
                "stale",
                stale.action_restore,
            ),
            (_("Sort stale deals"), _("Stale deals: the next sort order (o)"), "stale", stale.action_sort),
            (_("Stale deals by reason"), _("Stale deals: the next reason filter (r)"), "stale", stale.action_reason),
            (
                _("Filter stale deals"),
                _("Stale deals: filter by customer, manager or position (/)"),
                "stale",
                stale.action_filter,
            ),
            (_("Inbox"), _("Your notifications; mark them read (i)"), None, self.action_inbox),
            (_("History"), _("The audit history of the highlighted object (h)"), None, self.action_history),
            (_("Reload"), _("Read everything again from the store (Ctrl+R)"), None, self.action_reload),
            (_("Keys"), _("The keys of the pane shown, in both keyboard layouts (F1)"), None, self.action_keys),
            (
                _("Export to Excel"),
                _("Write the tables shown, every row, to an .xlsx file in your downloads (Ctrl+E)"),
                None,
                self.action_export,
            ),
        ]

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        """Textual's own commands but its keys panel (in English, squeezing the tab bar):
        F1 and the palette's "Keys" show millplan's keys of the pane shown."""
        help_panel = (self.action_show_help_panel, self.action_hide_help_panel)
        return [command for command in super().get_system_commands(screen) if command.callback not in help_panel]

    def action_command_palette(self) -> None:
        """Textual's command palette in the user's language (:class:`Palette`)."""
        if self.use_command_palette and not CommandPalette.is_open(self):
            self.push_screen(Palette(id="--command-palette"))

    def search_themes(self) -> None:
        """The palette's "Theme": Textual's list of themes, its prompt in the user's language."""
        self.push_screen(Palette(_("Search for themes…"), providers=[ThemeProvider]))

    def action_help_quit(self) -> None:
        """Ctrl+C, which quits many programs: say which key quits this one."""
        self.notify(_("Press q to quit the workstation."), title=_("Quit?"))

    def get_key_display(self, binding: Binding) -> str:
        """A key as the footer and F1 name it: Textual's names, some in the user's language
        (:func:`key_word`: ``пробел``, ``Esc``, ``Enter``)."""
        return binding.key_display or key_word(binding.key) or super().get_key_display(binding)

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

    def on_key(self, event: events.Key) -> None:
        """A key typed ahead of a confirm dialog, still on its way through the pane it was
        typed in, never reaches the dialog's bindings (its events come here before the
        app's own handler looks for a binding on the screen shown); a key bound here but
        not offered now says why (:func:`idle_key_reason`), where its pane can tell."""
        screen = self.screen
        if isinstance(screen, ConfirmScreen) and not screen.answers(event):
            event.stop()
            event.prevent_default()
            return
        said = idle_key_reason(screen, event.key)  # a key that does nothing here says why
        if said:
            self.notify(said, severity="warning")

    def action_keys(self) -> None:
        """F1: the keys of what is shown — the focused pane's, the screen's and the app's."""
        self.push_screen(KeysScreen(key_rows(self.screen)))

    def action_cycle_focus(self, step: int) -> None:
        """Tab (``step`` 1) or Shift+Tab (-1) on the panes: focus the next or previous table
        of the pane shown, where its keys work. Over another screen, that screen's Tab."""
        if len(self.screen_stack) > 1:
            raise SkipAction()
        pane = self.query_one(f"#{self.query_one(TabbedContent).active}-pane")
        tables = [w for w in self.screen.focus_chain if isinstance(w, DataTable) and pane in w.ancestors]
        if tables:
            at = tables.index(self.focused) + step if self.focused in tables else 0
            tables[at % len(tables)].focus()

    def action_show(self, pane: str) -> None:
        tabs = self.query_one(TabbedContent)
        if tabs.active != pane:
            self._footer_with_pane()
        tabs.active = pane
        self.query_one(f"#{pane}-pane").query("DataTable").first().focus()

    def _footer_with_pane(self) -> None:
        """Paint nothing until the footer shows the keys of the pane being shown. Textual's
        footer follows the focus two refreshes late, so a pane switch painted the new pane
        over the old pane's keys for two frames (for a moment, on a big book whose read
        starts at once); the footer is composed again as soon as the focus moved (queued
        after it), the screen held meanwhile."""
        if self._held is not None:
            return
        self._held = self.batch_update()
        self._held.__enter__()
        self.call_later(self._footer_follows)

    def _footer_follows(self) -> None:
        footers = self.screen_stack[0].query(Footer)
        if footers:  # composed by the footer itself (its bindings are its own)
            footers.first().call_later(self._recompose_footer, footers.first())
        else:
            self._release()

    async def _recompose_footer(self, footer: Footer) -> None:
        try:
            await footer.recompose()
        finally:
            self._release()

    def _release(self) -> None:
        held, self._held = self._held, None
        if held is not None:
            held.__exit__(None, None, None)

    def action_reload(self) -> None:
        """Read everything again (Ctrl+R): the pane shown now, the others when shown."""
        self._behind.update(PANES)
        self.follow(always=True)

    def on_mount(self) -> None:
        self.query_one(Tabs).can_focus = False  # a click on a tab leaves focus on the pane, whose keys work
        self.follow(always=True)  # the badge
        self.set_interval(FOLLOW_SECONDS, self._tick)
        # a dialog, the inbox or a history closed: the pane shown catches up at once
        self.screen_change_signal.subscribe(self, lambda _screen: self._catch_up())
        self._catch_up()  # the first pane reads now; each other one when first shown (a big book opens on one read)

    # -- following the store --------------------------------------------------------------

    def follow(self, *, always: bool = False) -> None:
        """Look at the store's change counter now, in a thread (after an own action, so
        its effects show before the next poll); ``always``: read the lines, roles and
        badge again even if it did not move."""
        self._looks += 1
        self._look(self._looks, None if always else self.change)

    def _tick(self) -> None:
        if not any(w.group == "follow" and not w.is_finished for w in self.workers):
            self.follow()  # a slow store (a server far away) gets no pile of looks

    @work(thread=True, exit_on_error=False, group="follow")
    def _look(self, ticket: int, seen: int | None) -> None:
        try:
            change = change_count(self.store)
            moved = change != seen
            if moved:  # else nothing more is read, and no message
                with self.store.reading() as repo:
                    lines = repo.plant.whole().product_lines
                who = actor(self.store, self.login)  # roles may have changed meanwhile
                unread = unread_count(self.store, self.login)
        except Exception:
            if self._unreachable:
                return  # said once (the panes keep what they read last); said again after a recovery
            self._unreachable = True
            raise  # shown by the app's handler of worker failures
        self._unreachable = False
        if moved:
            self.post_message(StoreMoved(ticket, change, lines, who, unread))

    @on(StoreMoved)
    def _moved(self, message: StoreMoved) -> None:
        if message.ticket < self._answered:
            return  # a later look answered already
        self._answered = message.ticket
        if message.change != self.change:
            self._behind.update(PANES)
            self.change = message.change
        self.product_lines, self.actor, self.unread = message.product_lines, message.actor, message.unread
        self._show_badge()
        self.query_one(AssignmentPane).set_product_lines(self.product_lines)
        self.query_one(ActualsPane).set_product_lines(self.product_lines)
        self._catch_up()

    def _catch_up(self) -> None:
        """Read the pane shown again if the store moved since it read — not under a dialog,
        the inbox or a history (the pane catches up when they close)."""
        shown = self.query_one(TabbedContent).active
        if shown in self._behind and len(self.screen_stack) == 1:
            self._behind.discard(shown)
            self.query_one(f"#{shown}-pane").reload()

    def action_export(self) -> None:
        """The tables of the pane or screen shown to Excel (:func:`millplan.tui.export.export`)."""
        try:
            written = export.export(self, self.export_folder)
        except OSError as exc:
            self.notify(str(exc), title=_("Export to Excel"), severity="error", timeout=15)
            return
        if written is None:
            self.notify(_("No table shown to export."), severity="warning")
        elif isinstance(written, Path):  # a terminal: written now (the browser's download says so itself)
            self._saved(written)

    @on(events.DeliveryComplete)
    def _delivered(self, event: events.DeliveryComplete) -> None:
        if event.name == export.DELIVERY:
            self._saved(event.path or _("your browser's downloads"))

    def _saved(self, file: Path | str) -> None:
        self.notify(_("Excel file saved: {file}").format(file=file), title=_("Export to Excel"), timeout=10)

    @on(events.DeliveryFailed)
    def _not_delivered(self, event: events.DeliveryFailed) -> None:
        if event.name == export.DELIVERY:
            self.notify(str(event.exception), title=_("Export to Excel"), severity="error", timeout=15)

    def _show_badge(self) -> None:
        badge = _("{mail} {n} (i) · ").format(mail=glyphs.MAIL, n=self.unread) if self.unread is not None else ""
        read_only = " " + _("(read-only: not a millplan user)") if self.actor.read_only else ""
        self.sub_title = f"{badge}{self.actor.name}{read_only} · {self.store.url}"  # the name; the login if unknown

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """``i`` and ``h`` work from the panes only: over a dialog, the inbox or a history
        (whose ``h`` is its own) no screen piles on another by accident."""
        if action in ("inbox", "history") and len(self.screen_stack) > 1:
            return False
        return True

    def action_inbox(self) -> None:
        self.push_screen(InboxScreen(), lambda _result: self.follow())

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

    @on(TabbedContent.TabActivated)
    def _shown(self, event: TabbedContent.TabActivated) -> None:
        self._footer_with_pane()  # a tab clicked: held from here (a key held it already)
        if event.pane.id == "approval":  # the Assignment pane's month or line may have moved
            self._behind.add("approval")
        self._catch_up()

    @on(ViewTable.Counted)
    def _table_counted(self, message: ViewTable.Counted) -> None:
        self.screen_stack[0].query_one(TableFilter).counted(message.table)

    @on(ViewTable.FilterAsked)
    def _filter_asked(self, message: ViewTable.FilterAsked) -> None:
        if message.table.screen is self.screen_stack[0]:  # the panes' tables; a dialog's are short
            self.screen_stack[0].query_one(TableFilter).open(message.table)

    @on(StoreChanged)
    def _store_changed(self) -> None:
        self.follow()

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
