"""Approval pane: one month × product line as a reviewer sees it — the revision's state,
its diff against the approved revision, conflicts, requests, escalations and reviews —
with the acting user's actions on keys.

The pane shows a key only when the user's role offers that action here (core says which,
:func:`millplan.core.views.approval.offered`) and it fits the section and the revision's state; the
command palette has every action, and every action calls one core service, which checks
again and whose refusal ("only … may …") is shown as a notification. Actions that re-plan
(grant, force, a raise request) run in a thread worker.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import DataTable, Static
from textual.worker import Worker

from millplan.core.access.permissions import Action
from millplan.core.domain.i18n import _
from millplan.core.domain.model import AssignmentState
from millplan.core.domain.months import Month
from millplan.core.domain.numbers import grouped
from millplan.core.domain.workflow import (
    Conflict,
    ConflictState,
    Escalation,
    EscalationState,
    Request,
    RequestState,
    Review,
)
from millplan.core.planning.whatif import WhatIf
from millplan.core.views import approval
from millplan.core.views.approval import Board
from millplan.core.views.conflicts import conflicts_view
from millplan.core.views.diff import diff_view, mills_view
from millplan.core.views.escalations import escalations_view
from millplan.core.views.positions import positions_view
from millplan.core.views.requests import requests_view
from millplan.core.views.reviews import reviews_view
from millplan.core.views.states import state_label
from millplan.core.views.tables import TableView
from millplan.core.workflow import assignments, conflicts, escalations, requests, reviews
from millplan.tui.background import in_thread
from millplan.tui.messages import ApprovalRefreshed, StoreChanged
from millplan.tui.screens.dialogs import ConfirmScreen, FormScreen, ReasonScreen
from millplan.tui.widgets.view_table import ViewTable

SECTIONS = {
    "diff": _("Diff"),
    "mills": _("Mills"),
    "conflicts": _("Conflicts"),
    "requests": _("Requests"),
    "escalations": _("Escal."),
    "reviews": _("Reviews"),
    "positions": _("Positions"),
}
"""The pane's sections in the order ``s`` steps through them."""

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
is shown only where the role offers that action; core checks every call anyway."""

POSITION_SECTIONS = ("positions", "diff", "conflicts")
"""Sections whose highlighted row names a position."""


class ApprovalPane(Vertical):
    """The approval view of the Assignment pane's month and line (``[ ]`` and ``l`` move
    both); ``s`` steps through the sections."""

    BINDINGS = [
        Binding("s", "section(1)", _("Section"), show=False, id="approval.section"),  # the section bar shows it
        Binding("S", "section(-1)", _("Previous section"), show=False, id="approval.previous_section"),
        Binding("left_square_bracket", "month(-1)", _("Month"), show=False, id="approval.previous_month"),
        Binding("right_square_bracket", "month(1)", _("Next month"), show=False, id="approval.next_month"),
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
        Binding("o", "object", _("Object"), id="approval.object"),
        Binding("plus", "ask_priority(True)", _("Raise"), key_display="+", id="approval.raise"),
        Binding("minus", "ask_priority(False)", _("Lower"), key_display="-", id="approval.lower"),
        Binding("p", "replace", _("Replace"), id="approval.replace"),
        Binding("n", "round", _("Round"), id="approval.round"),
    ]

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.section = "diff"
        self.board: Board | None = None
        self.busy: str | None = None  # what the running action is, while it runs

    def compose(self) -> ComposeResult:
        yield Static(id="approval-title", classes="title", markup=False)
        yield Static(id="approval-summary", markup=False)
        yield Static(id="approval-sections", markup=False)
        yield ViewTable(id="approval-table")
        yield Static(id="approval-detail", classes="detail", markup=False)

    # -- where: the Assignment pane's month and line ---------------------------------------

    @property
    def _assignment(self):
        from millplan.tui.widgets.assignment_pane import AssignmentPane  # the pane this one follows

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
        self._show_sections()
        self.reload()

    def reload(self) -> None:
        if self.line is None:
            self.query_one("#approval-title", Static).update(
                _("No mills yet: import the mill register (millplan import mills FILE).")
            )
            return
        if self.board is None or (self.board.month, self.board.product_line) != (self.month, self.line):
            self.query_one("#approval-title", Static).update(
                _("{month} · {line} · reading…").format(month=self.month, line=self.line)
            )
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
        self._show_head()
        self._show_sections()
        self._show_table()
        self.refresh_bindings()

    def _show_head(self) -> None:
        b = self.board
        assert b is not None
        head = f"{b.month} · {b.product_line} · "
        if b.latest is None:
            head += _("not planned yet")
        else:
            head += _("revision {n} {state}").format(
                n=b.latest.revision, state=state_label(b.latest.state).upper()
            )  # capitals read without colour
            if b.latest.stale:
                head += " · " + _("STALE")
            if b.in_force is not None and b.in_force.revision != b.latest.revision:
                head += " · " + _("in force: r{n}").format(n=b.in_force.revision)
            if b.latest.needs_director:
                head += " · " + _("director approves")
        self.query_one("#approval-title", Static).update(head)
        # the section bar counts what is open; this line says what is at stake
        counts = (
            _("Open conflicts: {c}, {t} t short, {m} RUB at stake").format(
                c=len(b.open_conflicts),
                t=grouped(sum(c.tonnes_short for c in b.open_conflicts)),
                m=grouped(b.margin_at_stake),
            )
            if b.open_conflicts
            else _("No open conflict.")
        )
        if b.who.notice:  # not a registered user: he may look, not act
            second = b.who.notice
        elif b.latest is not None and b.latest.stale:
            second = _("Stale: {why} — re-plan (F4, F5).").format(why=b.latest.stale_reason)
        elif b.blockers:
            second = _("Approval needs a reason: {what}").format(what="; ".join(b.blockers))
        else:
            second = _("{login} ({role}) · [ ] month · l line · s section · h history").format(
                login=b.who.login, role=approval.role_name(b.who)
            )
        self.query_one("#approval-summary", Static).update(f"{counts}\n{second}")

    def _show_sections(self) -> None:
        b = self.board
        counts = (
            {
                "conflicts": len(b.open_conflicts),
                "requests": len(b.open_requests),
                "escalations": len(b.open_escalations),
                "reviews": len(b.open_reviews),
            }
            if b
            else {}
        )
        bar = Text("s ", style="bold")
        for key, label in SECTIONS.items():
            text = f"{label} {counts[key]}" if counts.get(key) else label
            bar.append(
                f"[{text}]" if key == self.section else f" {text} ", style="bold reverse" if key == self.section else ""
            )
            bar.append(" ")
        self.query_one("#approval-sections", Static).update(bar)

    def _view(self) -> TableView | None:
        b = self.board
        if b is None:
            return None
        if self.section in ("diff", "mills"):
            if b.diff is None:
                return None
            return diff_view(b.diff) if self.section == "diff" else mills_view(b.diff)
        if self.section == "positions":
            return positions_view(b.latest, b.mine) if b.latest else None
        view = {
            "conflicts": lambda: conflicts_view(list(b.conflicts)),
            "requests": lambda: requests_view(list(b.requests)),
            "escalations": lambda: escalations_view(list(b.escalations)),
            "reviews": lambda: reviews_view(list(b.reviews)),
        }[self.section]()
        # the pane is about one month and line: the column repeating them is dropped; the
        # table's row keys are text (the ids of these rows are numbers)
        rows = tuple({**row, "key": str(row["key"])} for row in view.rows)
        return TableView(view.title, tuple(c for c in view.columns if c.key != "month"), rows)

    def _show_table(self) -> None:
        table = self.query_one("#approval-table", ViewTable)
        view = self._view()
        if view is None:
            table.blank()
        else:
            table.show(view)
        self._describe()

    @on(DataTable.RowHighlighted, "#approval-table")
    def _describe(self) -> None:
        self.query_one("#approval-detail", Static).update(self._detail())
        self.refresh_bindings()  # some keys depend on the highlighted row

    def _detail(self) -> str:
        b = self.board
        if b is None:
            return ""
        row = self.query_one("#approval-table", ViewTable).selected
        if self.section in ("diff", "mills") and b.diff is None:
            if b.latest is None:
                return _("Not planned yet: plan the month in the Assignment pane (F4, then F5).")
            return _("Revision {n}: no approved revision before it to compare with.").format(n=b.latest.revision)
        if row is None:
            return _("Nothing here for {month} {line}.").format(month=b.month, line=b.product_line)
        if self.section == "diff":
            return _("{ref}: {change}, {a} → {b} t").format(
                ref=row["position"],
                change=row["change"],
                a=grouped(row["tonnes_from"], 1),
                b=grouped(row["tonnes_to"], 1),
            )
        item = self._item()
        if self.section == "conflicts" and item is not None:
            return _(
                "{ref} {customer} (manager {manager}): {t} t short of {month}, {m} RUB at stake — {state}{how}"
            ).format(
                ref=item.position_ref,
                customer=item.customer,
                manager=item.sales_manager,
                t=grouped(item.tonnes_short, 1),
                month=item.month,
                m=grouped(item.margin_at_stake),
                state=item.state.value,
                how=f": {item.resolution}" if item.resolution else "",
            )
        if self.section == "requests" and item is not None:
            return _("{what} — {who}: {why} ({m} RUB at stake) · {state}{answer}").format(
                what=requests.describe(item),
                who=item.requested_by,
                why=item.justification,
                m=grouped(item.margin_at_stake),
                state=item.state.value,
                answer=f" — {item.answered_by}: {item.answer}" if item.answered_by else "",
            )
        if self.section == "escalations" and item is not None:
            decided = f" · {item.outcome} — {item.decided_by}: {item.decision}" if item.decided_by else ""
            return f"{item.subject} — {item.raised_by}: {item.reason} · {item.state.value}{decided}"
        if self.section == "reviews" and item is not None:
            text = f"{item.login} {item.verdict}" + (
                f" {item.position_ref}: {item.reason}" if item.position_ref else ""
            )
            return text + (f" — {item.answered_by}: {item.answer}" if item.answered_by else "")
        if self.section == "positions":
            return f"{row['position']}: " + _("planned {p} t, left out {x} t{why}").format(
                p=grouped(row["planned"], 1),
                x=grouped(row["left_out"], 1),
                why=f" — {row['why']}" if row["why"] else "",
            )
        return ""

    # -- what is highlighted ------------------------------------------------------------

    def _item(self) -> Any:
        """The conflict, request, escalation or review of the highlighted row (or None)."""
        row = self.query_one("#approval-table", ViewTable).selected
        b = self.board
        if row is None or b is None:
            return None
        items = {
            "conflicts": b.conflicts,
            "requests": b.requests,
            "escalations": b.escalations,
            "reviews": b.reviews,
        }.get(self.section, ())
        return next((x for x in items if str(x.id) == row["key"]), None)

    def _position(self) -> str | None:
        """The position of the highlighted row, in sections that list positions."""
        row = self.query_one("#approval-table", ViewTable).selected
        if row is None or self.section not in POSITION_SECTIONS:
            return None
        return row["position"] if self.section != "positions" else row["key"]

    def history_key(self) -> str | None:
        """The audit key of what is highlighted (a position, mill, request, conflict,
        escalation or review), else of the latest revision."""
        item = self._item()
        if item is not None:
            return item.key
        position = self._position()
        if position:
            return position
        row = self.query_one("#approval-table", ViewTable).selected
        if self.section == "mills" and row is not None:
            return row["mill"]
        return self.board.latest.key if self.board and self.board.latest else None

    def _need(self, section: str, what: str) -> Any:
        """The highlighted item of ``section`` (moving there if elsewhere), or None after
        saying what to highlight."""
        if self.section != section:
            self._go(section)
        item = self._item()
        if item is None:
            self.notify(
                _("Highlight {what} in the {section} section first.").format(what=what, section=SECTIONS[section]),
                severity="warning",
            )
        return item

    # -- keys shown -----------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Show an action key only where the role offers it, in a section it works in, on a
        revision whose state takes it (core checks again when it runs)."""
        offers = OFFERS.get(action)
        if offers is None:
            return True
        b = self.board
        if b is None:
            return False
        needed = offers.get(self.section) or offers.get(ANY)
        if needed is None or needed not in b.offered:
            return False
        if ANY not in offers and self.query_one("#approval-table", ViewTable).selected is None:
            return False  # nothing highlighted to act on
        item = self._item()
        if ANY not in offers and item is not None and not _waiting(item):
            return False  # answered, resolved or decided already: nothing left to do on it
        if self.section == "escalations" and action in ("force", "later", "decide"):
            # a conflict's escalation is forced or moved; a re-approval round's decided
            if item is None or (item.conflict_id is None) != (action == "decide"):
                return False
        state = b.latest.state if b.latest else None
        if action == "submit":
            return state in (AssignmentState.DRAFT, AssignmentState.RE_APPROVAL)
        if action == "approve":
            return state is AssignmentState.IN_REVIEW
        if action in ("agree", "object"):
            return state is not None and state is not AssignmentState.APPROVED
        return True

    # -- navigation -----------------------------------------------------------------------

    def _go(self, section: str) -> None:
        self.section = section
        self._show_sections()
        self._show_table()
        self.refresh_bindings()

    def action_keep_focus(self) -> None:
        self.query_one("#approval-table", ViewTable).focus()

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

    # -- acting ---------------------------------------------------------------------------

    def _act(self, what: str, call: Callable[[], Any], done: Callable[[Any], str], *, writes: bool = True) -> None:
        """Run core ``call`` in a worker; then say ``done(result)`` and, when it ``writes``,
        read everything again. A refusal or failure is shown by the app (never a traceback)."""
        if self.busy:
            self.notify(_("Still busy: {what}.").format(what=self.busy), severity="warning")
            return
        self.busy = what
        self.notify(_("{what}…").format(what=what), timeout=3)
        self._run(call, done, writes)

    @work(exit_on_error=False, group="approval-act")
    async def _run(self, call: Callable[[], Any], done: Callable[[Any], str], writes: bool) -> None:
        # a thread of its own (tui.background): a what-if or re-plan still solving when
        # the workstation closes is cancelled, not waited for
        try:
            result = await in_thread(call)
        finally:
            self._idle()
        self._finished(done(result), writes)

    def _idle(self) -> None:
        self.busy = None

    def _finished(self, said: str, writes: bool) -> None:
        if said:
            self.notify(said, timeout=8)
        if not writes:
            return
        self._assignment.reload()
        self.post_message(StoreChanged())  # the app reads this pane, the load and the deals again

    def _seen(self) -> tuple[int, int] | None:
        latest = self.board.latest if self.board else None
        return (latest.id, latest.version) if latest else None

    def _latest_or_say(self):
        latest = self.board.latest if self.board else None
        if latest is None:
            self.notify(
                _("{month} {line} is not planned yet: plan it in the Assignment pane (F4, F5).").format(
                    month=self.month, line=self.line
                ),
                severity="warning",
            )
        return latest

    def action_submit(self) -> None:
        latest = self._latest_or_say()
        if latest is None:
            return
        month, line, seen = latest.month, latest.product_line, self._seen()

        def decided(yes: bool | None) -> None:
            if yes:
                self._act(
                    _("Submitting"),
                    lambda: assignments.submit(self.app.store, month, line, login=self.app.login, seen=seen),
                    lambda a: _("{key} submitted for review.").format(key=a.key),
                )

        self.app.push_screen(ConfirmScreen(_("Submit {key} for review?").format(key=latest.key)), decided)

    def action_approve(self) -> None:
        latest = self._latest_or_say()
        if latest is None:
            return
        month, line, seen = latest.month, latest.product_line, self._seen()

        def approve(reason: str | None) -> None:
            self._act(
                _("Approving"),
                lambda: assignments.approve(
                    self.app.store, month, line, login=self.app.login, seen=seen, reason=reason
                ),
                lambda a: _("{key} approved.").format(key=a.key),
            )

        question = _("Approve {key}: {tonnes} t, {income} RUB? It will be frozen.").format(
            key=latest.key, tonnes=grouped(latest.tonnes), income=grouped(latest.marginal_income)
        )
        if self.board and self.board.blockers:
            self.app.push_screen(
                ReasonScreen(question + "\n" + _("Over {what}: why?").format(what="; ".join(self.board.blockers))),
                lambda reason: approve(reason) if reason else None,
            )
        else:
            self.app.push_screen(ConfirmScreen(question), lambda yes: approve(None) if yes else None)

    def action_grant(self) -> None:
        request = self._need("requests", _("a request"))
        if request is None:
            return

        def decided(yes: bool | None) -> None:
            if yes:
                self._act(
                    _("Granting request {id} (re-planning)").format(id=request.id),
                    lambda: requests.grant(
                        self.app.store, request.id, login=self.app.login, seen_version=request.version
                    ),
                    lambda answered: _("Request {id} granted{plan}.").format(
                        id=request.id,
                        plan=_(": re-planned, marginal income {m} RUB").format(
                            m=grouped(answered.assignment.marginal_income)
                        )
                        if answered.assignment
                        else _(": the director decides the round"),
                    ),
                )

        self.app.push_screen(
            ConfirmScreen(
                _("Grant request {id}: {what} ({m} RUB at stake)? The month is re-planned with it.").format(
                    id=request.id, what=requests.describe(request), m=grouped(request.margin_at_stake)
                )
            ),
            decided,
        )

    def action_refuse(self) -> None:
        request = self._need("requests", _("a request"))
        if request is None:
            return

        def decided(reason: str | None) -> None:
            if reason:
                self._act(
                    _("Refusing request {id}").format(id=request.id),
                    lambda: requests.refuse(
                        self.app.store, request.id, login=self.app.login, reason=reason, seen_version=request.version
                    ),
                    lambda _answered: _("Request {id} refused.").format(id=request.id),
                )

        self.app.push_screen(
            ReasonScreen(
                _("Refuse request {id} ({what}): why? {who} reads it.").format(
                    id=request.id, what=requests.describe(request), who=request.requested_by
                )
            ),
            decided,
        )

    def action_reply(self) -> None:
        review = self._need("reviews", _("an objection"))
        if review is None:
            return

        def decided(reply: str | None) -> None:
            if reply:
                self._act(
                    _("Answering review {id}").format(id=review.id),
                    lambda: reviews.answer(
                        self.app.store, review.id, login=self.app.login, reply=reply, seen_version=review.version
                    ),
                    lambda _review: _("Objection {id} answered.").format(id=review.id),
                )

        self.app.push_screen(
            ReasonScreen(
                _("Answer {who}'s objection to {ref}: {why}").format(
                    who=review.login, ref=review.position_ref or "", why=review.reason or ""
                )
            ),
            decided,
        )

    def action_force(self) -> None:
        if self.section == "escalations":
            escalation = self._need("escalations", _("an escalation"))
            if escalation is None or escalation.conflict_id is None:
                return
            conflict_id, then = (
                escalation.conflict_id,
                lambda effect: self._decide_escalation(force=True, effect=effect),
            )
        else:
            conflict = self._need("conflicts", _("a conflict"))
            if conflict is None:
                return
            conflict_id, then = conflict.id, lambda effect: self._confirm_force(conflict, effect)
        store, login = self.app.store, self.app.login

        def show(effect: WhatIf) -> str:
            then(effect)
            return ""

        # first what it displaces (a dry run anyone may look at), then the real thing
        self._act(
            _("Working out what forcing it in displaces"),
            lambda: conflicts.force_in(store, conflict_id, login=login, dry_run=True).effect,
            show,
            writes=False,
        )

    def _force_effect(self, ref: str, month: Month, effect: WhatIf) -> str:
        """What forcing ``ref`` whole into ``month`` does, in one sentence."""
        displaced = ", ".join(f"{s.position_ref} {grouped(s.tonnes_change, 1)} t" for s in effect.displaced) or _(
            "nothing"
        )
        return _("Forcing {ref} whole into {month} displaces {displaced}; marginal income {a} → {b} RUB ({m}).").format(
            ref=ref,
            month=month,
            displaced=displaced,
            a=grouped(effect.margin_before),
            b=grouped(effect.margin_after),
            m=grouped(effect.margin_change),
        )

    def _confirm_force(self, conflict, effect: WhatIf) -> None:
        question = self._force_effect(conflict.position_ref, conflict.month, effect) + " " + _("Force it?")

        def decided(yes: bool | None) -> None:
            if yes:
                self._act(
                    _("Forcing {ref} in (re-planning)").format(ref=conflict.position_ref),
                    lambda: conflicts.force_in(
                        self.app.store, conflict.id, login=self.app.login, seen_version=conflict.version
                    ),
                    lambda _forced: _("{ref} forced into {month}; the month re-planned.").format(
                        ref=conflict.position_ref, month=conflict.month
                    ),
                )

        self.app.push_screen(ConfirmScreen(question), decided)

    def action_later(self) -> None:
        if self.section == "escalations":
            self._decide_escalation(force=False)
            return
        conflict = self._need("conflicts", _("a conflict"))
        if conflict is None:
            return

        def decided(values: dict[str, str] | None) -> None:
            if values:
                self._act(
                    _("Recording the later month for {ref}").format(ref=conflict.position_ref),
                    lambda: conflicts.agree_later(
                        self.app.store,
                        conflict.id,
                        approval.parse_later(values["month"], conflict.month),
                        login=self.app.login,
                        reason=values["reason"] or None,
                        seen_version=conflict.version,
                    ),
                    lambda saved: _("{ref} moved to {month}, as agreed.").format(
                        ref=saved.position_ref, month=saved.agreed_month
                    ),
                )

        self.app.push_screen(
            FormScreen(
                _("{ref} ({customer}) is {t} t short of {month}: which later month did the client agree?").format(
                    ref=conflict.position_ref,
                    customer=conflict.customer,
                    t=grouped(conflict.tonnes_short, 1),
                    month=conflict.month,
                ),
                [
                    ("month", _("later month YYYY-MM or +1"), str(conflict.month + 1), True),
                    ("reason", _("note (optional)"), "", False),
                ],
            ),
            decided,
        )

    def action_escalate(self) -> None:
        conflict = self._need("conflicts", _("a conflict"))
        if conflict is None:
            return

        def decided(why: str | None) -> None:
            if why:
                self._act(
                    _("Escalating conflict {id}").format(id=conflict.id),
                    lambda: conflicts.escalate(
                        self.app.store, conflict.id, login=self.app.login, why=why, seen_version=conflict.version
                    ),
                    lambda e: _("Conflict {id} escalated to the director (escalation {e}).").format(
                        id=conflict.id, e=e.id
                    ),
                )

        self.app.push_screen(
            ReasonScreen(
                _("Escalate {ref} ({m} RUB at stake) to the director: why?").format(
                    ref=conflict.position_ref, m=grouped(conflict.margin_at_stake)
                )
            ),
            decided,
        )

    def action_decide(self) -> None:
        self._decide_escalation(force=None)

    def _decide_escalation(self, *, force: bool | None, effect: WhatIf | None = None) -> None:
        """The director decides: ``force`` in (``effect``: what that displaces, from the dry
        run), a later month (``False``), or a re-approval round by its reason alone (``None``)."""
        escalation = self._need("escalations", _("an escalation"))
        if escalation is None:
            return
        fields = [("reason", _("reason (recorded)"), "", True)]
        conflict = (
            next((c for c in self.board.conflicts if c.id == escalation.conflict_id), None) if self.board else None
        )
        if force is False:
            fields.insert(0, ("month", _("later month YYYY-MM"), str(conflict.month + 1) if conflict else "", True))
        how = {True: _("force it in"), False: _("accept a later month"), None: _("decide")}[force]
        if effect is not None:  # what forcing displaces, before the director says why
            how += "\n" + self._force_effect(
                conflict.position_ref if conflict else escalation.subject, escalation.month, effect
            )
        store, login = self.app.store, self.app.login

        def decided(values: dict[str, str] | None) -> None:
            if values:
                self._act(
                    _("Deciding escalation {id}").format(id=escalation.id),
                    lambda: escalations.decide(
                        store,
                        escalation.id,
                        login=login,
                        reason=values["reason"],
                        force=bool(force),
                        later=approval.parse_later(values["month"], escalation.month) if "month" in values else None,
                        seen_version=escalation.version,
                    ),
                    lambda d: _("Escalation {id} decided: {outcome}.").format(
                        id=escalation.id, outcome=d.escalation.outcome
                    ),
                )

        self.app.push_screen(
            FormScreen(
                _("Escalation {id} ({subject}): {how}").format(id=escalation.id, subject=escalation.subject, how=how),
                fields,
            ),
            decided,
        )

    def action_agree(self) -> None:
        latest = self._latest_or_say()
        if latest is None:
            return

        def decided(yes: bool | None) -> None:
            if yes:
                self._act(
                    _("Recording agreement"),
                    lambda: reviews.agree(self.app.store, latest.month, latest.product_line, login=self.app.login),
                    lambda _review: _("You agreed to {key}.").format(key=latest.key),
                )

        self.app.push_screen(ConfirmScreen(_("Agree to {key}?").format(key=latest.key)), decided)

    def _position_or_say(self) -> str | None:
        ref = self._position()
        if ref is None:
            if self.section not in POSITION_SECTIONS:
                self._go("positions")
            self.notify(_("Highlight a position (Positions section) first."), severity="warning")
        return ref

    def action_object(self) -> None:
        latest = self._latest_or_say()
        ref = self._position_or_say() if latest else None
        if ref is None:
            return

        def decided(reason: str | None) -> None:
            if reason:
                self._act(
                    _("Recording objection to {ref}").format(ref=ref),
                    lambda: reviews.object_to(
                        self.app.store, ref, latest.month, latest.product_line, login=self.app.login, reason=reason
                    ),
                    lambda _review: _("Objection to {ref} recorded; the line manager answers it.").format(ref=ref),
                )

        self.app.push_screen(
            ReasonScreen(_("Object to {ref}'s line in {key}: why?").format(ref=ref, key=latest.key)), decided
        )

    def action_ask_priority(self, raise_: bool = True) -> None:
        ref = self._position_or_say()
        if ref is None:
            return
        month = self.month
        what = _("raise") if raise_ else _("lower")

        def decided(why: str | None) -> None:
            if why:
                self._act(
                    _("Asking to {what} {ref}").format(what=what, ref=ref),
                    lambda: requests.request_priority(
                        self.app.store, ref, raise_=raise_, login=self.app.login, why=why, month=month
                    ),
                    lambda raised: _("Request {id} raised: {what} ({m} RUB at stake).").format(
                        id=raised.request.id,
                        what=requests.describe(raised.request),
                        m=grouped(raised.request.margin_at_stake),
                    ),
                )

        self.app.push_screen(
            ReasonScreen(
                _("Ask to {what} the priority of {ref} in {month}: why?").format(what=what, ref=ref, month=month)
            ),
            decided,
        )

    def action_replace(self) -> None:
        ref = self._position_or_say()
        if ref is None:
            return
        month = self.month

        def decided(values: dict[str, str] | None) -> None:
            if values:
                self._act(
                    _("Asking to replace {ref}").format(ref=ref),
                    lambda: requests.request_replacement(
                        self.app.store, ref, values["by"], login=self.app.login, why=values["why"], month=month
                    ),
                    lambda raised: _("Request {id} raised: {what} ({m} RUB at stake).").format(
                        id=raised.request.id,
                        what=requests.describe(raised.request),
                        m=grouped(raised.request.margin_at_stake),
                    ),
                )

        self.app.push_screen(
            FormScreen(
                _("Replace {ref} in {month} by another of your positions:").format(ref=ref, month=month),
                [("by", _("replacement position DEAL#NO"), "", True), ("why", _("justification"), "", True)],
            ),
            decided,
        )

    def action_round(self) -> None:
        if self.line is None:
            return
        month, line = self.month, self.line

        def decided(why: str | None) -> None:
            if why:
                self._act(
                    _("Asking for a re-approval round"),
                    lambda: requests.request_reapproval(self.app.store, month, line, login=self.app.login, why=why),
                    lambda raised: _("Request {id} raised: {what}.").format(
                        id=raised.request.id, what=requests.describe(raised.request)
                    ),
                )

        self.app.push_screen(
            ReasonScreen(
                _("Ask for a re-approval round of {month} {line} with the director: why?").format(
                    month=month, line=line
                )
            ),
            decided,
        )


def _waiting(item: Conflict | Request | Escalation | Review) -> bool:
    """Whether a row still waits for someone: an open conflict, request or escalation, an
    unanswered objection."""
    if isinstance(item, Review):
        return item.open
    if isinstance(item, Conflict):
        return item.state is ConflictState.OPEN
    if isinstance(item, Request):
        return item.state is RequestState.OPEN
    return item.state is EscalationState.OPEN
