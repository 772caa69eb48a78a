"""The capable-to-promise answer for a deal, in a modal dialog (read only)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Label

from core.i18n import _
from core.promise import Promise
from core.promise_views import displaced_line, promise_text


class PromiseScreen(ModalScreen[None]):
    """Whether the requested month can be met (else the earliest), the new tonnes by month,
    who is displaced — key flag, sales manager, lateness caused — in a list that scrolls
    within 80×24 (↑/↓); Esc or Enter closes."""

    DEFAULT_CSS = """
    PromiseScreen { align: center middle; }
    PromiseScreen .dialog { width: 78; max-height: 100%; padding: 0 1; }
    PromiseScreen #promise-displaced { height: auto; max-height: 10; }
    PromiseScreen .promise-displaced-line { width: 100%; }
    """

    BINDINGS = [Binding("escape,enter", "close", _("Close"), id="promise.close")]

    def __init__(self, answer: Promise) -> None:
        super().__init__()
        self.answer = answer

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(promise_text(self.answer), id="promise-text", classes="dialog-question", markup=False)
            if self.answer.displaced:
                yield Label(_("Displaced:"))
                with VerticalScroll(id="promise-displaced"):
                    for d in self.answer.displaced:
                        yield Label(f"• {displaced_line(d)}", classes="promise-displaced-line", markup=False)
            yield Label(_("Esc/Enter to close"), classes="dialog-help")

    def action_close(self) -> None:
        self.dismiss(None)
