"""The Approval pane's headline: the revision and its state on the title line, then what is
at stake and what the user is told (who he is, or why approval waits)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Static

from millplan.core.domain.i18n import _
from millplan.core.domain.months import month_text
from millplan.core.domain.states import state_label
from millplan.core.views import approval
from millplan.core.views.approval import Board


class Headline(Vertical):
    """Title (``#approval-title``), the open counts and what is at stake
    (``#approval-counts``, two lines), and what the user is told (``#approval-summary``:
    who he is, or why approval waits; at most two lines). What is open is counted, never
    listed, so however much is open the headline keeps its few lines and the section's
    table stays on screen."""

    DEFAULT_CSS = """
    Headline {
        height: auto;
    }
    Headline > #approval-counts {
        height: auto;
        max-height: 4;
        padding: 0 1;
    }
    Headline > #approval-summary {
        height: auto;
        max-height: 2;
        padding: 0 1;
    }
    """

    def compose(self) -> ComposeResult:
        yield Static(id="approval-title", classes="title", markup=False)
        yield Static(id="approval-counts", markup=False)
        yield Static(id="approval-summary", markup=False)

    def say(self, title: str) -> None:
        """Put ``title`` on the title line (while there is no board to show)."""
        self.query_one("#approval-title", Static).update(title)

    def show(self, b: Board) -> None:
        """Show ``b``'s revision, state, open counts and stakes."""
        head = f"{month_text(b.month)} · {b.product_line} · "
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
        self.say(head)
        self.query_one("#approval-counts", Static).update(f"{approval.open_counts(b)}\n{approval.at_stake(b)}")
        if b.who.notice:  # not a registered user: he may look, not act
            said = b.who.notice
        elif b.latest is not None and b.latest.stale:
            said = _("Stale: {why} — re-plan (F4, F5).").format(why=b.latest.stale_reason)
        else:
            said = approval.blocking(b) or self._fitted(
                _("{name} ({role}) · [ ] month · l line · s section · h history").format(
                    name=b.who.name, role=approval.role_name(b.who)
                )
            )
        self.query_one("#approval-summary", Static).update(said)

    def _fitted(self, line: str) -> str:
        """``line``'s ``·``-separated parts, as many as fit one line of the headline (the
        keys left out are in the footer and F1)."""
        room = (self.size.width or self.app.size.width) - 2  # the padding
        parts = line.split(" · ")
        while len(parts) > 1 and len(" · ".join(parts)) > room:
            parts.pop()
        return " · ".join(parts)
