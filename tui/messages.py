"""Messages the panes post upward when background work ends (past-tense names)."""

from __future__ import annotations

from textual.message import Message

from core.deals import DealSummary
from core.load import LoadReport
from core.model import Assignment
from core.planning import PlanOutcome


class LoadRefreshed(Message):
    """A fresh mill-load report was computed."""

    def __init__(self, report: LoadReport) -> None:
        super().__init__()
        self.report = report


class DealsRefreshed(Message):
    """The deals waiting for acceptance were read again."""

    def __init__(self, summaries: list[DealSummary]) -> None:
        super().__init__()
        self.summaries = summaries


class AssignmentRefreshed(Message):
    """The shown month's assignment was read again (``None``: not planned yet)."""

    def __init__(self, assignment: Assignment | None) -> None:
        super().__init__()
        self.assignment = assignment


class PlanFinished(Message):
    """The prioritiser finished and its draft was saved."""

    def __init__(self, outcome: PlanOutcome) -> None:
        super().__init__()
        self.outcome = outcome


class StoreChanged(Message):
    """Something was written (a deal accepted, a plan saved): panes showing it reload."""
