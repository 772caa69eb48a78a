"""Messages the panes post upward when background work ends (past-tense names)."""

from __future__ import annotations

from textual.message import Message

from millplan.core.domain.assignment import Assignment
from millplan.core.domain.fulfilment import MonthFulfilment
from millplan.core.domain.months import Month
from millplan.core.planning.load import LoadReport
from millplan.core.planning.run import PlanOutcome
from millplan.core.views.approval import Board
from millplan.core.workflow.deals import DealSummary


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
    """A month's assignment for a product line was read again (``None``: not planned yet).

    It names its month and line: a result that arrives after the pane moved on is
    ignored, never shown under another month."""

    def __init__(self, month: Month, product_line: str, assignment: Assignment | None) -> None:
        super().__init__()
        self.month = month
        self.product_line = product_line
        self.assignment = assignment


class PlanFinished(Message):
    """The prioritiser finished and its draft was saved."""

    def __init__(self, outcome: PlanOutcome) -> None:
        super().__init__()
        self.outcome = outcome


class StoreChanged(Message):
    """Something was written (a deal accepted, a plan saved): panes showing it reload."""


class ApprovalRefreshed(Message):
    """The approval view of a month and line was read again (see :func:`millplan.core.views.approval.board`)."""

    def __init__(self, board: Board) -> None:
        super().__init__()
        self.board = board


class InboxCounted(Message):
    """The acting user's unread notifications were counted (the header's badge)."""

    def __init__(self, unread: int) -> None:
        super().__init__()
        self.unread = unread


class ActualsRefreshed(Message):
    """A month's plan against actual was read again for one product line; a result that
    arrives after the pane moved to another month or line is ignored."""

    def __init__(self, month: Month, product_line: str | None, report: MonthFulfilment) -> None:
        super().__init__()
        self.month = month
        self.product_line = product_line
        self.report = report
