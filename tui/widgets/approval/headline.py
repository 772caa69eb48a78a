"""The Approval pane's headline: the revision and its state on the title line, then what is
at stake and what the user is told (who he is, or why approval waits)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Static

from millplan.core.domain.i18n import _
from millplan.core.domain.numbers import grouped
from millplan.core.domain.states import state_label
from millplan.core.views import approval
from millplan.core.views.approval import Board


class Headline(Vertical):
    """Title (``#approval-title``) and two summary lines (``#approval-summary``)."""

    DEFAULT_CSS = """
    Headline {
        height: auto;
    }
    """

    def compose(self) -> ComposeResult:
        yield Static(id="approval-title", classes="title", markup=False)
        yield Static(id="approval-summary", markup=False)

    def say(self, title: str) -> None:
        """Put ``title`` on the title line (while there is no board to show)."""
        self.query_one("#approval-title", Static).update(title)

    def show(self, b: Board) -> None:
        """Show ``b``'s revision, state and stakes."""
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
        self.say(head)
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
