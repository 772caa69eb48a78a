"""A position typed in by hand, for capable-to-promise: size, grade, standard, tonnes, money."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Checkbox, Input, Label

from millplan.core.domain.i18n import _


def fields() -> tuple[tuple[str, str], ...]:
    """(key, label) of each input, in the order they are filled; labels in the user's language."""
    return (
        ("line", _("product line")),
        ("od_mm", _("OD, mm")),
        ("wall_mm", _("wall, mm")),
        ("steel_grade", _("steel grade")),
        ("standard", _("standard")),
        ("tonnes", _("tonnes")),
        ("price", _("price, RUB/t")),
        ("metal_cost", _("metal cost, RUB/t")),
    )


NUMBERS = {"od_mm", "wall_mm", "tonnes"}
MONEY = {"price", "metal_cost"}


class PositionFormScreen(ModalScreen[dict | None]):
    """Ask for a position; dismisses with its values (floats, Decimal money, text, and
    ``key_account`` a bool) or ``None`` if cancelled. Enter moves to the next input and, on
    the last, submits; Tab also reaches the key-account box (space ticks it)."""

    BINDINGS = [Binding("escape", "cancel", _("Cancel"), id="position_form.cancel")]
    # each input keeps its full height and a label beside it; the fields scroll inside a
    # dialog that fits 80×24, and the focused one is scrolled into view
    DEFAULT_CSS = """
    PositionFormScreen { align: center middle; }
    PositionFormScreen .dialog { height: 22; max-height: 100%; padding: 0 1; }
    PositionFormScreen #form-fields { height: 1fr; }
    PositionFormScreen .form-row { height: 3; }
    PositionFormScreen .form-row Label { width: 20; padding: 1 1 0 0; }
    PositionFormScreen .form-row Input { width: 1fr; }
    PositionFormScreen Checkbox { margin-left: 20; }
    """

    def __init__(self, line: str | None = None) -> None:
        super().__init__()
        self.line = line

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(_("Promise a position typed in by hand"), classes="dialog-question")
            # not focusable itself: Tab and Enter go field to field, each scrolled into view
            with VerticalScroll(id="form-fields", can_focus=False):
                for key, label in fields():
                    with Horizontal(classes="form-row"):
                        yield Label(label, id=f"label-{key}")
                        yield Input(
                            value=(self.line or "") if key == "line" else "", placeholder=label, id=f"form-{key}"
                        )
                yield Checkbox(_("key account (as the CLI's --key)"), id="form-key_account")
            yield Label(_("Enter: next / promise · Tab, space: key account · Esc: cancel"), classes="dialog-help")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        keys = [key for key, _label in fields()]
        key = event.input.id.removeprefix("form-")
        if key != keys[-1]:
            self.query_one(f"#form-{keys[keys.index(key) + 1]}", Input).focus()
            return
        values = self.values()
        if values is not None:
            self.dismiss(values)

    def values(self) -> dict | None:
        """The inputs read, or ``None`` (with a warning naming the field) when one is bad."""
        values: dict = {}
        for key, placeholder in fields():
            text = self.query_one(f"#form-{key}", Input).value.strip()
            if key in NUMBERS | MONEY:  # "95 000,50" as people type it
                text = text.replace(",", ".").replace(" ", "")
            try:
                if not text:
                    raise ValueError
                values[key] = float(text) if key in NUMBERS else Decimal(text) if key in MONEY else text
            except (ValueError, InvalidOperation):
                self.notify(_("{field}: a value is needed").format(field=placeholder), severity="warning")
                self.query_one(f"#form-{key}", Input).focus()
                return None
        values["key_account"] = self.query_one("#form-key_account", Checkbox).value
        return values

    def action_cancel(self) -> None:
        self.dismiss(None)
