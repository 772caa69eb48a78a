"""``millplan``: the command line for batch work, and the way into the workstation.

Every command is a thin call of one ``core`` function. People get Rich tables on stdout;
with ``--json`` stdout carries exactly one JSON document and messages go to stderr.

Exit codes: 0 done; 1 the input or request is wrong (the message says how); 2 usage;
3 no feasible plan; 4 the database cannot be reached; 5 not allowed; 6 the solver failed;
130 interrupted (Ctrl+C), nothing saved.
"""

from __future__ import annotations

import functools
import json
import os
import signal
import sys
import textwrap
import threading
import time
from collections.abc import Callable
from decimal import Decimal
from enum import Enum
from pathlib import Path
from typing import Any, TypeVar

import typer
from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from millplan.core import database
from millplan.core.access import identity, users
from millplan.core.access.permissions import actor
from millplan.core.demo import build_demo, demo_built, demo_paths
from millplan.core.domain.errors import InfeasiblePlan, Interrupted, InvalidInput, MillplanError
from millplan.core.domain.i18n import _
from millplan.core.domain.model import DealStatus
from millplan.core.domain.months import TODAY_ENV, Month, parse_day, plant_clock, today_set
from millplan.core.domain.notices import MailState
from millplan.core.domain.numbers import grouped
from millplan.core.domain.workflow import RequestState
from millplan.core.importing import mills as mills_import
from millplan.core.importing import portfolio as portfolio_import
from millplan.core.importing.problems import ImportRejected
from millplan.core.importing.report import ImportReport
from millplan.core.mail import notifications, outbox
from millplan.core.planning import capacity, load, promise
from millplan.core.planning import month_options as plan_options
from millplan.core.planning import run as planning
from millplan.core.planning.diff import diff_document, diff_view, mills_view, revision_diff
from millplan.core.planning.options import (
    DEFAULT_TIME_LIMIT,
    FIRST_PLAN_HORIZON,
    PlanOptions,
    parse_lock,
    parse_min_lot,
)
from millplan.core.views import documents
from millplan.core.views import history as audit
from millplan.core.views import horizon as horizon_views
from millplan.core.views import promise as promise_views
from millplan.core.views import tables as views
from millplan.core.views import workflow as workflow_views
from millplan.core.views.positions import attributes_document, attributes_view, position_attributes
from millplan.core.workflow import assignments, conflicts, deals, escalations, requests, reviews
from millplan.solver import control
from millplan.solver.control import Deadline
from millplan.storage.engine import default_url, store_url
from millplan.storage.store import Store, open_store

app = typer.Typer(
    name="millplan",
    help="Monthly production assignment for a pipe plant: import, plan, approve, monitor mill load.",
    no_args_is_help=False,
    pretty_exceptions_enable=False,
    add_completion=False,
)
import_app = typer.Typer(help="Import the plant's Excel files (mill register, order portfolio).", no_args_is_help=True)
deal_app = typer.Typer(help="Accept or reject deals waiting for acceptance.", no_args_is_help=True)
assignment_app = typer.Typer(help="Show and edit a month's draft assignment.", no_args_is_help=True)
app.add_typer(import_app, name="import")
app.add_typer(deal_app, name="deal")
app.add_typer(assignment_app, name="assignment")

# markup off: plant data (customer names, reasons) may hold brackets that Rich would eat
out = Console(highlight=False, markup=False)
err = Console(stderr=True, highlight=False, markup=False)


class SolverName(str, Enum):
    HIGHS = "highs"
    CBC = "cbc"


DbOption = typer.Option(
    None,
    "--db",
    envvar="MILLPLAN_DB",
    help="Database URL, or an SQLite file's path (default: an SQLite file in your data folder).",
)
JsonOption = typer.Option(False, "--json", help="Print one JSON document on stdout and nothing else.")
MonthOption = typer.Option(..., "--month", "-m", help="Plan month, YYYY-MM.")
LineOption = typer.Option(..., "--line", "-l", help="Product line code, e.g. ТБД.")


def handled(command: Callable) -> Callable:
    """Turn a :class:`MillplanError` into its message on stderr and the documented exit
    code — and, for a command run with ``--json``, into one JSON document on stdout too
    (``status`` ``infeasible``, ``rejected`` or ``error``), so a script always has one."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except MillplanError as exc:
            if kwargs.get("as_json"):
                _emit(_error_document(exc))
            err.print(Text.assemble(("error: ", "bold red"), str(exc)), soft_wrap=True)
            raise typer.Exit(exc.exit_code) from None

    return wrapper


def _error_document(exc: MillplanError) -> dict[str, Any]:
    if isinstance(exc, ImportRejected):
        return {
            "status": "rejected",
            "message": str(exc),
            "file": exc.path,
            "problems": [p.as_dict() for p in exc.problems],
            "exit_code": exc.exit_code,
        }
    status = "infeasible" if isinstance(exc, InfeasiblePlan) else "error"
    return {"status": status, "message": str(exc), "exit_code": exc.exit_code}


def _store(ctx: typer.Context, *, create: bool = False) -> Store:
    """The command's store. A database named by ``--db``/``MILLPLAN_DB`` must exist unless
    the command ``create``s one (an import): a mistyped path is an error, not a new empty
    plant. The default file in the data folder is made on first use."""
    obj = ctx.find_root().obj
    if "store" not in obj:  # one store per command, whatever asks for it first
        obj["store"] = open_store(obj["db"], create=create or not obj["named"])
    return obj["store"]


def _month(text: str) -> Month:
    try:
        return Month.parse(text)
    except ValueError as exc:
        raise InvalidInput(f"--month: {exc}") from None


def _emit(document: Any) -> None:
    sys.stdout.write(json.dumps(document, ensure_ascii=False, indent=2, default=str) + "\n")


def _table(title: str) -> Table:
    """A table in the house style: a rule under the header, no frame, one space between
    columns — so six months of mill load fit in 80 columns."""
    return Table(
        title=title, title_justify="left", header_style="bold", box=box.SIMPLE_HEAD, padding=(0, 0), pad_edge=False
    )


def _render(view: views.TableView, limit: int | None = None) -> None:
    table = _table(view.title)
    for column in view.columns:
        # only free text wraps: a number or a load bar split over two lines misleads
        table.add_column(
            column.header,
            justify="right" if column.numeric else "left",
            no_wrap=not column.wrap,
            min_width=len(column.header) if column.numeric else None,
        )
    rows = view.rows if limit is None else view.rows[:limit]
    for row in rows:
        table.add_row(*(views.cell_text(row.get(c.key), c) for c in view.columns))
    out.print(table)
    if limit is not None and len(view.rows) > limit:
        out.print(_("… {more} more rows (--json gives them all)").format(more=len(view.rows) - limit))


AsOption = typer.Option(None, "--as", help="Act as this login (admins only; written to the audit log).")
TodayOption = typer.Option(
    None,
    "--today",
    envvar=TODAY_ENV,
    help="The plant's date, YYYY-MM-DD, for a rehearsal or a cut-over (default: today).",
    show_default=False,
)


@app.callback(invoke_without_command=True)
def root(
    ctx: typer.Context, db: str | None = DbOption, as_login: str | None = AsOption, today: str | None = TodayOption
) -> None:
    """Without a command, open the workstation."""
    if today:
        source = TODAY_ENV if ctx.get_parameter_source("today").name == "ENVIRONMENT" else "--today"
        try:
            ctx.with_resource(today_set(parse_day(today, source)))
        except InvalidInput as exc:
            raise typer.BadParameter(str(exc)) from None
    ctx.obj = {"db": store_url(db) if db else default_url(), "named": db is not None, "as": as_login}
    if ctx.invoked_subcommand is None:
        tui(ctx)


def _login(ctx: typer.Context) -> str:
    """Who acts: the login the store vouches for, or ``--as LOGIN`` when that is allowed
    (core decides: ``millplan.core.access.identity``)."""
    obj = ctx.find_root().obj
    if "login" not in obj:
        obj["login"] = identity.acting_login(_store(ctx), obj["as"], _typed(ctx))
    return obj["login"]


def _typed(ctx: typer.Context) -> str:
    """The command and what was typed after it, for the audit log (``plan --month 2026-12 --line L``)."""
    if ctx.parent is None:  # no command: the workstation (the global options, --db's URL among them, stay out)
        return "tui"
    words = ctx.command_path.split()[1:]
    for param in ctx.command.params:
        source = ctx.get_parameter_source(param.name)
        if source is None or source.name != "COMMANDLINE":
            continue
        value = ctx.params[param.name]
        if param.param_type_name == "argument":
            words.append(str(value))
        elif isinstance(value, bool):
            words += [param.opts[0] if value else (param.secondary_opts or param.opts)[0]]
        else:  # an option given more than once holds them all
            for one in value if isinstance(value, (list, tuple)) else [value]:
                words += [param.opts[0], str(one.value if isinstance(one, Enum) else one)]
    return " ".join(words)


@app.command()
@handled
def tui(ctx: typer.Context) -> None:
    """Open the workstation (mill load, deal acceptance, assignment)."""
    _workstation(_store(ctx), _login(ctx))


def _workstation(store: Store, login: str) -> None:
    from millplan.tui.app import MillplanApp  # imported here: batch commands need no Textual

    MillplanApp(store, login).run()  # a solve cancelled on quitting is left to main()


@app.command()
@handled
def demo(
    ctx: typer.Context,
    reset: bool = typer.Option(False, "--reset", help="Rebuild the demo plant from scratch."),
    open_workstation: bool = typer.Option(True, "--tui/--no-tui", help="Open the workstation on it."),
) -> None:
    """Open the workstation on a bundled demo plant (its own SQLite file, built on first use)."""
    source = ctx.parent.get_parameter_source("db")
    if source is not None and source.name == "COMMANDLINE":  # MILLPLAN_DB is simply not used
        raise typer.BadParameter("the demo keeps its own database; run it without --db", param_hint="--db")
    database, folder = demo_paths()
    if reset:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{database}{suffix}").unlink(missing_ok=True)
    store = ctx.find_root().obj["store"] = open_store(f"sqlite:///{database}")  # who acts is asked of the demo's store
    if not demo_built(store):
        err.print(_("Building the demo plant in {folder} …").format(folder=database.parent))
        files = build_demo(store, folder, login=_login(ctx))
        err.print(
            _("Imported {mills} and {portfolio}; next month planned.").format(
                mills=files.mills, portfolio=files.portfolio
            )
        )
    if open_workstation:
        _workstation(store, _login(ctx))
    else:
        out.print(_("Demo database: {path}").format(path=database))


def _report_import(report: ImportReport, as_json: bool) -> None:
    if as_json:
        _emit(report.as_dict())
        return
    for kind, where in report.tables.items():
        columns = [c for c in report.columns if c.table == kind]
        err.print(
            _("{kind}: {where}; {read} of {count} columns read").format(
                kind=kind, where=where, read=sum(c.field is not None for c in columns), count=len(columns)
            )
        )
        for c in columns:
            if c.renamed:
                err.print(
                    _("  column {column} '{header}' read as '{label}'").format(
                        column=c.column, header=c.header, label=c.label
                    )
                )
    for kind, counts in report.counts.items():
        out.print(
            _("{kind}: {created} new, {updated} updated, {unchanged} unchanged").format(
                kind=kind, created=counts.created, updated=counts.updated, unchanged=counts.unchanged
            )
        )
    for note in report.notes:
        err.print(_("note: {note}").format(note=note))
    if report.rejected:
        err.print(
            _("{count} row(s) rejected, written to {file}:").format(
                count=len({(p.sheet, p.row) for p in report.rejected}), file=report.rejects_file
            )
        )
        for problem in report.rejected[:20]:
            err.print(f"  {problem}", soft_wrap=True)


def _import(
    ctx: typer.Context,
    run: Callable,
    file: Path,
    mapping: Path | None,
    skip_invalid: bool,
    rejects: Path | None,
    as_json: bool,
) -> None:
    with database.new_store_kept_if_done(ctx.find_root().obj["db"]):
        report = run(
            _store(ctx, create=True),
            file,
            login=_login(ctx),
            mapping_path=mapping,
            skip_invalid=skip_invalid,
            rejects_path=rejects,
        )
    _report_import(report, as_json)


FileArgument = typer.Argument(..., help="The .xlsx workbook.", show_default=False)
MappingOption = typer.Option(
    None, "--mapping", help="TOML file mapping column headers to fields (see `millplan import fields`)."
)
SkipOption = typer.Option(False, "--skip-invalid", help="Import the good rows; write the bad ones to a rejects file.")
RejectsOption = typer.Option(None, "--rejects", help="Where to write rejected rows (default: FILE.rejects.xlsx).")


@import_app.command("mills")
@handled
def import_mills(
    ctx: typer.Context,
    file: Path = FileArgument,
    mapping: Path | None = MappingOption,
    skip_invalid: bool = SkipOption,
    rejects: Path | None = RejectsOption,
    as_json: bool = JsonOption,
) -> None:
    """Import the mill register, capacity calendar and productivity norms."""
    _import(ctx, mills_import.import_mills, file, mapping, skip_invalid, rejects, as_json)


@import_app.command("portfolio")
@handled
def import_portfolio(
    ctx: typer.Context,
    file: Path = FileArgument,
    mapping: Path | None = MappingOption,
    skip_invalid: bool = SkipOption,
    rejects: Path | None = RejectsOption,
    as_json: bool = JsonOption,
) -> None:
    """Import the order portfolio (deals and their positions)."""
    _import(ctx, portfolio_import.import_portfolio, file, mapping, skip_invalid, rejects, as_json)


@import_app.command("fields")
def import_fields(kind: str = typer.Argument("portfolio", help="portfolio or mills")) -> None:
    """List the fields a file may hold, the header millplan expects, and the names it also accepts."""
    specs = {"portfolio": portfolio_import.FIELDS, "mills": mills_import.ALL_FIELDS}.get(kind)
    if specs is None:
        raise typer.BadParameter("use 'portfolio' or 'mills'")
    table = _table(_("Fields of {kind} files (use the key in a mapping file)").format(kind=kind))
    for header in (_("Key"), _("Header"), _("Required"), _("Also accepted")):
        table.add_column(header)
    for spec in specs:
        table.add_row(spec.key, spec.label, _("yes") if spec.required else "", ", ".join(spec.synonyms))
    out.print(table)


@app.command()
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
    clear: bool = typer.Option(False, "--clear-options", help="Forget the options the month was planned with first."),
    as_json: bool = JsonOption,
) -> None:
    """Run the prioritiser for a month and the months after it; save the month as a draft
    assignment and the later months as its forecast. Options given are kept with the
    revision; options not given are those the month was last planned with."""
    given: dict[str, Any] = {
        "horizon": horizon,
        "whole": whole,
        "early_months": early_months,
        "time_limit": time_limit,
        "gap": gap,
        "solver": solver.value if solver else None,
        "lateness_penalty": None if lateness_penalty is None else Decimal(str(lateness_penalty)),
        "stability": None if stability is None else Decimal(str(stability)),
        "min_lot": parse_min_lot(min_lot) if min_lot else None,
        "mandatory": tuple(mandatory) if mandatory else None,
        "locks": tuple(parse_lock(item) for item in lock) if lock else None,
    }
    changes = {k: v for k, v in given.items() if v is not None}
    if clear:
        changes = {**PlanOptions(horizon=FIRST_PLAN_HORIZON).as_changes(), **changes}
    store, plan_month, login = _store(ctx), _month(month), _login(ctx)
    doing: dict[str, Any] = {}
    outcomes = _solving(
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
        _emit(documents.plan_document(outcomes))
        return
    for outcome in outcomes:
        _show_assignment(outcome.assignment, limit=15)
        err.print(
            _("{considered} positions considered; solver {name}: {status} in {seconds:.2f} s").format(
                considered=outcome.considered,
                name=outcome.solver_name,
                status=solver_status(outcome.solver_status, outcome.gap),
                seconds=outcome.seconds,
            )
        )
        if outcome.moved_lines:
            err.print(_("{n} line(s) of the approved revision moved").format(n=outcome.moved_lines))
        for note in outcome.notes:
            err.print(_("note: {note}").format(note=note))


T = TypeVar("T")

PROGRESS_AFTER = 2.0
"""Seconds a plan runs before the CLI says on stderr what it is solving."""


def _solving(run: Callable[[], T], describe: Callable[[Deadline], tuple[str, str] | None] = lambda deadline: None) -> T:
    """``run()`` — a core call that solves — under a deadline of its own in a daemon
    thread (:func:`millplan.solver.control.start`); its result, or its error. After
    :data:`PROGRESS_AFTER` s stderr shows the text of ``describe(deadline)``, a pair
    (what is being solved, text), when it gives one — a live line on a terminal, once for
    each thing solved otherwise. Ctrl+C cancels the call: its
    solver stops (CBC killed), nothing is saved, :class:`Interrupted` (exit code 130) once
    the call has ended or :data:`millplan.solver.control.GRACE` s have passed, whichever is first
    (:func:`main` then leaves without it)."""
    deadline = Deadline()
    finished = threading.Event()
    result: dict[str, Any] = {}

    def settle(ok: bool, value: Any) -> None:
        result["value" if ok else "error"] = value
        finished.set()

    control.start(run, deadline, settle)
    status, said = None, None
    try:
        while not finished.wait(0.25):
            described = describe(deadline) if deadline.elapsed() >= PROGRESS_AFTER else None
            if described is None:
                continue
            what, text = described
            if err.is_terminal:
                if status is None:
                    status = err.status(text)
                    status.start()
                status.update(text)
            elif said != what:
                err.print(text)
                said = what
    except KeyboardInterrupt:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # already stopping: a second Ctrl+C must not break off the report
        deadline.cancel()  # the solver stops at its next check (CBC at once); nothing is written
        finished.wait(control.GRACE)
        raise Interrupted(_("interrupted: the plan was cancelled, nothing was saved")) from None
    finally:
        if status is not None:
            status.stop()
    if "error" in result:
        raise result["error"]
    return result["value"]


def _unbroken(call: Callable[[], Any]) -> None:
    """``call()``, a bounded wait, which a further Ctrl+C does not break off: the command is
    already stopping."""
    while True:
        try:
            call()
            return
        except KeyboardInterrupt:
            continue


def _progress(month: Month, doing: dict[str, Any], deadline: Deadline) -> str:
    """``planning 2027-01 ТБД (line 2 of 4): 3 s of 10 s — Ctrl+C stops, nothing saved``."""
    limit = "" if deadline.seconds is None else " " + _("of {limit:g} s").format(limit=deadline.seconds)
    return _(
        "planning {month} {line} (line {number} of {count}): {elapsed:.0f} s{limit} — Ctrl+C stops, nothing is saved"
    ).format(
        month=month,
        line=doing["line"],
        number=doing["number"],
        count=doing["count"],
        elapsed=deadline.elapsed(),
        limit=limit,
    )


def solver_status(status: str, gap: float | None) -> str:
    """``optimal``, or ``feasible, gap 1.2 %`` (``gap unknown`` when the solver gave none)."""
    if status != "feasible":
        return status
    return _("feasible, gap {gap}").format(gap=_("unknown") if gap is None else f"{gap * 100:.2g} %")


@app.command("prices")
@handled
def prices_command(
    ctx: typer.Context,
    month: str = MonthOption,
    line: str | None = typer.Option(None, "--line", "-l", help="Only this product line (default: all)."),
    as_json: bool = JsonOption,
) -> None:
    """Shadow prices of mill hours (RUB per mill-hour) by mill and month, from the month's last plan."""
    found = horizon_views.last_plans(_store(ctx), _month(month), line)
    if as_json:
        _emit(
            [
                {
                    "product_line": a.product_line,
                    "revision": a.revision,
                    "shadow_prices": documents.assignment_document(a)["shadow_prices"],
                }
                for a in found
            ]
        )
        return
    for a in found:
        _render(horizon_views.prices_view(a))


def _show_assignment(assignment, limit: int | None = None) -> None:
    out.rule(
        _("{month} {line} — revision {revision}, {state}").format(
            month=assignment.month,
            line=assignment.product_line,
            revision=assignment.revision,
            state=assignment.state.label,
        )
    )
    _render(views.mill_loads_view(assignment))
    _render(views.lines_view(assignment), limit)
    if assignment.exclusions:
        _render(views.exclusions_view(assignment, whole_reasons=True), limit)
    if assignment.options is not None:
        out.print(_("Planned with: {options}").format(options=PlanOptions.from_dict(assignment.options).describe()))
    if assignment.forecast:
        _render(horizon_views.forecast_view(assignment), limit)
    out.print(
        _("Key-account tonnes {key} t, tonnes {tonnes} t, marginal income {income} RUB").format(
            key=grouped(assignment.key_account_tonnes),
            tonnes=grouped(assignment.tonnes),
            income=grouped(assignment.marginal_income),
        )
    )


@assignment_app.command("show")
@handled
def assignment_show(
    ctx: typer.Context, month: str = MonthOption, line: str = LineOption, as_json: bool = JsonOption
) -> None:
    """Show the latest revision of a month's assignment for a product line."""
    found = planning.latest(_store(ctx), _month(month), line)
    if as_json:
        _emit(documents.assignment_document(found))
    else:
        _show_assignment(found)


def _edit(
    action: Callable[[Store, Month, str], Any], ctx: typer.Context, month: str, line: str, as_json: bool, message: str
) -> None:
    updated = action(_store(ctx), _month(month), line)
    if as_json:
        _emit(documents.assignment_document(updated))
    else:
        err.print(message)


PositionArgument = typer.Argument(..., help="Position as DEAL#NO, e.g. 'С-26/2601#3'.")


InOption = typer.Option(None, "--in", help="With --mill: the month (YYYY-MM) of the horizon to hold it in.")


@assignment_app.command("lock")
@handled
def assignment_lock(
    ctx: typer.Context,
    position: str = PositionArgument,
    month: str = MonthOption,
    line: str = LineOption,
    mill: str | None = typer.Option(
        None, "--mill", help="Hold it on this mill in the month --in (kept with the plan options)."
    ),
    in_month: str | None = InOption,
    tonnes: float | None = typer.Option(
        None, "--tonnes", min=0.01, help="With --mill: tonnes to hold (default: all it has left)."
    ),
    as_json: bool = JsonOption,
) -> None:
    """Lock a position's lines in the draft (re-plans keep them), or with --mill and --in
    hold it on a mill in a month of the horizon from the next re-plan on."""
    if mill or in_month:
        if not (mill and in_month):
            raise InvalidInput(
                _("--mill and --in go together: the mill and the month to hold {ref} in").format(ref=position)
            )
        when = _month(in_month)
        _edit(
            lambda s, m, l: plan_options.set_month_lock(
                s, m, l, position, login=_login(ctx), mill=mill, lock_month=when, tonnes=tonnes
            ),
            ctx,
            month,
            line,
            as_json,
            _("{ref} locked on {mill} in {when}; re-run the prioritiser").format(ref=position, mill=mill, when=when),
        )
        return
    _edit(
        lambda s, m, l: assignments.set_locked(s, m, l, position, True, login=_login(ctx)),
        ctx,
        month,
        line,
        as_json,
        _("{ref} locked").format(ref=position),
    )


@assignment_app.command("unlock")
@handled
def assignment_unlock(
    ctx: typer.Context,
    position: str = PositionArgument,
    month: str = MonthOption,
    line: str = LineOption,
    months: bool = typer.Option(
        False, "--months", help="Release its locks to a mill and month instead (all, or the one --in)."
    ),
    in_month: str | None = InOption,
    as_json: bool = JsonOption,
) -> None:
    """Unlock a position's lines in the draft, or with --months its month locks."""
    if months or in_month:
        when = _month(in_month) if in_month else None
        _edit(
            lambda s, m, l: plan_options.set_month_lock(s, m, l, position, login=_login(ctx), lock_month=when),
            ctx,
            month,
            line,
            as_json,
            _("{ref}: month lock released; re-run the prioritiser").format(ref=position),
        )
        return
    _edit(
        lambda s, m, l: assignments.set_locked(s, m, l, position, False, login=_login(ctx)),
        ctx,
        month,
        line,
        as_json,
        _("{ref} unlocked").format(ref=position),
    )


@assignment_app.command("mandatory")
@handled
def assignment_mandatory(
    ctx: typer.Context,
    position: str = PositionArgument,
    month: str = MonthOption,
    line: str = LineOption,
    as_json: bool = JsonOption,
) -> None:
    """Make a position mandatory: the next re-plan puts all it has left into this month."""
    _edit(
        lambda s, m, l: plan_options.set_mandatory(s, m, l, position, True, login=_login(ctx)),
        ctx,
        month,
        line,
        as_json,
        _("{ref} mandatory; re-run the prioritiser").format(ref=position),
    )


@assignment_app.command("optional")
@handled
def assignment_optional(
    ctx: typer.Context,
    position: str = PositionArgument,
    month: str = MonthOption,
    line: str = LineOption,
    as_json: bool = JsonOption,
) -> None:
    """Make a mandatory position optional again."""
    _edit(
        lambda s, m, l: plan_options.set_mandatory(s, m, l, position, False, login=_login(ctx)),
        ctx,
        month,
        line,
        as_json,
        _("{ref} optional; re-run the prioritiser").format(ref=position),
    )


@assignment_app.command("exclude")
@handled
def assignment_exclude(
    ctx: typer.Context,
    position: str = PositionArgument,
    month: str = MonthOption,
    line: str = LineOption,
    reason: str = typer.Option(..., "--reason", help="Why, for the sales manager."),
    as_json: bool = JsonOption,
) -> None:
    """Take a position out of the draft; re-plans leave it out until it is included again."""
    _edit(
        lambda s, m, l: assignments.set_excluded(s, m, l, position, True, login=_login(ctx), reason=reason),
        ctx,
        month,
        line,
        as_json,
        _("{ref} excluded").format(ref=position),
    )


@assignment_app.command("include")
@handled
def assignment_include(
    ctx: typer.Context,
    position: str = PositionArgument,
    month: str = MonthOption,
    line: str = LineOption,
    as_json: bool = JsonOption,
) -> None:
    """Let an excluded position back in; the next re-plan decides its tonnes."""
    _edit(
        lambda s, m, l: assignments.set_excluded(s, m, l, position, False, login=_login(ctx)),
        ctx,
        month,
        line,
        as_json,
        _("{ref} included; re-run the prioritiser").format(ref=position),
    )


@app.command()
@handled
def approve(
    ctx: typer.Context,
    month: str = MonthOption,
    line: str = LineOption,
    reason: str | None = typer.Option(
        None, "--reason", help="Kept with the approval; the director's approval over open conflicts needs one."
    ),
    as_json: bool = JsonOption,
) -> None:
    """Approve the month's assignment in review for a product line, freezing the revision."""
    approved = assignments.approve(_store(ctx), _month(month), line, login=_login(ctx), reason=reason)
    if as_json:
        _emit(documents.assignment_document(approved))
    else:
        out.print(
            _("{month} {line} revision {revision} approved by {who}").format(
                month=approved.month, line=approved.product_line, revision=approved.revision, who=approved.approved_by
            )
        )


@app.command("promise")
@handled
def promise_command(
    ctx: typer.Context,
    deal: str | None = typer.Argument(None, help="Deal number (or describe a position with --line, --od, …)."),
    month: str | None = typer.Option(None, "--month", "-m", help="Plan month to promise from (default: next month)."),
    horizon: int = typer.Option(promise.PROMISE_HORIZON, "--horizon", min=1, max=12, help="Months to look ahead."),
    line: str | None = typer.Option(None, "--line", "-l", help="Typed-in position: product line."),
    od: float | None = typer.Option(None, "--od", help="Typed-in position: outside diameter, mm."),
    wall: float | None = typer.Option(None, "--wall", help="Typed-in position: wall, mm."),
    grade: str | None = typer.Option(None, "--grade", help="Typed-in position: steel grade."),
    standard: str | None = typer.Option(None, "--standard", help="Typed-in position: standard."),
    tonnes: float | None = typer.Option(None, "--tonnes", help="Typed-in position: tonnes."),
    price: float | None = typer.Option(None, "--price", help="Typed-in position: price, RUB/t."),
    metal_cost: float | None = typer.Option(None, "--metal-cost", help="Typed-in position: metal cost, RUB/t."),
    key: bool = typer.Option(False, "--key", help="Typed-in position: for a key account."),
    requested: str | None = typer.Option(
        None, "--requested", help="Typed-in position: month wanted (default: the plan month)."
    ),
    time_limit: float = typer.Option(
        promise.TIME_LIMIT, "--time-limit", min=0.1, help="Seconds for the whole promise, all its solves together."
    ),
    as_json: bool = JsonOption,
) -> None:
    """Capable-to-promise: whether a deal (or a typed-in position) can be made in full by
    its requested month — earlier only on free hours, else by displacing positions that
    are not key accounts — and if not the earliest month that can; what it would displace
    (key flag, sales manager, the month your plan has it in, lateness caused, tonnes pushed
    out of the horizon and the marginal income lost with them) and the change in marginal
    income net of both, with a warning when it would lower it. Nothing is saved."""
    when = _month(month) if month else None
    typed = {
        "--line": line,
        "--od": od,
        "--wall": wall,
        "--grade": grade,
        "--standard": standard,
        "--tonnes": tonnes,
        "--price": price,
        "--metal-cost": metal_cost,
    }
    if deal:
        store = _store(ctx)
        answer = _solving(lambda: promise.promise_deal(store, deal, month=when, horizon=horizon, time_limit=time_limit))
    else:
        missing = [flag for flag, value in typed.items() if value is None]
        if missing:
            raise InvalidInput(_("give a deal number, or a position with {flags}").format(flags=" ".join(missing)))
        store, wanted = _store(ctx), _month(requested) if requested else None
        answer = _solving(
            lambda: promise.promise_position(
                store,
                product_line=line,
                od_mm=od,
                wall_mm=wall,
                steel_grade=grade,
                standard=standard,
                tonnes=tonnes,
                price=Decimal(str(price)),
                metal_cost=Decimal(str(metal_cost)),
                key_account=key,
                month=when,
                requested=wanted,
                horizon=horizon,
                time_limit=time_limit,
            )
        )
    if as_json:
        _emit(documents.promise_document(answer))
    else:
        out.print(promise_views.promise_text(answer))
        if answer.displaced:
            _render(promise_views.displaced_view(answer))
    if answer.earliest is None:
        raise typer.Exit(1)  # no month can be promised: a script must not read it as a date


@app.command("load")
@handled
def load_command(
    ctx: typer.Context,
    months: int = typer.Option(6, "--months", min=1, max=24, help="How many months from the current one."),
    as_json: bool = JsonOption,
) -> None:
    """Mill load by month from the current one, and each mill's load horizon."""
    report = load.mill_load(_store(ctx), months=months)
    if as_json:
        _emit(documents.load_document(report))
        return
    if not report.mills:
        err.print(_("No mills yet: import the mill register (millplan import mills FILE), or try `millplan demo`."))
        return
    _render(views.load_view(report))
    if report.unplaceable_tonnes:
        err.print(
            _("{tonnes} t of accepted positions fit no mill (see `millplan positions`).").format(
                tonnes=grouped(report.unplaceable_tonnes)
            )
        )


@app.command("deals")
@handled
def deals_command(
    ctx: typer.Context,
    status: DealStatus = typer.Option(DealStatus.PENDING, "--status", help="Which deals to list."),
    as_json: bool = JsonOption,
) -> None:
    """Deals (default: waiting for acceptance) with tonnes, marginal income and the mills they load."""
    found = deals.summaries(_store(ctx), status)
    if as_json:
        _emit([documents.deal_document(s) for s in found])
    elif not found:
        err.print(_("No deal is {status}.").format(status=status.value))
    else:
        _render(views.deals_view(found))


@deal_app.command("accept")
@handled
def deal_accept(
    ctx: typer.Context, number: str = typer.Argument(..., help="Deal number."), as_json: bool = JsonOption
) -> None:
    """Accept a deal: the plant commits to it and the prioritiser will plan it."""
    deal = deals.accept(_store(ctx), number, login=_login(ctx))
    if as_json:
        _emit(documents.deal_state_document(deal))
    else:
        out.print(_("deal {number} accepted by {who}").format(number=deal.number, who=deal.accepted_by))


@deal_app.command("reject")
@handled
def deal_reject(
    ctx: typer.Context,
    number: str = typer.Argument(..., help="Deal number."),
    reason: str = typer.Option(..., "--reason", help="Why, for the sales manager."),
    as_json: bool = JsonOption,
) -> None:
    """Reject a deal waiting for acceptance, with a reason."""
    deal = deals.reject(_store(ctx), number, reason, login=_login(ctx))
    if as_json:
        _emit(documents.deal_state_document(deal))
    else:
        out.print(_("deal {number} rejected").format(number=deal.number))


@app.command()
@handled
def positions(
    ctx: typer.Context,
    deal: str | None = typer.Option(None, "--deal", help="Only this deal."),
    line: str | None = typer.Option(None, "--line", "-l", help="Only this product line."),
    as_json: bool = JsonOption,
) -> None:
    """Positions with their attributes: key account, compatible mills, t/h, marginal income, high load."""
    described = position_attributes(_store(ctx), deal_number=deal, product_line=line)
    if as_json:
        _emit([attributes_document(a) for a in described])
        return
    if not described:
        err.print(_("No positions: import a portfolio (millplan import portfolio FILE)."))
        return
    view = attributes_view(described)
    _render(view, limit=None if deal else 60)
    for row in view.rows[: None if deal else 60]:
        if row["no_mill_reason"]:
            out.print(f"{row['position']}: {row['no_mill_reason']}", soft_wrap=False)


@app.command()
@handled
def history(
    ctx: typer.Context,
    key: str | None = typer.Option(
        None,
        "--object",
        help="Only this object: a deal number, DEAL#NO, a mill, MILL/YYYY-MM, YYYY-MM/LINE/rN, 'user LOGIN', 'request N', 'conflict N', 'escalation N'.",
    ),
    limit: int = typer.Option(50, "--limit"),
    as_json: bool = JsonOption,
) -> None:
    """The audit log, newest first: who changed what, when (plant time), and why."""
    rows = audit.history(_store(ctx), key, limit)
    if as_json:
        _emit([audit.history_document(r) for r in rows])
        return
    _render(workflow_views.history_view(rows))


# -- the approval workflow: life cycle, users, capacity, diff, database ------------------

users_app = typer.Typer(help="Who may use millplan: users, roles, product lines (admins only).", no_args_is_help=True)
capacity_app = typer.Typer(help="Mill hours by month (production planner).", no_args_is_help=True)
db_app = typer.Typer(help="Back up and restore the database.", no_args_is_help=True)
app.add_typer(users_app, name="users")
app.add_typer(capacity_app, name="capacity")
app.add_typer(db_app, name="db")

LinesOption = typer.Option(
    [], "--line", "-l", help="A product line he owns (repeat for each; product-line managers only)."
)


@app.command()
@handled
def submit(ctx: typer.Context, month: str = MonthOption, line: str = LineOption, as_json: bool = JsonOption) -> None:
    """Submit the month's draft (or re-approval) assignment for review."""
    submitted = assignments.submit(_store(ctx), _month(month), line, login=_login(ctx))
    if as_json:
        _emit(documents.assignment_document(submitted))
    else:
        out.print(
            _("{month} {line} revision {revision} submitted for review").format(
                month=submitted.month, line=submitted.product_line, revision=submitted.revision
            )
        )


def _user_document(user) -> dict[str, Any]:
    return {
        "login": user.login,
        "name": user.name,
        "role": user.role.value if user.role else None,
        "lines": list(user.lines),
        "email": getattr(user, "email", None),
    }


@users_app.command("list")
@handled
def users_list(ctx: typer.Context, as_json: bool = JsonOption) -> None:
    """Every registered user with role and product lines."""
    found = users.list_users(_store(ctx))
    if as_json:
        _emit([_user_document(u) for u in found])
        return
    if not found:
        err.print(
            _(
                "No users yet: every login may do everything until the first admin is added (millplan users add LOGIN --name … --role admin)."
            )
        )
        return
    table = _table(_("Users"))
    for header in (_("Login"), _("Name"), _("Role"), _("Lines"), _("E-mail")):
        table.add_column(header)
    for u in found:
        table.add_row(u.login, u.name, u.role.value, ", ".join(u.lines), u.email or "")
    out.print(table)


@users_app.command("add")
@handled
def users_add(
    ctx: typer.Context,
    login: str = typer.Argument(..., help="The person's operating-system login."),
    name: str = typer.Option(..., "--name", help="Full name; a sales manager's as the portfolio writes it."),
    role: str = typer.Option(..., "--role", help="sales_manager, line_manager, planner, director or admin."),
    lines: list[str] = LinesOption,
    email: str | None = typer.Option(None, "--email", help="Where notifications go."),
    as_json: bool = JsonOption,
) -> None:
    """Register a user (admins; anyone may add the first admin)."""
    acting = _login(ctx)
    user = users.add_user(_store(ctx), login, name, users.parse_role(role), tuple(lines), email, by=acting)
    if as_json:
        _emit(_user_document(user))
    else:
        out.print(_("{login} added as {role}").format(login=user.login, role=user.role.value))
    if users.whoami(_store(ctx), acting).read_only:
        err.print(
            _(
                "note: you ({login}) are not registered: from now on only an admin manages users, and you may only look"
            ).format(login=acting)
        )


@users_app.command("set-role")
@handled
def users_set_role(
    ctx: typer.Context,
    login: str = typer.Argument(..., help="A registered login."),
    role: str = typer.Option(..., "--role", help="The new role."),
    lines: list[str] = LinesOption,
    name: str | None = typer.Option(None, "--name", help="A new name."),
    email: str | None = typer.Option(None, "--email", help="A new e-mail address."),
    as_json: bool = JsonOption,
) -> None:
    """Change a user's role (and lines, name, e-mail)."""
    user = users.set_role(
        _store(ctx), login, users.parse_role(role), tuple(lines), by=_login(ctx), name=name, email=email
    )
    if as_json:
        _emit(_user_document(user))
    else:
        out.print(
            _("{login} is now {role}").format(login=user.login, role=user.role.value)
            + (f" ({', '.join(user.lines)})" if user.lines else "")
        )


@users_app.command("remove")
@handled
def users_remove(
    ctx: typer.Context, login: str = typer.Argument(..., help="A registered login."), as_json: bool = JsonOption
) -> None:
    """Remove a user (his actions stay in the history)."""
    user = users.remove_user(_store(ctx), login, by=_login(ctx))
    if as_json:
        _emit(_user_document(user))
    else:
        out.print(_("{login} removed").format(login=user.login))


@app.command()
@handled
def whoami(ctx: typer.Context, as_json: bool = JsonOption) -> None:
    """Who millplan takes you for: login, role, product lines."""
    me = users.whoami(_store(ctx), _login(ctx))
    if as_json:
        _emit({**_user_document(me), "read_only": me.read_only, "open_store": me.open_store, "notice": me.notice})
        return
    if me.open_store:
        out.print(_("{login}: no users are registered yet, so every login may do everything.").format(login=me.login))
    elif me.read_only:
        out.print(me.notice)
    else:
        out.print(f"{me.login} ({me.name}): {me.role.value}" + (f", {', '.join(me.lines)}" if me.lines else ""))


@capacity_app.command("set")
@handled
def capacity_set(
    ctx: typer.Context,
    mill: str = typer.Argument(..., help="Mill code."),
    month: str = typer.Argument(..., help="Month, YYYY-MM."),
    hours: float = typer.Argument(..., help="Available hours in that month."),
    reason: str = typer.Option(..., "--reason", help="Why (maintenance, extra shift …)."),
    as_json: bool = JsonOption,
) -> None:
    """Set a mill's hours for a month; that month's draft of its line must then be re-planned."""
    change = capacity.set_hours(_store(ctx), mill, _month(month), hours, login=_login(ctx), reason=reason)
    if as_json:
        _emit(
            {
                "mill": change.mill_code,
                "month": str(change.month),
                "hours_before": change.before,
                "hours": change.after,
                "stale": [a.key for a in change.stale],
            }
        )
        return
    out.print(
        _("{mill} {month}: {before} h → {after} h").format(
            mill=change.mill_code, month=change.month, before=grouped(change.before), after=grouped(change.after)
        )
    )
    for stale in change.stale:
        err.print(
            _("{month} {line} revision {revision} is stale: re-run the prioritiser before approval").format(
                month=stale.month, line=stale.product_line, revision=stale.revision
            )
        )


@app.command("diff")
@handled
def diff_command(
    ctx: typer.Context,
    month: str = MonthOption,
    line: str = LineOption,
    revision_from: int | None = typer.Option(
        None, "--from", help="Earlier revision (default: the approved one before --to)."
    ),
    revision_to: int | None = typer.Option(None, "--to", help="Later revision (default: the latest)."),
    as_json: bool = JsonOption,
) -> None:
    """What changed between two revisions: by position (added, removed, moved, tonnes) and by mill."""
    found = revision_diff(_store(ctx), _month(month), line, revision_from, revision_to)
    if as_json:
        _emit(diff_document(found))
        return
    view = diff_view(found)
    if view.rows:
        _render(view)
    else:
        out.print(_("{title}: no position changed").format(title=view.title))
    _render(mills_view(found))


@db_app.command("backup")
@handled
def db_backup(ctx: typer.Context, file: Path = typer.Argument(..., help="A new file to write the copy to.")) -> None:
    """Copy the SQLite database consistently while others work (PostgreSQL: says how with pg_dump)."""
    written = database.backup(ctx.find_root().obj["db"], file)
    out.print(_("database copied to {file}").format(file=written))


@db_app.command("restore")
@handled
def db_restore(
    ctx: typer.Context, file: Path = typer.Argument(..., help="A backup made by `millplan db backup`.")
) -> None:
    """Put a backup back in place of the SQLite database (admins), and upgrade it."""
    obj = ctx.find_root().obj
    revision = database.restore(obj["db"], file, as_login=obj["as"])
    out.print(
        _("database restored from {file} (migration {revision}, now upgraded)").format(file=file, revision=revision)
    )


# -- notifications and e-mail ------------------------------------------------------------

inbox_app = typer.Typer(
    help="Your notifications: positions left out, cut or moved later, answers, conflicts, approvals."
)
mail_app = typer.Typer(
    help="E-mail copies of notifications: send the outbox, see how delivery stands.", no_args_is_help=True
)
app.add_typer(inbox_app, name="inbox")
app.add_typer(mail_app, name="mail")


def _when(at) -> str:  # noqa: ANN001 - an aware datetime or None
    return plant_clock(at) if at else "—"  # as the history shows times


@inbox_app.callback(invoke_without_command=True)
@handled
def inbox(
    ctx: typer.Context,
    show_all: bool = typer.Option(False, "--all", help="Read notifications too (default: unread only)."),
    limit: int = typer.Option(50, "--limit", min=1, help="At most this many, newest first."),
    as_json: bool = JsonOption,
) -> None:
    """Your unread notifications, newest first (`inbox read ID…` marks them read)."""
    if ctx.invoked_subcommand is not None:
        return
    store, login = _store(ctx), _login(ctx)
    found = notifications.inbox(store, login, unread_only=not show_all, limit=limit)
    unread = notifications.unread_count(store, login)
    if as_json:
        _emit({"login": login, "unread": unread, "notifications": [n.as_dict() for n in found]})
        return
    if not found:
        err.print(
            _("No unread notifications for {login}.").format(login=login)
            if not show_all
            else _("No notifications for {login}.").format(login=login)
        )
        return
    for n in found:
        mark = "●" if n.read_at is None else " "
        out.print(
            Text.assemble(
                (f"{mark} #{n.id}  {_when(n.at)}  ", "dim"),
                (n.subject, "bold"),
                (f"  [{n.kind}, {n.object_key}]", "dim"),
            )
        )
        for line in n.details:
            # wrapped to the terminal, a listed position's lines hanging under its ref
            hang = " " * (6 if line.startswith("• ") else 4)
            out.print(
                textwrap.fill(line, width=max(out.width, 40), initial_indent="    ", subsequent_indent=hang),
                soft_wrap=True,
            )
    err.print(
        _("{unread} unread of {login}; mark read: millplan inbox read ID… (or --all)").format(
            unread=unread, login=login
        )
    )


@inbox_app.command("read")
@handled
def inbox_read(
    ctx: typer.Context,
    ids: list[int] | None = typer.Argument(None, help="Notification numbers (#ID in the list).", show_default=False),
    every: bool = typer.Option(False, "--all", help="Mark all your notifications read."),
    as_json: bool = JsonOption,
) -> None:
    """Mark notifications read: the numbers given, or all with --all."""
    if bool(ids) == every:
        raise typer.BadParameter("give notification numbers or --all (not both)")
    store, login = _store(ctx), _login(ctx)
    marked = notifications.mark_read(store, login, None if every else list(ids))
    unread = notifications.unread_count(store, login)
    if as_json:
        _emit({"marked_read": marked, "unread": unread})
    else:
        out.print(_("{marked} marked read, {unread} unread").format(marked=marked, unread=unread))


def _smtp_settings() -> outbox.SmtpSettings:
    settings = outbox.SmtpSettings.from_env()
    if settings is None:
        raise MillplanError(
            _(
                "e-mail is off: set MILLPLAN_SMTP_HOST (and _PORT, _FROM, _USER, _PASSWORD, _STARTTLS); messages stay queued meanwhile"
            )
        )
    return settings


def _report_delivery(report: outbox.DeliveryReport, store: Store) -> None:
    err.print(
        _("sent {sent}, deferred {deferred}, failed {failed}, taken by another sender {skipped}").format(
            sent=report.sent, deferred=report.deferred, failed=report.failed, skipped=report.skipped
        )
    )
    for error in report.errors:
        err.print(_("error: {error}").format(error=error), soft_wrap=True)
    if report.deferred:
        err.print(_("next attempt at {when}").format(when=_when(outbox.status(store).next_attempt_at)))


@mail_app.command("send")
@handled
def mail_send(
    ctx: typer.Context,
    loop: bool = typer.Option(
        False, "--loop", help="Keep sending until interrupted (Ctrl+C), every --interval seconds."
    ),
    interval: float = typer.Option(30.0, "--interval", min=0.1, help="Seconds between rounds with --loop."),
    as_json: bool = JsonOption,
) -> None:
    """Send the due e-mails of the outbox through the SMTP server (MILLPLAN_SMTP_HOST …)."""
    if loop and as_json:
        raise typer.BadParameter("--json prints one document: use it without --loop")
    settings, store = _smtp_settings(), _store(ctx)
    if not loop:
        report = outbox.deliver(store, settings)
        if as_json:
            _emit({**report.as_dict(), "next_attempt_at": outbox.status(store).as_dict()["next_attempt_at"]})
        else:
            _report_delivery(report, store)
        if report.errors:
            raise typer.Exit(1)  # the server was unreachable or refused: cron must see it
        return
    err.print(
        _("sending through {server} every {interval:g} s; Ctrl+C stops").format(
            server=settings.server, interval=interval
        )
    )
    try:
        while True:
            report = outbox.deliver(store, settings)
            if report.sent or report.deferred or report.failed or report.released:
                _report_delivery(report, store)
            time.sleep(interval)
    except KeyboardInterrupt:
        err.print(_("stopped"))


@mail_app.command("status")
@handled
def mail_status(ctx: typer.Context, as_json: bool = JsonOption) -> None:
    """The outbox: messages by state, the next attempt, and messages with errors."""
    settings = outbox.SmtpSettings.from_env()
    found = outbox.status(_store(ctx))
    if as_json:
        _emit({"smtp": settings.server if settings else None, **found.as_dict()})
        return
    out.print(
        _("SMTP server: {server}").format(
            server=settings.server if settings else _("none (MILLPLAN_SMTP_HOST unset): e-mail is off")
        )
    )
    out.print("  ".join(f"{state.value} {count}" for state, count in found.counts.items()))
    out.print(_("next attempt: {when}").format(when=_when(found.next_attempt_at)))
    if found.problems:
        table = _table(_("Messages with errors"))
        for header in ("#", _("To"), _("State"), _("Tries"), _("Next try"), _("Last error")):
            table.add_column(header, no_wrap=header != _("Last error"))
        for m in found.problems:
            table.add_row(
                str(m.id),
                m.address,
                m.state.value,
                str(m.attempts),
                _when(m.next_attempt_at) if m.state is MailState.PENDING else "",
                m.last_error or "",
            )
        out.print(table)


@mail_app.command("retry")
@handled
def mail_retry(
    ctx: typer.Context,
    ids: list[int] | None = typer.Argument(
        None, help="Numbers (#) of failed messages, as `mail status` lists them.", show_default=False
    ),
    every: bool = typer.Option(False, "--all", help="Every failed message."),
    as_json: bool = JsonOption,
) -> None:
    """Queue failed e-mails again (after the cause was fixed); the next `mail send` tries them."""
    if bool(ids) == every:
        raise typer.BadParameter("give message numbers or --all (not both)")
    queued = outbox.retry(_store(ctx), None if every else list(ids), by=_login(ctx))
    if as_json:
        _emit({"requeued": queued})
    else:
        out.print(_("{count} message(s) queued again").format(count=queued))


# -- requests, conflicts, escalations, reviews (the approval workflow's open items) ----------

request_app = typer.Typer(help="Sales managers' requests on their positions, and their answers.", no_args_is_help=True)
conflict_app = typer.Typer(help="Key-account positions a draft leaves short of their month.", no_args_is_help=True)
escalation_app = typer.Typer(help="Conflicts and re-approval rounds waiting for the director.", no_args_is_help=True)
review_app = typer.Typer(help="The production planner's review of a month's assignment.", no_args_is_help=True)
app.add_typer(request_app, name="request")
app.add_typer(conflict_app, name="conflict")
app.add_typer(escalation_app, name="escalation")
app.add_typer(review_app, name="review")

WhyOption = typer.Option(..., "--why", help="Justification, for the product-line manager or the director.")
IdArgument = typer.Argument(..., help="Its number (see the list command).", show_default=False)
OptionalMonth = typer.Option(
    None, "--month", "-m", help="Month, YYYY-MM (default: the one whose assignment holds the position)."
)


def _optional_month(text: str | None) -> Month | None:
    return _month(text) if text else None


def _show_effect(effect, note: str) -> None:
    """A what-if for people: totals on stderr, the positions moved as a table."""
    _render(workflow_views.effect_view(effect))
    err.print(
        note
        + " "
        + _("marginal income changes by {change} RUB; key-account tonnes {before} → {after} t").format(
            change=grouped(effect.margin_change),
            before=grouped(effect.key_tonnes_before, 1),
            after=grouped(effect.key_tonnes_after, 1),
        )
    )


def _raised(raised: requests.Raised, as_json: bool) -> None:
    if as_json:
        _emit(
            {
                **workflow_views.request_document(raised.request),
                "effect": workflow_views.effect_document(raised.effect) if raised.effect else None,
            }
        )
        return
    if raised.effect:
        _render(workflow_views.effect_view(raised.effect))
    out.print(
        _("request {id}: {what} ({month} {line}) — {margin} RUB at stake; waits for the product-line manager").format(
            id=raised.request.id,
            what=requests.describe(raised.request),
            month=raised.request.month,
            line=raised.request.product_line,
            margin=grouped(raised.request.margin_at_stake),
        )
    )


@request_app.command("priority")
@handled
def request_priority(
    ctx: typer.Context,
    position: str = PositionArgument,
    raise_: bool | None = typer.Option(
        None,
        "--raise/--lower",
        help="Raise (locked in, priority 1) or lower (priority 3, unlocked).",
        show_default=False,
    ),
    why: str = WhyOption,
    month: str | None = OptionalMonth,
    as_json: bool = JsonOption,
) -> None:
    """Ask to raise or lower the priority of one of your positions; millplan states the margin at stake."""
    if raise_ is None:
        raise typer.BadParameter("say --raise or --lower")
    store, login, when = _store(ctx), _login(ctx), _optional_month(month)
    _raised(
        _solving(lambda: requests.request_priority(store, position, raise_=raise_, login=login, why=why, month=when)),
        as_json,
    )


@request_app.command("replace")
@handled
def request_replace(
    ctx: typer.Context,
    position: str = PositionArgument,
    by: str = typer.Option(..., "--by", help="Your position to put in its place, DEAL#NO."),
    why: str = WhyOption,
    month: str | None = OptionalMonth,
    as_json: bool = JsonOption,
) -> None:
    """Ask to replace one of your positions in the assignment by another of yours."""
    store, login, when = _store(ctx), _login(ctx), _optional_month(month)
    _raised(
        _solving(lambda: requests.request_replacement(store, position, by, login=login, why=why, month=when)), as_json
    )


@request_app.command("reapproval")
@handled
def request_reapproval(
    ctx: typer.Context,
    month: str = MonthOption,
    line: str = LineOption,
    why: str = WhyOption,
    as_json: bool = JsonOption,
) -> None:
    """Ask for a re-approval round of a month's assignment that pulls the director in."""
    _raised(requests.request_reapproval(_store(ctx), _month(month), line, login=_login(ctx), why=why), as_json)


@request_app.command("list")
@handled
def request_list(
    ctx: typer.Context,
    mine: bool = typer.Option(False, "--mine", help="Only yours (a product-line manager: those on your lines)."),
    open_only: bool = typer.Option(False, "--open", help="Only those waiting for an answer."),
    as_json: bool = JsonOption,
) -> None:
    """Requests, newest first."""
    state = RequestState.OPEN if open_only else None
    store = _store(ctx)
    found = requests.mine(store, _login(ctx), state=state) if mine else requests.requests(store, state=state)
    if as_json:
        _emit([workflow_views.request_document(r) for r in found])
    elif not found:
        err.print(_("No requests."))
    else:
        _render(workflow_views.requests_view(found))


def _answered(answered: requests.Answered, as_json: bool) -> None:
    if as_json:
        _emit(
            {
                **workflow_views.request_document(answered.request),
                "effect": workflow_views.effect_document(answered.effect) if answered.effect else None,
                "assignment": documents.assignment_document(answered.assignment) if answered.assignment else None,
                "escalation": workflow_views.escalation_document(answered.escalation) if answered.escalation else None,
            }
        )
        return
    if answered.effect:
        _show_effect(answered.effect, _("re-planned:"))
    if answered.escalation:
        err.print(_("escalation {id} opened: the director is in the chain").format(id=answered.escalation.id))
    out.print(
        _("request {id} {state}: {what}").format(
            id=answered.request.id, state=answered.request.state.value, what=requests.describe(answered.request)
        )
    )


@request_app.command("grant")
@handled
def request_grant(ctx: typer.Context, request_id: int = IdArgument, as_json: bool = JsonOption) -> None:
    """Grant a request: the plan changes and the month is re-planned (a re-approval round escalates)."""
    store, login = _store(ctx), _login(ctx)
    _answered(_solving(lambda: requests.grant(store, request_id, login=login)), as_json)


@request_app.command("refuse")
@handled
def request_refuse(
    ctx: typer.Context,
    request_id: int = IdArgument,
    reason: str = typer.Option(..., "--reason", help="Why, for the sales manager."),
    as_json: bool = JsonOption,
) -> None:
    """Refuse a request, with a reason."""
    _answered(requests.refuse(_store(ctx), request_id, login=_login(ctx), reason=reason), as_json)


@request_app.command("withdraw")
@handled
def request_withdraw(ctx: typer.Context, request_id: int = IdArgument, as_json: bool = JsonOption) -> None:
    """Take back one of your open requests."""
    withdrawn = requests.withdraw(_store(ctx), request_id, login=_login(ctx))
    if as_json:
        _emit(workflow_views.request_document(withdrawn))
    else:
        out.print(_("request {id} withdrawn").format(id=withdrawn.id))


@conflict_app.command("list")
@handled
def conflict_list(
    ctx: typer.Context,
    month: str | None = typer.Option(None, "--month", "-m", help="Only this month, YYYY-MM."),
    line: str | None = typer.Option(None, "--line", "-l", help="Only this product line."),
    open_only: bool = typer.Option(False, "--open", help="Only unresolved ones (open, escalated)."),
    mine: bool = typer.Option(False, "--mine", help="Only those on your deals (a sales manager)."),
    as_json: bool = JsonOption,
) -> None:
    """Conflicts: key-account positions left short of their requested month."""
    store = _store(ctx)
    seller = actor(store, _login(ctx)) if mine else None
    found = conflicts.conflicts(
        store, month=_optional_month(month), product_line=line, unresolved_only=open_only, seller=seller
    )
    if as_json:
        _emit([workflow_views.conflict_document(c) for c in found])
    elif not found:
        err.print(_("No conflicts."))
    else:
        _render(workflow_views.conflicts_view(found))


@conflict_app.command("force")
@handled
def conflict_force(
    ctx: typer.Context,
    conflict_id: int = IdArgument,
    dry_run: bool = typer.Option(False, "--dry-run", help="Only show what forcing it in displaces."),
    as_json: bool = JsonOption,
) -> None:
    """Force the position into its month (locked whole) and re-plan; --dry-run shows what it displaces."""
    store, login = _store(ctx), _login(ctx)
    forced = _solving(lambda: conflicts.force_in(store, conflict_id, login=login, dry_run=dry_run))
    if as_json:
        _emit(
            {
                "dry_run": dry_run,
                "conflict": workflow_views.conflict_document(forced.conflict) if forced.conflict else None,
                "effect": workflow_views.effect_document(forced.effect),
                "assignment": documents.assignment_document(forced.assignment) if forced.assignment else None,
            }
        )
        return
    _show_effect(forced.effect, _("if forced in:") if dry_run else _("forced in:"))
    if not dry_run:
        out.print(_("conflict {id} resolved: forced in").format(id=conflict_id))


@conflict_app.command("later")
@handled
def conflict_later(
    ctx: typer.Context,
    conflict_id: int = IdArgument,
    month: str = typer.Option(..., "--month", "-m", help="The later month agreed, YYYY-MM."),
    reason: str | None = typer.Option(None, "--reason", help="What was agreed, with whom."),
    as_json: bool = JsonOption,
) -> None:
    """Record a later month agreed with the client; the conflict closes."""
    agreed = conflicts.agree_later(_store(ctx), conflict_id, _month(month), login=_login(ctx), reason=reason)
    if as_json:
        _emit(workflow_views.conflict_document(agreed))
    else:
        out.print(
            _("conflict {id} resolved: {ref} moves to {month}").format(
                id=agreed.id, ref=agreed.position_ref, month=agreed.agreed_month
            )
        )


@conflict_app.command("escalate")
@handled
def conflict_escalate(
    ctx: typer.Context, conflict_id: int = IdArgument, why: str = WhyOption, as_json: bool = JsonOption
) -> None:
    """Raise a conflict to the director."""
    escalation = conflicts.escalate(_store(ctx), conflict_id, login=_login(ctx), why=why)
    if as_json:
        _emit(workflow_views.escalation_document(escalation))
    else:
        out.print(_("escalation {id} opened: {subject}").format(id=escalation.id, subject=escalation.subject))


@escalation_app.command("list")
@handled
def escalation_list(
    ctx: typer.Context,
    open_only: bool = typer.Option(False, "--open", help="Only those waiting for the director."),
    as_json: bool = JsonOption,
) -> None:
    """Escalations, oldest first."""
    found = escalations.escalations(_store(ctx), open_only=open_only)
    if as_json:
        _emit([workflow_views.escalation_document(e) for e in found])
    elif not found:
        err.print(_("No escalations."))
    else:
        _render(workflow_views.escalations_view(found))


@escalation_app.command("decide")
@handled
def escalation_decide(
    ctx: typer.Context,
    escalation_id: int = IdArgument,
    force: bool = typer.Option(False, "--force", help="Force the conflict's position into its month."),
    later: str | None = typer.Option(None, "--later", help="Accept this later month, YYYY-MM."),
    reason: str = typer.Option(..., "--reason", help="The decision's reason (recorded)."),
    as_json: bool = JsonOption,
) -> None:
    """The director decides: --force, or --later YYYY-MM, with a reason (a re-approval round: the reason alone)."""
    store, login, month = _store(ctx), _login(ctx), _optional_month(later)
    decided = _solving(
        lambda: escalations.decide(store, escalation_id, login=login, reason=reason, force=force, later=month)
    )
    if as_json:
        _emit(
            {
                **workflow_views.escalation_document(decided.escalation),
                "conflict": workflow_views.conflict_document(decided.conflict) if decided.conflict else None,
                "effect": workflow_views.effect_document(decided.effect) if decided.effect else None,
            }
        )
        return
    if decided.effect:
        _show_effect(decided.effect, _("forced in:"))
    out.print(
        _("escalation {id} decided: {outcome}").format(id=decided.escalation.id, outcome=decided.escalation.outcome)
    )


@review_app.command("agree")
@handled
def review_agree(
    ctx: typer.Context, month: str = MonthOption, line: str = LineOption, as_json: bool = JsonOption
) -> None:
    """Agree to the latest revision of a month's assignment (production planner)."""
    review = reviews.agree(_store(ctx), _month(month), line, login=_login(ctx))
    if as_json:
        _emit(workflow_views.review_document(review))
    else:
        out.print(
            _("{month} {line} revision {revision}: agreed by {login}").format(
                month=review.month, line=review.product_line, revision=review.revision, login=review.login
            )
        )


@review_app.command("object")
@handled
def review_object(
    ctx: typer.Context,
    position: str = PositionArgument,
    month: str = MonthOption,
    line: str = LineOption,
    reason: str = typer.Option(..., "--reason", help="Why, for the product-line manager."),
    as_json: bool = JsonOption,
) -> None:
    """Object to a position's line in the latest revision, with a reason (production planner)."""
    review = reviews.object_to(_store(ctx), position, _month(month), line, login=_login(ctx), reason=reason)
    if as_json:
        _emit(workflow_views.review_document(review))
    else:
        out.print(
            _("objection {id} to {ref} recorded; the product-line manager answers it").format(
                id=review.id, ref=review.position_ref
            )
        )


@review_app.command("answer")
@handled
def review_answer(
    ctx: typer.Context,
    review_id: int = IdArgument,
    reply: str = typer.Option(..., "--reply", help="The answer, for the planner."),
    as_json: bool = JsonOption,
) -> None:
    """Answer a planner's objection (product-line manager)."""
    review = reviews.answer(_store(ctx), review_id, login=_login(ctx), reply=reply)
    if as_json:
        _emit(workflow_views.review_document(review))
    else:
        out.print(_("objection {id} answered").format(id=review.id))


@review_app.command("list")
@handled
def review_list(
    ctx: typer.Context, month: str = MonthOption, line: str = LineOption, as_json: bool = JsonOption
) -> None:
    """Verdicts on the latest revision of a month's assignment."""
    found = reviews.reviews(_store(ctx), _month(month), line)
    if as_json:
        _emit([workflow_views.review_document(r) for r in found])
    elif not found:
        err.print(_("No reviews of this revision yet."))
    else:
        _render(workflow_views.reviews_view(found))


def main() -> None:
    """Console-script entry point. A solve cancelled as the command ended (the workstation
    quit, Ctrl+C) gets :data:`millplan.solver.control.GRACE` s to stop; one still inside HiGHS
    then is left behind by ``os._exit`` — it saves nothing, and the interpreter's own
    exit would abort in HiGHS's threads ("terminate called without an active exception")."""
    code: Any = 0
    try:
        app()
    except SystemExit as exc:
        code = exc.code
        raise
    finally:
        running: list[bool] = []
        _unbroken(lambda: running.append(control.wind_down()))
        if running[-1]:
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(code if isinstance(code, int) else 0 if code is None else 1)


if __name__ == "__main__":
    main()
