"""Approval pane: one month × product line as a reviewer sees it — the revision's state,
its diff against the approved revision, conflicts, requests, escalations and reviews —
with the acting user's actions on keys.

The pane shows a key only when core offers that action to the user here
(:func:`millplan.core.access.actions.available`: his role, on this line, in the revision's
state) and it fits the section and the highlighted row; the command palette has every
action, and every action calls one core service, which checks again and whose refusal
("only … may …") is shown as a notification. Actions that re-plan (grant, force, a raise
request) run in a thread worker.
"""

from __future__ import annotations

from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import DataTable
from textual.worker import Worker

from millplan.core.access.permissions import Action
from millplan.core.domain.i18n import _
from millplan.core.domain.months import Month, month_text
from millplan.core.domain.workflow import waiting
from millplan.core.views import approval
from millplan.core.views.approval import Board
from millplan.core.views.diff import income_bars, position_income_bars
from millplan.tui.keys import month_bindings
from millplan.tui.messages import ApprovalRefreshed
from millplan.tui.table_cursor import highlight
from millplan.tui.widgets.approval.conflict_actions import ConflictActions
from millplan.tui.widgets.approval.detail import Detail
from millplan.tui.widgets.approval.headline import Headline
from millplan.tui.widgets.approval.income_chart import TOP_POSITIONS, IncomeChart
from millplan.tui.widgets.approval.request_actions import RequestActions
from millplan.tui.widgets.approval.revision_actions import RevisionActions
from millplan.tui.widgets.approval.section_bar import SECTIONS, SectionBar, section_labels
from millplan.tui.widgets.approval.section_table import SectionTable
from millplan.tui.widgets.assignment.pane import AssignmentPane

ANY = "*"
OFFERS: dict[str, dict[str, Action]] = {
    "submit": {ANY: Action.SUBMIT},
    "approve": {ANY: Action.APPROVE},
    "grant": {"requests": Action.ANSWER_REQUEST},
    "refuse": {"requests": Action.ANSWER_REQUEST},
    "reply": {"reviews": Action.EDIT_ASSIGNMENT},
    "force": {"conflicts": Action.RESOLVE_CONFLICT, "escalations": Action.DECIDE_ESCALATION},
    "later": {"conflicts": Action.RESOLVE_CONFLICT, "escalations": Action.DECIDE_ESCALATION},
    "escalate": {"conflicts": Action.ESCALATE},
    "decide": {"escalations": Action.DECIDE_ESCALATION},
    "agree": {ANY: Action.REVIEW},
    "object": {"positions": Action.REVIEW, "diff": Action.REVIEW},
    "ask_priority": {"positions": Action.REQUEST, "conflicts": Action.REQUEST, "diff": Action.REQUEST},
    "replace": {"positions": Action.REQUEST, "diff": Action.REQUEST},
    "round": {ANY: Action.REQUEST},
}
"""Each action key: the sections it works in and the core action it needs there. The key
is shown only where core offers that action; core checks every call anyway."""

CHART_SECTIONS = ("diff", "mills")
"""Sections where ``c`` charts the marginal income the latest revision gains or loses."""
CHARTS = (None, "mill", "position")
"""What ``c`` steps through: no chart, the change by mill, by position."""


class ApprovalPane(RevisionActions, RequestActions, ConflictActions, Vertical):
    """The approval view of the Assignment pane's month and line (``[ ]`` and ``l`` move
    both); ``s`` steps through the sections."""

    BINDINGS = [
        Binding("s", "section(1)", _("Section"), show=False, id="approval.section"),  # the section bar shows it
        Binding("S", "section(-1)", _("Previous section"), show=False, id="approval.previous_section"),
        *month_bindings("approval", show=False),
        Binding("l", "next_line", _("Line"), show=False, id="approval.next_line"),
        # the keys below live on this pane and work while focus is inside it: Tab must not
        # carry focus out to the tab bar, where every action key would vanish
        Binding("tab,shift+tab", "keep_focus", show=False, id="approval.keep_focus"),
        Binding("u", "submit", _("Submit"), id="approval.submit"),
        Binding("a", "approve", _("Approve"), id="approval.approve"),
        Binding("g", "grant", _("Grant"), id="approval.grant"),
        Binding("r", "refuse", _("Refuse"), id="approval.refuse"),
        Binding("r", "reply", _("Reply"), id="approval.reply"),
        Binding("f", "force", _("Force"), id="approval.force"),
        Binding("t", "later", _("Later"), id="approval.later"),
        Binding("e", "escalate", _("Escalate"), id="approval.escalate"),
        Binding("d", "decide", _("Decide"), id="approval.decide"),
        Binding("y", "agree", _("Agree"), id="approval.agree"),
        Binding("o", "object", _("Object to"), id="approval.object"),
        Binding("plus", "ask_priority(True)", _("Raise"), key_display="+", id="approval.raise"),
        Binding("minus", "ask_priority(False)", _("Lower"), key_display="-", id="approval.lower"),
        Binding("p", "replace", _("Replace"), id="approval.replace"),
        Binding("n", "round", _("Round"), id="approval.round"),
        Binding("c", "chart", _("Chart"), id="approval.chart"),
    ]

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.section = "diff"
        self.board: Board | None = None
        self.busy: str | None = None  # what the running action is, while it runs
        self.wanted: str | None = None  # the row to highlight once the board is read (go_to)
        self.chart: str | None = None  # the marginal income chart asked for (c: by mill or position), where it applies

    def compose(self) -> ComposeResult:
        yield Headline()
        yield SectionBar(id="approval-sections", markup=False)
        yield SectionTable(id="approval-table")
        yield IncomeChart(id="approval-chart")
        yield Detail(id="approval-detail", classes="detail", markup=False)

    # -- where: the Assignment pane's month and line ---------------------------------------

    @property
    def _assignment(self) -> AssignmentPane:
        return self.app.query_one(AssignmentPane)

    @property
    def month(self) -> Month:
        return self._assignment.month

    @property
    def line(self) -> str | None:
        return self._assignment.line

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """Worker state messages do not bubble: hand this pane's to the app, which shows
        a failure (core's refusal in its own words) as a notification."""
        self.app.on_worker_state_changed(event)

    def on_mount(self) -> None:
        self.query_one(SectionBar).show(self.section, self.board)

    def reload(self) -> None:
        headline = self.query_one(Headline)
        if self.line is None:
            headline.say(_("No mills yet: import the mill register (millplan import mills FILE)."))
            return
        if self.board is None or (self.board.month, self.board.product_line) != (self.month, self.line):
            headline.say(_("{month} · {line} · reading…").format(month=month_text(self.month), line=self.line))
        self._read(self.month, self.line)

    @work(thread=True, exclusive=True, exit_on_error=False, group="approval")
    def _read(self, month: Month, line: str) -> None:
        self.post_message(ApprovalRefreshed(approval.board(self.app.store, month, line, login=self.app.login)))

    @on(ApprovalRefreshed)
    def _refreshed(self, message: ApprovalRefreshed) -> None:
        board = message.board
        if (board.month, board.product_line) != (self.month, self.line):
            return  # the month or line changed while this was read
        self.board = board
        self.query_one(Headline).show(board)
        self._go(self.section)
        if self.wanted is not None:
            table = self.query_one(SectionTable)
            if not highlight(table, self.wanted):
                self.notify(_("It is no longer listed here."), severity="warning")
            self.wanted = None
            table.focus()

    def _show_table(self) -> None:
        self.query_one(SectionTable).show_section(self.board, self.section)
        self._show_chart()
        self._describe()

    def _show_chart(self) -> None:
        """Chart the diff's marginal income by mill or by position when asked for and the section has it."""
        chart = self.query_one(IncomeChart)
        chart.display = self.chart is not None and self._chartable()
        if chart.display:
            diff = self.board.diff
            bars = income_bars(diff) if self.chart == "mill" else position_income_bars(diff, TOP_POSITIONS)
            chart.show(bars, self.chart)

    def why_not(self, action: str) -> str | None:
        """Why the key of ``action`` does nothing here now (the app says it when pressed)."""
        if action != "chart":
            return None
        if self.section not in CHART_SECTIONS:
            labels = section_labels()
            return _("The chart is in the {diff} and {mills} sections (s).").format(
                diff=labels["diff"], mills=labels["mills"]
            )
        if self.board is not None and self.board.latest is not None and self.board.diff is None:
            return _("No chart: nothing approved before revision {n} to compare it with.").format(
                n=self.board.latest.revision
            )
        return None

    def _chartable(self) -> bool:
        """The section charts the diff and there is one (else the detail line says why not)."""
        return self.section in CHART_SECTIONS and self.board is not None and self.board.diff is not None

    @on(DataTable.RowHighlighted, "#approval-table")
    def _describe(self) -> None:
        self.query_one(Detail).show(self.board, self.section, self.query_one(SectionTable).selected, self._item())
        self.refresh_bindings()  # some keys depend on the highlighted row

    # -- what is highlighted ------------------------------------------------------------

    def _item(self) -> Any:
        """The conflict, request, escalation or review of the highlighted row (or None)."""
        return self.query_one(SectionTable).item(self.board, self.section)

    def _position(self) -> str | None:
        """The position of the highlighted row, in sections that list positions."""
        return self.query_one(SectionTable).position(self.section)

    def history_key(self) -> str | None:
        """The audit key of what is highlighted (a position, mill, request, conflict,
        escalation or review), else of the latest revision."""
        item = self._item()
        if item is not None:
            return item.key
        position = self._position()
        if position:
            return position
        row = self.query_one(SectionTable).selected
        if self.section == "mills" and row is not None:
            return row["mill"]
        return self.board.latest.key if self.board and self.board.latest else None

    # -- keys shown -----------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Show an action key only where core offers it (role, line, the revision's state)
        and in a section it works in, on a row still waiting for it."""
        if action == "chart":
            return self._chartable()
        offers = OFFERS.get(action)
        if offers is None:
            return True
        b = self.board
        if b is None:
            return False
        needed = offers.get(self.section) or offers.get(ANY)
        if needed is None or needed not in b.offered:
            return False
        if ANY in offers:
            return True
        if self.query_one(SectionTable).selected is None:
            return False  # nothing highlighted to act on
        item = self._item()
        if item is not None and not waiting(item):
            return False  # answered, resolved or decided already: nothing left to do on it
        if self.section == "escalations" and action in ("force", "later", "decide"):
            # a conflict's escalation is forced or moved; a re-approval round's decided
            return item is not None and (item.conflict_id is None) == (action == "decide")
        return True

    # -- navigation -----------------------------------------------------------------------

    def _go(self, section: str) -> None:
        self.section = section
        self.query_one(SectionBar).show(section, self.board)
        self._show_table()
        self.refresh_bindings()

    def go_to(self, month: Month, line: str, section: str, key: str | None = None) -> None:
        """Show ``section`` of (``month``, ``line``) with the row keyed ``key`` highlighted
        once it is read (the Assignment pane moves there too)."""
        self.section, self.wanted = section, key
        self._assignment.go_to(month, line)
        self.reload()

    def action_chart(self) -> None:
        """``c``: the chart by mill, then by position, then none."""
        self.chart = CHARTS[(CHARTS.index(self.chart) + 1) % len(CHARTS)]
        self._show_chart()

    def action_keep_focus(self) -> None:
        self.query_one(SectionTable).focus()

    def action_section(self, step: int) -> None:
        keys = list(SECTIONS)
        self._go(keys[(keys.index(self.section) + step) % len(keys)])

    def action_month(self, step: int) -> None:
        self._assignment.action_month(step)
        self.reload()

    def action_next_line(self) -> None:
        self._assignment.action_next_line()
        self.reload()

    def run_command(self, action: str, *args: Any) -> None:
        """Run ``action`` (with ``args``) from the command palette: first move to a section
        it works in."""
        sections = [s for s in OFFERS.get(action, {}) if s != ANY]
        if sections and self.section not in sections:
            self._go(sections[0])
        getattr(self, f"action_{action}")(*args)
