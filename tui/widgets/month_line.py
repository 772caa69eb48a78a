"""Stepping a pane that shows one month × product line at a time: ``[``/``]`` the month,
``l`` the next line; the lines are taken afresh when mills are imported meanwhile."""

from __future__ import annotations

from millplan.core.domain.months import Month


class MonthAndLine:
    """Mixin of a pane with ``month``, ``lines`` and ``line`` (``None``: no product line
    yet); :meth:`moved` forgets what the pane showed and reads the new month or line."""

    month: Month
    lines: list[str]
    line: str | None

    def moved(self) -> None:
        raise NotImplementedError

    def set_product_lines(self, lines: list[str]) -> None:
        """Take the product lines afresh (mills imported while the workstation was open)."""
        self.lines = lines
        if self.line not in lines:
            self.line = lines[0] if lines else None

    def action_month(self, step: int) -> None:
        self.month = self.month + step
        self.moved()

    def action_next_line(self) -> None:
        if self.lines:
            self.line = self.lines[(self.lines.index(self.line) + 1) % len(self.lines)]
            self.moved()
