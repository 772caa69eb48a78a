"""``millplan plan``: run the prioritiser for a month and its horizon, with the planner's options."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Any

import typer

from millplan.commands.assignment import show_assignment
from millplan.commands.common import (
    JsonOption,
    MonthOption,
    XlsxOption,
    emit,
    err,
    handled,
    login_of,
    month_of,
    solving,
    store_of,
)
from millplan.core.domain.i18n import _, ngettext
from millplan.core.domain.months import Month, month_text
from millplan.core.domain.numbers import grouped
from millplan.core.domain.states import solver_status_label
from millplan.core.planning import run as planning
from millplan.core.planning.options import DEFAULT_TIME_LIMIT, FIRST_PLAN_HORIZON, typed_changes
from millplan.core.views.assignment import plan_document
from millplan.solver.control import Deadline


class SolverName(str, Enum):
    """The solvers ``--solver`` may name (HiGHS, the default, or CBC)."""

    HIGHS = "highs"
    CBC = "cbc"


class ProgressHours(str, Enum):
    """How ``--progress-hours`` counts the hours left in the month in progress."""

    CALENDAR = "calendar"
    ACTUALS = "actuals"


@handled
def plan(
    ctx: typer.Context,
    month: str = MonthOption,
    line: str | None = typer.Option(None, "--line", "-l", help="Only this product line (default: all)."),
    horizon: int | None = typer.Option(
        None,
        "--horizon",
        min=1,
        max=12,
        help=f"Months planned from this one (default {FIRST_PLAN_HORIZON} the first time; a re-plan keeps the month's).",
    ),
    whole: bool | None = typer.Option(None, "--whole/--split", help="Whole positions: one mill, one month each."),
    min_lot: list[str] | None = typer.Option(
        None, "--min-lot", help="Least tonnes of a position on a mill in a month, MILL=T (repeat)."
    ),
    mandatory: list[str] | None = typer.Option(
        None, "--mandatory", help="Position (DEAL#NO) that must be in this month in full (repeat)."
    ),
    lock: list[str] | None = typer.Option(
        None, "--lock", help="Position held on a mill in a month, DEAL#NO=MILL@YYYY-MM[:T] (repeat)."
    ),
    lateness_penalty: float | None = typer.Option(
        None, "--lateness-penalty", min=0, help="RUB per tonne per month late."
    ),
    early_months: int | None = typer.Option(
        None, "--early-months", min=0, max=11, help="Months a position may be made early."
    ),
    stability: float | None = typer.Option(
        None, "--stability", min=0, help="RUB per tonne changed against the approved revision."
    ),
    solver: SolverName | None = typer.Option(None, "--solver", help="HiGHS (default) or CBC."),
    time_limit: float | None = typer.Option(
        None,
        "--time-limit",
        min=0.1,
        help=f"Seconds for the whole plan, all lines together (default: the month's own, else {DEFAULT_TIME_LIMIT:g}).",
    ),
    gap: float | None = typer.Option(None, "--gap", min=0, max=99, help="Relative gap accepted, %."),
    progress_hours: ProgressHours | None = typer.Option(
        None,
        "--progress-hours",
        help="Re-planning the month in progress: each mill's hours left pro rata to the days left "
        "(calendar, the default) or the month's hours less those its actuals used (actuals).",
    ),
    clear: bool = typer.Option(False, "--clear-options", help="Forget the options the month was planned with first."),
    xlsx: Path | None = XlsxOption,
    as_json: bool = JsonOption,
) -> None:
    """Run the prioritiser for a month and the months after it; save the month as a draft
    assignment and the later months as its forecast. Options given are kept with the
    revision; options not given are those the month was last planned with."""
    changes = typed_changes(
        horizon=horizon,
        whole=whole,
        min_lot=min_lot,
        mandatory=mandatory,
        locks=lock,
        lateness_penalty=lateness_penalty,
        early_months=early_months,
        stability=stability,
        solver=solver.value if solver else None,
        time_limit=time_limit,
        gap=gap,
        progress_hours=progress_hours.value if progress_hours else None,
        clear=clear,
    )
    store, plan_month, login = store_of(ctx), month_of(month), login_of(ctx)
    doing: dict[str, Any] = {}
    outcomes = solving(
        lambda: planning.plan(
            store,
            plan_month,
            login=login,
            product_line=line,
            options=changes,
            progress=lambda name, number, count: doing.update(line=name, number=number, count=count),
        ),
        lambda deadline: (doing["line"], _progress(plan_month, doing, deadline)) if doing else None,
    )
    if as_json:
        emit(plan_document(outcomes))
    else:
        _show(outcomes)
    for warning in (w for outcome in outcomes for w in outcome.warnings):
        err.print(_("warning: {warning}").format(warning=warning), soft_wrap=True)


def _show(outcomes: list[planning.PlanOutcome]) -> None:
    """Each saved draft and how the solver reached it, for people."""
    for outcome in outcomes:
        show_assignment(outcome.assignment, limit=15)
        err.print(
            ngettext(
                "{considered} position considered; solver {name}: {status} in {seconds} s",
                "{considered} positions considered; solver {name}: {status} in {seconds} s",
                outcome.considered,
            ).format(
                considered=outcome.considered,
                name=outcome.solver_name,
                status=solver_status_label(outcome.solver_status, outcome.gap),
                seconds=grouped(outcome.seconds, 2),
            )
        )
        if outcome.moved_lines:
            err.print(
                ngettext(
                    "{n} line of the approved revision moved",
                    "{n} lines of the approved revision moved",
                    outcome.moved_lines,
                ).format(n=outcome.moved_lines)
            )
        for note in outcome.notes:
            err.print(_("note: {note}").format(note=note))


def _progress(month: Month, doing: dict[str, Any], deadline: Deadline) -> str:
    """``planning 2027-01 ТБД (line 2 of 4): 3 s of 10 s — Ctrl+C stops, nothing saved``."""
    said = (
        _("planning {month} {line} (line {number} of {count}): {elapsed:.0f} s — Ctrl+C stops, nothing is saved")
        if deadline.seconds is None
        else _(
            "planning {month} {line} (line {number} of {count}): {elapsed:.0f} s of {limit:g} s "
            "— Ctrl+C stops, nothing is saved"
        )
    )
    return said.format(
        month=month_text(month),
        line=doing["line"],
        number=doing["number"],
        count=doing["count"],
        elapsed=deadline.elapsed(),
        limit=deadline.seconds,
    )
