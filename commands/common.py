"""What every command group shares: the exit codes, the common options, the error handler,
the store and login of a command, running a solve under Ctrl+C, and output (one JSON
document on stdout, or Rich tables in the house style)."""

from __future__ import annotations

import functools
import json
import signal
import sys
import threading
from collections.abc import Callable
from enum import Enum
from pathlib import Path
from typing import Any, TypeVar

import typer
from rich import box
from rich.cells import cell_len
from rich.console import Console, OverflowMethod
from rich.table import Table
from rich.text import Text

from millplan.core.access import identity
from millplan.core.domain import glyphs
from millplan.core.domain.errors import ExitCode, Interrupted, InvalidInput, MillplanError
from millplan.core.domain.i18n import _, ngettext
from millplan.core.domain.months import Month, month_text, plant_clock
from millplan.core.views.errors import error_document
from millplan.core.views.excel import write_workbook
from millplan.core.views.tables import Column, TableView, cell_style, cell_text
from millplan.core.views.wrapping import keep_numbers_whole
from millplan.core.workflow import plant_zone
from millplan.solver import control
from millplan.solver.control import Deadline
from millplan.storage.store import Store, open_store

keep_numbers_whole()  # a number grouped with no-break spaces never wraps inside

# markup off: plant data (customer names, reasons) may hold brackets that Rich would eat
out = Console(highlight=False, markup=False)
err = Console(stderr=True, highlight=False, markup=False)

JsonOption = typer.Option(False, "--json", help="Print one JSON document on stdout and nothing else.")
MonthOption = typer.Option(..., "--month", "-m", help="Plan month, YYYY-MM.")
LineOption = typer.Option(..., "--line", "-l", help="Product line code, e.g. ТБД.")
PositionArgument = typer.Argument(..., metavar="POSITION", help="Position as DEAL#NO, e.g. 'С-26/2601#3'.")
IdArgument = typer.Argument(..., metavar="NUMBER", help="Its number (see the list command).", show_default=False)
WhyOption = typer.Option(..., "--why", help="Justification, for the product-line manager or the director.")
XlsxOption = typer.Option(
    None,
    "--xlsx",
    help="Also write the tables shown, every row, to this Excel file (one sheet each).",
    dir_okay=False,
    show_default=False,
)

ASCII_HEAD = box.Box("    \n    \n -- \n    \n    \n    \n    \n    \n", ascii=True)
"""Rich's ``SIMPLE_HEAD`` (a rule under the header, no frame) drawn with ``-``, for ASCII glyphs."""


def rule(title: str) -> None:
    """A heading across the terminal (``── title ──``; ``-- title --`` in ASCII glyphs)."""
    out.rule(title, characters="-" if glyphs.ascii_mode() else "─")


_book: list[TableView] | None = None
"""The tables a command run with ``--xlsx`` has shown so far (``None``: no book asked for)."""

BOOK_CONTEXT = ("line", "month")
"""A command's options that say what its book is about, in the order its sheets name them."""

_NOT_FILTERS = {*BOOK_CONTEXT, "xlsx", "as_json"}
"""Options a book's context does not list as filters (said apart, or about the output)."""


def handled(command: Callable) -> Callable:
    """Turn a :class:`MillplanError` into its message on stderr and the documented exit
    code — and, for a command run with ``--json``, into one JSON document on stdout too
    (``status`` ``infeasible``, ``rejected`` or ``error``), so a script always has one."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            if kwargs.get("xlsx") is None:
                return command(*args, **kwargs)
            return _with_book(command, kwargs["xlsx"], *args, **kwargs)
        except MillplanError as exc:
            if kwargs.get("as_json"):
                emit(error_document(exc))
            err.print(Text.assemble((_("error:"), "bold red"), " ", str(exc)), soft_wrap=True)
            raise typer.Exit(ExitCode(exc.exit_code)) from None

    return wrapper


def _with_book(command: Callable, file: Path, *args: Any, **kwargs: Any) -> Any:
    """Run ``command`` (given ``--xlsx FILE``) and write every table it showed, every row,
    to ``file``: one sheet each, headed by the month and line the command was asked about.
    Raises :class:`InvalidInput` with ``--json`` (nothing is shown as a table then) and when
    ``file`` cannot be written."""
    global _book
    ctx = kwargs.get("ctx")
    if ctx is not None and ctx.invoked_subcommand:  # a group's own listing (``stale``) is not run
        return command(*args, **kwargs)
    if kwargs.get("as_json"):
        raise InvalidInput(_("--xlsx writes the tables a command shows: leave out --json"))
    _book = []
    try:
        result = command(*args, **kwargs)
        shown = _book
    finally:
        _book = None
    if not shown:
        err.print(_("no table to write to {file}").format(file=file), soft_wrap=True)
        return result
    write_workbook(file, shown, _book_context(ctx, kwargs))
    n = len(shown)
    err.print(
        ngettext("{n} table written to {file}", "{n} tables written to {file}", n).format(n=n, file=file),
        soft_wrap=True,
    )
    return result


def book(view: TableView) -> None:
    """Put ``view`` in the ``--xlsx`` book of the command, if it was asked for one, without
    printing it (a table the command prints in another form, or a fuller form of one)."""
    if _book is not None:
        _book.append(view)


def store_of(ctx: typer.Context, *, create: bool = False) -> Store:
    """The command's store. A database named by ``--db``/``MILLPLAN_DB`` must exist unless
    the command ``create``s one (an import): a mistyped path is an error, not a new empty
    plant. The default file in the data folder is made on first use."""
    obj = ctx.find_root().obj
    if "store" not in obj:  # one store per command, whatever asks for it first
        obj["store"] = open_store(obj["db"], create=create or not obj["named"])
        plant_zone.apply(obj["store"])  # times shown, and the plant's date, in the plant's zone
    return obj["store"]


def login_of(ctx: typer.Context) -> str:
    """Who acts: the login the store vouches for, or ``--as LOGIN`` when that is allowed
    (core decides: ``millplan.core.access.identity``)."""
    obj = ctx.find_root().obj
    if "login" not in obj:
        obj["login"] = identity.acting_login(store_of(ctx), obj["as"], _typed(ctx))
    return obj["login"]


def _typed(ctx: typer.Context) -> str:
    """The command and what was typed after it, for the audit log (``plan --month 2026-12 --line L``)."""
    if ctx.parent is None:  # no command: the workstation (the global options, --db's URL among them, stay out)
        return "tui"
    program = ctx.find_root().info_name or "millplan"  # or `python -m millplan`
    return " ".join(ctx.command_path.split()[len(program.split()) :] + _typed_params(ctx))


def _book_context(ctx: typer.Context | None, kwargs: dict[str, Any]) -> str:
    """What a command's ``--xlsx`` book is about, under each sheet's title: the product line
    and month it was asked about, then any other option typed as a filter
    (``ТБД · янв 2027 · filters: --manager petrov``)."""
    parts = [str(kwargs["line"])] if kwargs.get("line") else []
    if kwargs.get("month"):
        month = kwargs["month"]
        parts.append(month_text(month if isinstance(month, Month) else month_of(str(month))))
    filters = " ".join(_typed_params(ctx, leave_out=_NOT_FILTERS)) if ctx is not None else ""
    if filters:
        parts.append(_("filters: {options}").format(options=filters))
    return " · ".join(parts)


def _typed_params(ctx: typer.Context, leave_out: set[str] | frozenset[str] = frozenset()) -> list[str]:
    """The command's arguments and options as typed (``--month 2026-12 --line L``), but those named in ``leave_out``."""
    words: list[str] = []
    for param in ctx.command.params:
        source = ctx.get_parameter_source(param.name)
        if source is None or source.name != "COMMANDLINE" or param.name in leave_out:
            continue
        value = ctx.params[param.name]
        if param.param_type_name == "argument":
            words.append(str(value))
        elif isinstance(value, bool):
            words += [param.opts[0] if value else (param.secondary_opts or param.opts)[0]]
        else:  # an option given more than once holds them all
            for one in value if isinstance(value, (list, tuple)) else [value]:
                words += [param.opts[0], str(one.value if isinstance(one, Enum) else one)]
    return words


def month_of(text: str, option: str = "--month") -> Month:
    """The month the command-line ``option`` names (``YYYY-MM``); :class:`InvalidInput`
    naming ``option`` when it names none."""
    try:
        return Month.parse(text)
    except ValueError as exc:
        raise InvalidInput(f"{option}: {exc}") from None


def optional_month(text: str | None) -> Month | None:
    """:func:`month_of` for an option that may be left out (``None``)."""
    return month_of(text) if text else None


def plant_time(at) -> str:  # noqa: ANN001 - an aware datetime or None
    """A time as the history shows it (plant time), ``—`` for none."""
    return plant_clock(at) if at else str(glyphs.NONE)


def emit(document: Any) -> None:
    """Write ``document`` as the command's one JSON document on stdout."""
    sys.stdout.write(json.dumps(document, ensure_ascii=False, indent=2, default=str) + "\n")


def render(
    view: TableView, limit: int | None = None, every: str | None = None, *, booked: TableView | None = None
) -> None:
    """Print ``view`` as a table in the house style: a rule under the header, no frame, one
    space between columns — so six months of mill load fit in 80 columns; with ``limit``
    its first rows and how many more there are (``every``: the command's option that lists
    them all, e.g. ``--all``, named there too). The ``--xlsx`` book, if asked for, gets
    every row of ``view`` — or of ``booked``, a fuller form of it (more columns)."""
    book(booked or view)
    rows = view.rows if limit is None else view.rows[:limit]
    cells = [[cell_text(row.get(c.key), c) for c in view.columns] for row in rows]
    table = Table(
        header_style="bold",
        box=ASCII_HEAD if glyphs.ascii_mode() else box.SIMPLE_HEAD,
        padding=(0, 0),
        pad_edge=False,
    )
    cut: OverflowMethod = "crop" if glyphs.ascii_mode() else "ellipsis"  # no … where it may be drawn two cells wide
    spaces = len(view.columns) + 1  # the table's edges and the space between columns
    fits = [fit_of(column, [row.get(column.key) for row in rows]) for column in view.columns]
    widths = fitted_widths(view.columns, fits, cells, out.width - spaces)
    for column, fit, width in zip(view.columns, fits, widths):
        # a header wraps between its words (folds inside one only when room is short)
        table.add_column(
            Text(column.header, no_wrap=width < LAST_FLOOR, overflow="fold" if width >= LAST_FLOOR else cut),
            justify="right" if column.numeric else "left",
            no_wrap=fit is Fit.WHOLE or column.clip or width < LAST_FLOOR,  # too narrow to wrap: cut
            width=width,
            overflow="fold" if fit is Fit.WORDS or (column.wrap and width >= LAST_FLOOR) else cut,
        )
    for row, texts in zip(rows, cells):
        table.add_row(*(Text(text, style=cell_style(row.get(c.key))) for c, text in zip(view.columns, texts)))
    out.print(Text(view.title, style="table.title"))  # the terminal's width, not the table's: never cut
    shown = out.width
    out.width = max(shown, sum(widths) + spaces)  # a table that cannot fit runs past the edge, never cutting a figure
    try:
        out.print(table)
    finally:
        out.width = shown
    if limit is not None and len(view.rows) > limit:
        more = len(view.rows) - limit
        if every:
            said = ngettext(
                "… {more} more row (--json gives them all, or {every})",
                "… {more} more rows (--json gives them all, or {every})",
                more,
            )
        else:
            said = ngettext(
                "… {more} more row (--json gives them all)", "… {more} more rows (--json gives them all)", more
            )
        out.print(said.format(more=more, every=every))


TEXT_FLOOR = 16
"""The narrowest a free-text column (customer, reason) is squeezed to while anything else can give."""

LAST_FLOOR = 6
"""The narrowest a header is folded to (never below its values), and free text before the very last step."""


class Fit(Enum):
    """How a column of a CLI table may give when the table is wider than the terminal."""

    WHOLE = "whole"
    """A figure, a month, a date, a time: never cut, never wrapped (only its header wraps)."""
    WORDS = "words"
    """Plain text that is not free text (a reference, an action, an object): wraps between
    words, never cutting one (a reference is one word)."""
    FREE = "free"
    """Free text (a customer, a reason; ``wrap`` or ``clip`` in its view): wraps or is cut with …."""


def fit_of(column: Column, values: list[Any]) -> Fit:
    """How ``column`` (holding ``values``) may give: see :class:`Fit`."""
    if column.wrap or column.clip:
        return Fit.FREE
    if column.numeric or any(value is not None and not isinstance(value, str) for value in values):
        return Fit.WHOLE
    return Fit.WORDS


def fitted_widths(columns: tuple[Column, ...], fits: list[Fit], cells: list[list[str]], room: int) -> list[int]:
    """Each column's width in a table of ``cells`` (rows of texts; ``fits``: how each column
    may give) given ``room`` characters (the terminal less the spaces between columns).

    Each column starts as wide as its longest value and its header (a ``clip`` column no wider
    than its hint, or its header's longest word). When that is wider than ``room``,
    columns give in this order, each step in proportion to what each can give: free text down
    to :data:`TEXT_FLOOR`; headers down to their longest word (wrapping between words); plain
    words down to their longest word; headers down to their values (folded, at least
    :data:`LAST_FLOOR`); free text down to :data:`LAST_FLOOR`,
    then to 3 (cut with …, no longer wrapped: see :func:`render`). A figure or a word is never
    cut: what still does not fit makes the table wider than ``room``. Room to spare widens a
    ``clip`` column beyond its hint, up to its longest value."""
    widths: list[int] = []
    grown: dict[int, int] = {}  # a clipped column's index -> its longest value's width
    steps: list[list[int]] = [[] for _ in range(6)]  # each step's floor per column
    for index, (column, fit) in enumerate(zip(columns, fits)):
        texts = [row[index] for row in cells]
        longest = max((cell_len(text) for text in texts), default=0)
        header_word = max((cell_len(word) for word in column.header.split()), default=1)
        if fit is Fit.FREE:
            width = max(longest, cell_len(column.header), 1)
            if column.clip and column.width:
                grown[index] = width
                width = min(width, max(column.width, header_word))
            floors = [max(TEXT_FLOOR, header_word), *[TEXT_FLOOR] * 3, LAST_FLOOR, 3]
        else:
            width = max(longest, cell_len(column.header), 1)
            word = longest if fit is Fit.WHOLE else max((cell_len(w) for t in texts for w in t.split()), default=0)
            headed = max(longest, header_word)
            folded = max(word, LAST_FLOOR)
            floors = [width, headed, max(word, header_word), folded, folded, folded]
        widths.append(width)
        for step, floor in zip(steps, floors):
            width = min(width, floor)  # a later step never widens what an earlier one narrowed
            step.append(width)
    for floors in steps:
        excess = sum(widths) - room
        if excess <= 0:
            break
        slack = [width - floor for width, floor in zip(widths, floors)]
        spare = sum(slack)
        taken = min(excess, spare)
        cuts = [taken * give // spare if spare else 0 for give in slack]
        for index in sorted(range(len(cuts)), key=lambda i: -slack[i])[: taken - sum(cuts)]:
            cuts[index] += 1  # the rounding's remainder, from the columns with the most to give
        widths = [width - cut for width, cut in zip(widths, cuts)]
    for index, natural in grown.items():  # room to spare: a clipped column shows more of its values
        widths[index] += max(0, min(natural - widths[index], room - sum(widths)))
    return widths


T = TypeVar("T")

PROGRESS_AFTER = 2.0
"""Seconds a plan runs before the CLI says on stderr what it is solving."""


def solving(run: Callable[[], T], describe: Callable[[Deadline], tuple[str, str] | None] = lambda deadline: None) -> T:
    """``run()`` — a core call that solves — under a deadline of its own in a daemon
    thread (:func:`millplan.solver.control.start`); its result, or its error. After
    :data:`PROGRESS_AFTER` s stderr shows the text of ``describe(deadline)``, a pair
    (what is being solved, text), when it gives one — a live line on a terminal, once for
    each thing solved otherwise. Ctrl+C cancels the call: its
    solver stops (CBC killed), nothing is saved, :class:`Interrupted` (exit code 130) once
    the call has ended or :data:`millplan.solver.control.GRACE` s have passed, whichever is first
    (:func:`millplan.cli.main` then leaves without it)."""
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
