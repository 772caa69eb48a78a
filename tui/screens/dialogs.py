"""Small modal dialogs: confirm an action, or ask for a reason."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label

from millplan.core.domain.errors import MillplanError
from millplan.core.domain.i18n import _


class ConfirmScreen(ModalScreen[bool]):
    """Ask a yes/no question; dismisses with ``True`` for yes (Enter or ``y``; ``н`` in the
    Russian layout), ``False`` for no (``n``/``т`` or Esc).

    Only keys pressed after the dialog is on screen answer it: a key typed ahead — read
    from the terminal while the action that opens the dialog still ran — is dropped, so
    a quick ``a`` then Enter meant for the pane never approves by accident."""

    BINDINGS = [
        Binding("enter,y", "answer(True)", _("Yes"), key_display="Enter", id="confirm.yes"),
        Binding("n,escape", "answer(False)", _("No"), id="confirm.no"),
    ]

    def __init__(self, question: str) -> None:
        super().__init__()
        self.question = question
        self.opened = math.inf  # monotonic time the dialog was mounted; no key counts before

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(self.question, classes="dialog-question", markup=False)
            yield Label(_("[b]Enter[/b]/[b]y[/b] yes · [b]n[/b]/Esc no"), classes="dialog-help")

    def on_mount(self, event: events.Mount) -> None:
        self.opened = event.time

    def answers(self, key: events.Key) -> bool:
        """Whether ``key`` may answer: it was read after the dialog was mounted. A key the
        app still routes through the pane beneath (read before) is dropped by the app
        (``MillplanApp.on_key``), one sent here by :meth:`on_key`."""
        return key.time >= self.opened

    def on_key(self, event: events.Key) -> None:
        if not self.answers(event):
            event.stop()
            event.prevent_default()

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)


class ReasonScreen(ModalScreen[str | None]):
    """Ask for a reason in one line; dismisses with the text, or ``None`` if cancelled."""

    BINDINGS = [Binding("escape", "cancel", _("Cancel"), id="reason.cancel")]

    def __init__(self, prompt: str) -> None:
        super().__init__()
        self.prompt = prompt

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(self.prompt, classes="dialog-question", markup=False)
            yield Input(placeholder=_("reason"), id="reason")
            yield Label(_("Enter to confirm · Esc to cancel"), classes="dialog-help")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        text = event.value.strip()
        if text:
            self.dismiss(text)
        else:
            self.notify(_("A reason is required."), severity="warning")

    def action_cancel(self) -> None:
        self.dismiss(None)


class FormScreen(ModalScreen[dict[str, str] | None]):
    """Ask for a few one-line fields (e.g. a later month and a reason); dismisses with
    ``{name: text}``, or ``None`` if cancelled. ``fields`` are ``(name, placeholder,
    initial value, required)``; Enter moves to the next field and confirms on the last.
    ``checks``: field name → a function that reads its text and raises ``ValueError`` or a
    :class:`MillplanError` when it is wrong; the dialog then stays open, everything typed
    kept, the error said under that field and the cursor in it."""

    BINDINGS = [Binding("escape", "cancel", _("Cancel"), id="form.cancel")]

    def __init__(
        self,
        prompt: str,
        fields: list[tuple[str, str, str, bool]],
        checks: Mapping[str, Callable[[str], object]] | None = None,
    ) -> None:
        super().__init__()
        self.prompt = prompt
        self.fields = fields
        self.checks = dict(checks or {})

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(self.prompt, classes="dialog-question", markup=False)
            for name, placeholder, value, _required in self.fields:
                yield Input(value=value, placeholder=placeholder, id=f"field-{name}")
                if name in self.checks:
                    error = Label("", id=f"error-{name}", classes="field-error", markup=False)
                    error.display = False
                    yield error
            yield Label(_("Enter: next field / confirm · Esc to cancel"), classes="dialog-help")

    def _checked(self, name: str) -> bool:
        """Whether field ``name`` reads (a field without a check, or left empty, always does);
        else its error shown under it and the cursor put in it."""
        field = self.query_one(f"#field-{name}", Input)
        if name not in self.checks or not field.value.strip():
            return True
        error = self.query_one(f"#error-{name}", Label)
        try:
            self.checks[name](field.value.strip())
        except (ValueError, MillplanError) as exc:
            error.update(str(exc))
            error.display = True
            field.focus()
            return False
        error.display = False
        return True

    def on_input_submitted(self, event: Input.Submitted) -> None:
        inputs = list(self.query(Input))
        index = inputs.index(event.input)
        if not self._checked(event.input.id.removeprefix("field-")):
            return
        if index + 1 < len(inputs):
            inputs[index + 1].focus()
            return
        if not all(self._checked(name) for name, *_rest in self.fields):
            return
        values = {name: self.query_one(f"#field-{name}", Input).value.strip() for name, *_rest in self.fields}
        missing = [placeholder for name, placeholder, _value, required in self.fields if required and not values[name]]
        if missing:
            self.notify(_("Fill in: {what}.").format(what=", ".join(missing)), severity="warning")
            return
        self.dismiss(values)

    def action_cancel(self) -> None:
        self.dismiss(None)
