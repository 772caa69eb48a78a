"""The capable-to-promise answer for a deal, in a modal dialog (read only)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label

from core.i18n import _
from core.promise import Promise
from core.promise_views import displaced_line, promise_text


class PromiseScreen(ModalScreen[None]):
    """Whether the requested month can be met (else the earliest), the new tonnes by month,
    who is displaced and the lateness caused; Esc or Enter closes."""

    BINDINGS = [Binding("escape,enter", "close", _("Close"), id="promise.close")]

    def __init__(self, answer: Promise) -> None:
        super().__init__()
        self.answer = answer

    def compose(self) -> ComposeResult:
        displaced = [f"  {displaced_line(d)}" for d in self.answer.displaced]
        with Vertical(classes="dialog"):
            yield Label(promise_text(self.answer), id="promise-text", classes="dialog-question", markup=False)
            if displaced:
                yield Label("\n".join([_("Displaced:"), *displaced]), id="promise-displaced", markup=False)
            yield Label(_("Esc/Enter to close"), classes="dialog-help")

    def action_close(self) -> None:
        self.dismiss(None)
