"""Messages the panes post upward when background work ends (past-tense names)."""

from __future__ import annotations

from textual.message import Message

from millplan.core.access.permissions import Actor
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
    """A month's assignment for a product line was read again (``None``: not planned yet;
    ``forecast_by`` then the revision whose horizon plan forecasts the month, if one does).

    It names its month and line: a result that arrives after the pane moved on is
    ignored, never shown under another month."""

    def __init__(
        self, month: Month, product_line: str, assignment: Assignment | None, forecast_by: Assignment | None = None
    ) -> None:
        super().__init__()
        self.month = month
        self.product_line = product_line
        self.assignment = assignment
        self.forecast_by = forecast_by


class PlanFinished(Message):
    """The prioritiser finished and its draft was saved."""

    def __init__(self, outcome: PlanOutcome) -> None:
        super().__init__()
        self.outcome = outcome


class StoreChanged(Message):
    """Something was written here (a deal accepted, a plan saved): the app looks at the
    store's change counter at once instead of at its next poll (:class:`StoreMoved`)."""


class ApprovalRefreshed(Message):
    """The approval view of a month and line was read again (see :func:`millplan.core.views.approval.board`)."""

    def __init__(self, board: Board) -> None:
        super().__init__()
        self.board = board


class StoreMoved(Message):
    """The store's change counter was read and had moved (or was asked for anyway): with
    it, what the whole workstation reads again — the product lines, the acting user's
    roles, his unread notifications. ``ticket`` orders the looks: an older one's answer
    that arrives late is ignored."""

    def __init__(self, ticket: int, change: int, product_lines: list[str], actor: Actor, unread: int) -> None:
        super().__init__()
        self.ticket = ticket
        self.change = change
        self.product_lines = product_lines
        self.actor = actor
        self.unread = unread


class ActualsRefreshed(Message):
    """A month's plan against actual was read again for one product line; a result that
    arrives after the pane moved to another month or line is ignored."""

    def __init__(self, month: Month, product_line: str | None, report: MonthFulfilment) -> None:
        super().__init__()
        self.month = month
        self.product_line = product_line
        self.report = report
