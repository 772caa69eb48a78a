"""How the Approval pane acts: one core call at a time in a thread worker, then a
notification and a fresh read; and the checks every action key starts with (is a
revision planned, is the right row highlighted)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual import work

from millplan.core.domain.i18n import _
from millplan.core.domain.months import month_text
from millplan.core.views.approval import Board
from millplan.tui.background import in_thread
from millplan.tui.messages import StoreChanged
from millplan.tui.widgets.approval.section_bar import section_labels
from millplan.tui.widgets.approval.section_table import POSITION_SECTIONS


class Acting:
    """Mixed into :class:`~millplan.tui.widgets.approval.pane.ApprovalPane` (a widget):
    running core calls and finding what they act on. The pane provides ``board``,
    ``section``, ``_go``, ``_item``, ``_position`` and ``_assignment``."""

    board: Board | None
    section: str
    busy: str | None

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
                    month=month_text(self.month), line=self.line
                ),
                severity="warning",
            )
        return latest

    def _need(self, section: str, what: str) -> Any:
        """The highlighted item of ``section`` (moving there if elsewhere), or None after
        saying what to highlight."""
        if self.section != section:
            self._go(section)
        item = self._item()
        if item is None:
            self.notify(
                _("Highlight {what} in the {section} section first.").format(
                    what=what, section=section_labels()[section]
                ),
                severity="warning",
            )
        return item

    def _position_or_say(self) -> str | None:
        ref = self._position()
        if ref is None:
            if self.section not in POSITION_SECTIONS:
                self._go("positions")
            self.notify(_("Highlight a position (Positions section) first."), severity="warning")
        return ref
