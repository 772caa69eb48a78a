"""The Approval pane's section bar: every section, the current one bracketed and reversed
(it reads without colour), with the count of what is still open in it."""

from __future__ import annotations

from textual.widgets import Static

from millplan.core.domain.i18n import _
from millplan.core.views.approval import Board
from millplan.tui.widgets.sections import section_bar

SECTIONS = ("diff", "mills", "conflicts", "requests", "escalations", "reviews", "positions")
"""The pane's sections in the order ``s`` steps through them."""


def section_labels() -> dict[str, str]:
    """Each of :data:`SECTIONS` → its label in the user's language."""
    return {
        "diff": _("Diff"),
        "mills": _("Mills"),
        "conflicts": _("Conflicts"),
        "requests": _("Requests"),
        "escalations": _("Escal."),
        "reviews": _("Review"),
        "positions": _("Positions"),
    }


class SectionBar(Static):
    """``s [Diff]  Mills  Conflicts 1 …``: the line above the section's table."""

    def show(self, section: str, b: Board | None) -> None:
        """Mark ``section`` as current; count the open items of board ``b`` (if read yet)."""
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
        labels = {
            key: f"{label} {counts[key]}" if counts.get(key) else label for key, label in section_labels().items()
        }
        self.update(section_bar(labels, section))
