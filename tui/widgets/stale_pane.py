"""Stale deals pane: the stale-deal ledger, filtered and sorted, and what the line manager
does with the highlighted position (extend, priority, cancel, close, restore)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import DataTable, Static

from millplan.core.access.permissions import Action, require
from millplan.core.domain.errors import Forbidden
from millplan.core.domain.i18n import _, ngettext
from millplan.core.domain.months import date_text, month_from_text, month_text, plant_clock
from millplan.core.domain.numbers import grouped
from millplan.core.domain.stale import Disposition, StaleReason
from millplan.core.domain.states import state_label
from millplan.core.views.stale import disposed_view, disposition_word, stale_view
from millplan.core.workflow import stale, stale_actions
from millplan.core.workflow.stale import DisposedPosition, Ledger, StalePosition
from millplan.core.workflow.stale_actions import Disposal
from millplan.tui.messages import StoreChanged
from millplan.tui.screens.dialogs import FormScreen, ReasonScreen
from millplan.tui.widgets.view_table import ViewTable

SORTS = (None, "margin_at_stake", "tonnes_left", "months_overdue", "age_days", "hours", "customer", "sales_manager")
"""The columns ``o`` steps through (``None``: by deal and position), each descending for
figures, ascending for names."""

DESCENDING = {"margin_at_stake", "tonnes_left", "months_overdue", "age_days", "hours"}

DISPOSED = "disposed"
"""The last step of ``r``: instead of the ledger, the cancelled and closed positions (what ``u`` restores)."""

FILTERS: tuple[StaleReason | str | None, ...] = (None, *StaleReason, DISPOSED)
"""What ``r`` steps through: any reason, each reason, then the cancelled and closed positions."""

_DISPOSITIONS = {
    "cancel": Disposition.CANCEL,
    "extend": Disposition.EXTEND,
    "priority": Disposition.PRIORITY,
    "close": Disposition.CLOSE,
    "restore": Disposition.RESTORE,
}
"""The pane's actions and what each does to the highlighted position."""


class LedgerRead(Message):
    """The whole ledger was read again; ``disposed``: instead, the cancelled and closed
    positions were read (``ledger`` is then ``None``)."""

    def __init__(self, ledger: Ledger | None, disposed: tuple[DisposedPosition, ...] = ()) -> None:
        super().__init__()
        self.ledger = ledger
        self.disposed = disposed


class StalePane(Vertical):
    """The ledger; the reason filter (``r``, its last step lists the cancelled and closed
    positions instead) and the sort (``o``); on the highlighted position: cancel (``x``),
    extend (``e``), priority (``p``), close as complete (``c``), restore (``u``), each with
    a reason. A new sort or reason puts the cursor on the first row.

    The ledger is read whole from the store once (seconds on a big book), and again only
    when the store changes: the reason and the sort work on the rows read, and the text
    filter (``/``: customer, manager, position, reason words) is the workstation's table
    filter, the rows narrowing as one types, its count line true ("4 of 18 rows")."""

    BINDINGS = [
        Binding("x", "cancel", _("Cancel"), id="stale.cancel"),
        Binding("e", "extend", _("Extend"), id="stale.extend"),
        Binding("p", "priority", _("Prio"), id="stale.priority"),
        Binding("c", "close", _("Close"), id="stale.close"),
        Binding("u", "restore", _("Restore"), id="stale.restore"),
        Binding("o", "sort", _("Sort"), show=False, id="stale.sort"),
        Binding("r", "reason", _("Reason"), show=False, id="stale.reason"),
    ]

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.ledger: Ledger | None = None
        self.disposed: tuple[DisposedPosition, ...] | None = None
        self.rows: dict[str, StalePosition | DisposedPosition] = {}
        self.reason: StaleReason | str | None = None
        self.sort: str | None = None
        self._to_top = False
        self._offered: tuple[bool | None, ...] = ()  # the actions the footer offers

    def compose(self) -> ComposeResult:
        yield Static("", id="stale-status", markup=False)
        yield ViewTable(id="stale-table")
        yield Static(_("Reading the ledger…"), id="stale-detail", classes="detail", markup=False)

    def reload(self) -> None:
        self._read(self.reason == DISPOSED)

    @work(thread=True, exclusive=True, exit_on_error=False, group="stale")
    def _read(self, disposed: bool) -> None:
        if disposed:
            self.post_message(LedgerRead(None, stale.disposed(self.app.store)))
        else:
            self.post_message(LedgerRead(stale.ledger(self.app.store)))

    @on(LedgerRead)
    def _show(self, message: LedgerRead) -> None:
        if (message.ledger is None) != (self.reason == DISPOSED):
            return  # read for the step of ``r`` before this one
        if message.ledger is not None:
            self.ledger = message.ledger
        else:
            self.disposed = message.disposed
        self._show_ledger()

    def _show_ledger(self) -> None:
        table = self.query_one(ViewTable)
        status = self.query_one("#stale-status", Static)
        if self.reason == DISPOSED:
            if self.disposed is None:
                return  # still being read
            self.rows = {row.position.ref: row for row in self.disposed}
            table.show(disposed_view(self.disposed))
            status.update(
                ngettext(
                    "{count} cancelled or closed · u restores · r: next filter",
                    "{count} cancelled or closed · u restores · r: next filter",
                    len(self.disposed),
                ).format(count=grouped(len(self.disposed)))
            )
            empty = _("No position is cancelled or closed.")
        elif self.ledger is not None:
            ledger = self.ledger
            if isinstance(self.reason, StaleReason):
                ledger = replace(ledger, rows=tuple(row for row in ledger.rows if self.reason in row.reasons))
            self.rows = {row.position.ref: row for row in ledger.rows}
            view = stale_view(ledger, self.sort, self.sort in DESCENDING, wide=True)
            table.show(view)
            status.update(
                ngettext(
                    "{count} stale · reason: {reason} · sort: {sort} (r, o)",
                    "{count} stale · reason: {reason} · sort: {sort} (r, o)",
                    len(ledger.rows),
                ).format(
                    count=grouped(len(ledger.rows)),
                    reason=self.reason.words if isinstance(self.reason, StaleReason) else _("any"),
                    sort=next((c.header for c in view.columns if c.key == self.sort), _("deal")),
                )
            )
            empty = _("No position is stale.")
        else:
            return
        if self._to_top:  # a new sort or filter: back to the first row
            self._to_top = False
            table.move_cursor(row=0, column=0)
            table.scroll_home(animate=False)
        if not self.rows:
            self.query_one("#stale-detail", Static).update(empty)
        self._describe()

    @on(DataTable.RowHighlighted)
    def _describe(self) -> None:
        # the actions depend on the highlighted position; the footer is redrawn only when
        # they change (redrawing it is most of what a cursor move costs)
        offered = tuple(self.check_action(action, ()) for action in _DISPOSITIONS)
        if offered != self._offered:
            self._offered = offered
            self.refresh_bindings()
        row = self._selected()
        if row is None:
            return
        if isinstance(row, DisposedPosition):
            self.query_one("#stale-detail", Static).update(_describe_disposed(row))
            return
        p = row.position
        hours = ", ".join(
            _("{mill} {hours} h").format(mill=code, hours=grouped(h)) for code, h in sorted(row.mill_hours.items())
        ) or _("none")
        lines = [
            _("{ref} · {customer}{key} · manager {manager} · line {line}").format(
                ref=p.ref,
                customer=p.customer,
                key=" · " + _("KEY ACCOUNT") if p.is_key_account else "",
                manager=p.sales_manager,
                line=p.product_line,
            ),
            _("accepted {accepted} ({age} days) · requested {month} ({late} months late) · priority {priority}").format(
                accepted=date_text(row.accepted_at.date()) if row.accepted_at else "—",
                age=row.age_days if row.age_days is not None else "—",
                month=month_text(p.requested_month),
                late=row.months_overdue,
                priority=p.manual_priority or "—",
            ),
            _("{ordered} t ordered, {made} t made, {left} t left · MI at stake {income} RUB · holds {hours}").format(
                ordered=grouped(p.tonnes_ordered),
                made=grouped(p.tonnes_produced),
                left=grouped(row.tonnes_left),
                income=grouped(row.margin_at_stake) if row.margin_at_stake is not None else _("— (no mill)"),
                hours=hours,
            ),
            _("stale: {why}").format(why=", ".join(r.words for r in row.reasons)),
        ]
        self.query_one("#stale-detail", Static).update("\n".join(lines))

    def _selected(self) -> StalePosition | DisposedPosition | None:
        row = self.query_one(ViewTable).selected
        return self.rows.get(row["key"]) if row else None

    # -- filters and sort -------------------------------------------------------------------

    def action_filter(self) -> None:
        """Type the ledger's text filter: the workstation's filter box, on this pane's table."""
        table = self.query_one(ViewTable)
        table.focus()
        table.action_filter()

    def action_reason(self) -> None:
        """The next filter (:data:`FILTERS`): any, overdue, unplanned, idle, no mill,
        cancelled/closed, any… Only the step to or from the cancelled and closed reads the
        store; the reasons pick from the ledger read."""
        before = self.reason
        self.reason = FILTERS[(FILTERS.index(self.reason) + 1) % len(FILTERS)]
        self._to_top = True
        if self.reason == DISPOSED:
            self.disposed = None  # read afresh: a restore or a cancel may have come since
        if DISPOSED in (before, self.reason) or self.ledger is None:
            self.reload()
        else:
            self._show_ledger()

    def action_sort(self) -> None:
        """The next sort column (:data:`SORTS`)."""
        self.sort = SORTS[(SORTS.index(self.sort) + 1) % len(SORTS)]
        self._to_top = True
        self._show_ledger()

    # -- actions -------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """The actions show only on a position of a line the user manages (core checks again)."""
        if action in _DISPOSITIONS:
            row = self._selected()
            if row is None or not stale_actions.applies(row.position, _DISPOSITIONS[action]):
                return False
            return self.app.actor.may(Action.DISPOSE_STALE, line=row.position.product_line)
        return True

    def why_not(self, action: str) -> str | None:
        """Why the key of ``action`` does nothing on the highlighted position (the app says
        it when pressed): core's refusal for a line the user does not manage, else what the
        position lacks."""
        row = self._selected()
        if action not in _DISPOSITIONS or row is None:
            return None
        p = row.position
        try:
            require(self.app.actor, Action.DISPOSE_STALE, line=p.product_line, target=p.ref)
        except Forbidden as refused:
            return str(refused)
        if _DISPOSITIONS[action] is Disposition.RESTORE:
            return _("{ref} is neither cancelled nor closed: nothing to restore").format(ref=p.ref)
        return _("{ref} has nothing left to make.").format(ref=p.ref)

    def _target(self) -> StalePosition | DisposedPosition | None:
        """The highlighted position if the user may act on it; else core's refusal is shown."""
        row = self._selected()
        if row is None:
            return None
        p = row.position
        return row if self.app.may_or_say(Action.DISPOSE_STALE, line=p.product_line, target=p.ref) else None

    def _done(self, act: Callable[[], Disposal]) -> None:
        done = self.app.attempt(act)
        if done is None:
            return
        said = [
            _("{done}: {refs}").format(
                done=disposition_word(done.disposition), refs=", ".join(p.ref for p in done.positions)
            )
        ]
        if done.told:
            said.append(_("told {who}").format(who=", ".join(done.told)))
        if done.stale:
            said.append(_("re-plan {keys}").format(keys=", ".join(done.stale)))
        self.notify(" · ".join(said))
        self.post_message(StoreChanged())  # the app reads this pane again, and the others when shown

    def _with_reason(self, prompt: str, act: Callable[[str, str], Disposal]) -> None:
        row = self._target()
        if row is None:
            return
        ref = row.position.ref

        def answered(reason: str | None) -> None:
            if reason:
                self._done(lambda: act(ref, reason))

        self.app.push_screen(ReasonScreen(prompt.format(ref=ref)), answered)

    def action_cancel(self) -> None:
        self._with_reason(
            _("Cancel the remainder of {ref}: why?"),
            lambda ref, reason: stale_actions.cancel(self.app.store, [ref], login=self.app.login, reason=reason),
        )

    def action_close(self) -> None:
        self._with_reason(
            _("Close {ref} as complete: why?"),
            lambda ref, reason: stale_actions.close(self.app.store, [ref], login=self.app.login, reason=reason),
        )

    def action_restore(self) -> None:
        self._with_reason(
            _("Restore {ref} (undo a cancel or close): why?"),
            lambda ref, reason: stale_actions.restore(self.app.store, [ref], login=self.app.login, reason=reason),
        )

    def _with_form(
        self,
        prompt: str,
        fields: list[tuple[str, str, str, bool]],
        act: Callable[[str, dict], Disposal],
        checks: dict[str, Callable[[str], object]] | None = None,
    ) -> None:
        row = self._target()
        if row is None:
            return
        ref = row.position.ref

        def answered(values: dict[str, str] | None) -> None:
            if values:
                self._done(lambda: act(ref, values))

        self.app.push_screen(FormScreen(prompt.format(ref=ref), fields, checks), answered)

    def action_extend(self) -> None:
        def act(ref: str, values: dict[str, str]) -> Disposal:
            return stale_actions.extend(
                self.app.store,
                [ref],
                month_from_text(values["month"]),  # read already: the dialog checked it
                login=self.app.login,
                reason=values["reason"],
                confirmation=values["confirmation"] or None,
            )

        self._with_form(
            _("Extend {ref}: new requested month"),
            [
                ("month", _("new month, YYYY-MM"), "", True),
                ("confirmation", _("client's confirmation (letter, call)"), "", False),
                ("reason", _("reason"), "", True),
            ],
            act,
            {"month": month_from_text},
        )

    def action_priority(self) -> None:
        def act(ref: str, values: dict[str, str]) -> Disposal:
            priority = stale_actions.parse_priority(values["priority"])
            return stale_actions.prioritise(
                self.app.store, [ref], priority, login=self.app.login, reason=values["reason"]
            )

        row = self._selected()
        current = row.position.manual_priority if row else None
        self._with_form(
            _("Priority of {ref}: 1 (highest), 2, 3 or none"),
            [
                ("priority", _("1, 2, 3 or none"), str(current) if current else "none", True),
                ("reason", _("reason"), "", True),
            ],
            act,
        )


def _describe_disposed(row: DisposedPosition) -> str:
    """The detail lines of a cancelled or closed position."""
    p, done = row.position, row.disposed
    tonnes = {
        "state": state_label(row.state),
        "cancelled": grouped(done.tonnes_cancelled),
        "made": grouped(p.tonnes_produced),
        "ordered": grouped(p.tonnes_ordered),
    }
    return "\n".join(
        [
            _("{ref} · {customer} · manager {manager} · line {line}").format(
                ref=p.ref, customer=p.customer, manager=p.sales_manager, line=p.product_line
            ),
            _("{state} on {at} by {who} · {cancelled} t cancelled, {made} t made of {ordered} t").format(
                at=plant_clock(done.at), who=row.who, **tonnes
            )
            if done.at
            else _("{state} · {cancelled} t cancelled, {made} t made of {ordered} t").format(**tonnes),
            _("u restores it (its remainder is to make again)"),
        ]
    )
