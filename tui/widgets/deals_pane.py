"""Deal acceptance pane: deals waiting for acceptance, what they bring, what they load."""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import DataTable, Static

from millplan.core.access.permissions import Action
from millplan.core.domain.i18n import _
from millplan.core.domain.months import month_text
from millplan.core.domain.numbers import grouped, size
from millplan.core.planning import promise
from millplan.core.planning.promise import Promise
from millplan.core.views.deals import deals_view
from millplan.core.workflow import deals
from millplan.core.workflow.deals import DealSummary
from millplan.tui.background import in_thread
from millplan.tui.messages import DealsRefreshed, StoreChanged
from millplan.tui.screens.dialogs import ConfirmScreen, ReasonScreen
from millplan.tui.screens.position_form import PositionFormScreen
from millplan.tui.screens.promise_dialog import PromiseScreen
from millplan.tui.widgets.view_table import ViewTable


class PromiseComputed(Message):
    """Capable-to-promise for a deal was worked out (nothing saved)."""

    def __init__(self, answer: Promise) -> None:
        super().__init__()
        self.answer = answer


class DealsPane(Vertical):
    """Waiting deals; accept (F6 / a), reject with a reason (F7 / x), or ask by when it
    could be made and what it would displace (F5 / p) — or a position typed in (F9 / t)."""

    BINDINGS = [
        Binding("f6", "accept", _("Accept"), id="deals.accept"),
        Binding("a", "accept", _("Accept"), show=False, id="deals.accept_letter"),
        Binding("f7", "reject", _("Reject"), id="deals.reject"),
        Binding("x", "reject", _("Reject"), show=False, id="deals.reject_letter"),
        Binding("f5", "promise", _("Promise"), id="deals.promise"),
        Binding("p", "promise", _("Promise"), show=False, id="deals.promise_letter"),
        Binding("f9", "promise_typed", _("Promise typed"), id="deals.promise_typed"),
        Binding("t", "promise_typed", _("Promise typed"), show=False, id="deals.promise_typed_letter"),
    ]

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.summaries: dict[str, DealSummary] = {}

    def compose(self) -> ComposeResult:
        yield ViewTable(id="deals-table")
        yield Static(_("Reading deals…"), id="deal-detail", classes="detail", markup=False)

    def on_mount(self) -> None:
        self.reload()

    def reload(self) -> None:
        self._read()

    @work(thread=True, exclusive=True, exit_on_error=False, group="deals")
    def _read(self) -> None:
        self.post_message(DealsRefreshed(deals.summaries(self.app.store)))

    @on(DealsRefreshed)
    def _show(self, message: DealsRefreshed) -> None:
        self.summaries = {s.deal.number: s for s in message.summaries}
        table = self.query_one(ViewTable)
        table.show(deals_view(message.summaries))
        if not message.summaries:
            self.query_one("#deal-detail", Static).update(_("No deal is waiting for acceptance."))
        self._describe()

    @on(DataTable.RowHighlighted)
    def _describe(self) -> None:
        self.refresh_bindings()  # Accept and Reject depend on the highlighted deal's lines
        summary = self._selected()
        if summary is None:
            return
        deal = summary.deal
        lines = [
            _("{number} · {customer}{key} · manager {manager}").format(
                number=deal.number,
                customer=deal.customer,
                manager=deal.sales_manager,
                key=" · " + _("KEY ACCOUNT") if deal.is_key_account else "",
            )
        ]
        loads = ", ".join(
            _("{mill} {hours} h").format(mill=code, hours=grouped(hours))
            for code, hours in sorted(summary.mill_hours.items())
        )
        lines.append(
            _("{tonnes} t · marginal income {income} RUB · would load {loads}").format(
                tonnes=grouped(summary.tonnes), income=grouped(summary.marginal_income), loads=loads or _("no mill")
            )
        )
        for p in summary.positions:
            lines.append(
                "  "
                + _("#{no} {pipe} {size} {grade} {standard} · {tonnes} t · {month}").format(
                    no=p.position_no,
                    pipe=p.pipe_type,
                    size=size(p.od_mm, p.wall_mm),
                    grade=p.steel_grade,
                    standard=p.standard,
                    tonnes=grouped(p.remaining_tonnes),
                    month=month_text(p.requested_month),
                )
            )
        if summary.unplaceable:
            lines.append(_("No mill can make: {refs}").format(refs=", ".join(summary.unplaceable)))
        self.query_one("#deal-detail", Static).update("\n".join(lines))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Accept and Reject show only on a deal the user may decide (core's rule: the
        director, or the manager of one of its product lines); core checks each call again."""
        if action in ("accept", "reject"):
            summary = self._selected()
            return summary is not None and any(
                self.app.actor.may(Action.DECIDE_DEAL, line=line) for line in _lines(summary)
            )
        return True

    def _may_decide(self, summary: DealSummary) -> bool:
        """Whether the user may decide ``summary``'s deal; if not, core's refusal is shown
        before any dialog."""
        lines = _lines(summary)
        # the line core names in its refusal: one the user owns, else the deal's first
        line = next((line for line in lines if self.app.actor.owns_line(line)), lines[0] if lines else None)
        return self.app.may_or_say(Action.DECIDE_DEAL, line=line, target=summary.deal.number)

    def _selected(self) -> DealSummary | None:
        row = self.query_one(ViewTable).selected
        return self.summaries.get(row["key"]) if row else None

    def action_accept(self) -> None:
        summary = self._selected()
        if summary is None or not self._may_decide(summary):
            return
        number = summary.deal.number

        def decided(yes: bool | None) -> None:
            if yes and self.app.attempt(lambda: deals.accept(self.app.store, number, login=self.app.login)):
                self.notify(_("Deal {number} accepted.").format(number=number))
                self.post_message(StoreChanged())

        self.app.push_screen(
            ConfirmScreen(
                _("Accept deal {number} ({tonnes} t, {customer})?").format(
                    number=number, tonnes=grouped(summary.tonnes), customer=summary.deal.customer
                )
            ),
            decided,
        )

    def action_reject(self) -> None:
        summary = self._selected()
        if summary is None or not self._may_decide(summary):
            return
        number = summary.deal.number

        def decided(reason: str | None) -> None:
            if reason and self.app.attempt(lambda: deals.reject(self.app.store, number, reason, login=self.app.login)):
                self.notify(_("Deal {number} rejected.").format(number=number))
                self.post_message(StoreChanged())

        self.app.push_screen(ReasonScreen(_("Reject deal {number}: why?").format(number=number)), decided)

    def action_promise(self) -> None:
        summary = self._selected()
        if summary is None:
            return
        self.notify(_("Working out by when {number} can be made…").format(number=summary.deal.number))
        self._promise(summary.deal.number)

    @work(exclusive=True, exit_on_error=False, group="promise")
    async def _promise(self, number: str) -> None:
        # a thread of its own (tui.background): quitting meanwhile stops the solver
        self.post_message(PromiseComputed(await in_thread(lambda: promise.promise_deal(self.app.store, number))))

    def action_promise_typed(self) -> None:
        def typed(values: dict | None) -> None:
            if values:
                self.notify(_("Working out by when it can be made…"))
                self._promise_typed(values)

        summary = self._selected()
        line = summary.positions[0].product_line if summary and summary.positions else None
        self.app.push_screen(PositionFormScreen(line), typed)

    @work(exclusive=True, exit_on_error=False, group="promise")
    async def _promise_typed(self, values: dict) -> None:
        self.post_message(
            PromiseComputed(
                await in_thread(
                    lambda: promise.promise_position(
                        self.app.store,
                        product_line=values["line"],
                        od_mm=values["od_mm"],
                        wall_mm=values["wall_mm"],
                        steel_grade=values["steel_grade"],
                        standard=values["standard"],
                        tonnes=values["tonnes"],
                        price=values["price"],
                        metal_cost=values["metal_cost"],
                        key_account=values["key_account"],
                    )
                )
            )
        )

    def on_worker_state_changed(self, event) -> None:  # noqa: ANN001 - Worker.StateChanged
        # a worker's state messages do not bubble: a failed promise is shown by the app's handler
        self.app.on_worker_state_changed(event)

    @on(PromiseComputed)
    def _promised(self, message: PromiseComputed) -> None:
        self.app.push_screen(PromiseScreen(message.answer))


def _lines(summary: DealSummary) -> list[str]:
    """The product lines of a deal's positions, sorted."""
    return sorted({p.product_line for p in summary.positions})
