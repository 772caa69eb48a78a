"""``millplan import``: the plant's Excel files (mill register, order portfolio, daily actuals) and the fields they may hold."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import typer

from millplan.commands.common import JsonOption, XlsxOption, emit, err, handled, login_of, out, render, store_of
from millplan.core import database
from millplan.core.domain.i18n import _, ngettext
from millplan.core.importing import actuals as actuals_import
from millplan.core.importing import mills as mills_import
from millplan.core.importing import portfolio as portfolio_import
from millplan.core.importing.report import ImportReport
from millplan.core.views.importing import columns_read, fields_view, rejected_rows

app = typer.Typer(
    help="Import the plant's Excel files (mill register, order portfolio, daily actuals).", no_args_is_help=True
)

FileArgument = typer.Argument(..., metavar="FILE", help="The .xlsx workbook.", show_default=False)
MappingOption = typer.Option(
    None, "--mapping", help="TOML file mapping column headers to fields (see `millplan import fields`)."
)
SkipOption = typer.Option(False, "--skip-invalid", help="Import the good rows; write the bad ones to a rejects file.")
RejectsOption = typer.Option(None, "--rejects", help="Where to write rejected rows (default: FILE.rejects.xlsx).")


def _table(kind: str) -> str:
    """What an import read or wrote (``report.tables``, ``report.counts`` keys) as people name it."""
    return {
        "mills": _("mills"),
        "capacity": _("capacity calendar"),
        "norms": _("productivity norms"),
        "portfolio": _("portfolio"),
        "customers": _("customers"),
        "deals": _("deals"),
        "positions": _("positions"),
        "actuals": _("actuals"),
    }.get(kind, kind)


def _report_import(report: ImportReport, as_json: bool) -> None:
    if as_json:
        emit(report.as_dict())
        return
    for kind, where in report.tables.items():
        read, count = columns_read(report, kind)
        err.print(
            _("{kind}: {where}; {read} of {count} columns read").format(
                kind=_table(kind), where=where, read=read, count=count
            )
        )
        for c in report.columns:
            if c.table == kind and c.renamed:
                err.print(
                    _("  column {column} '{header}' read as '{label}'").format(
                        column=c.column, header=c.header, label=c.label
                    )
                )
    for kind, counts in report.counts.items():
        said = (
            _("{kind}: {created} new, {updated} updated, {unchanged} unchanged, {removed} REMOVED")
            if counts.removed
            else _("{kind}: {created} new, {updated} updated, {unchanged} unchanged")
        )
        out.print(
            said.format(
                kind=_table(kind),
                created=counts.created,
                updated=counts.updated,
                unchanged=counts.unchanged,
                removed=counts.removed,
            )
        )
    for line in report.outcome:
        out.print(line, soft_wrap=True)
    for note in report.notes:
        err.print(_("note: {note}").format(note=note))
    if report.rejected:
        count = rejected_rows(report)
        err.print(
            ngettext(
                "{count} row rejected, written to {file}:", "{count} rows rejected, written to {file}:", count
            ).format(count=count, file=report.rejects_file)
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
    *,
    create: bool = True,
) -> None:
    """Run the importer ``run`` on ``file`` and report it; an import that may ``create`` the
    store (the plant's first files) removes a store it made if it fails."""
    with database.new_store_kept_if_done(ctx.find_root().obj["db"]):
        report = run(
            store_of(ctx, create=create),
            file,
            login=login_of(ctx),
            mapping_path=mapping,
            skip_invalid=skip_invalid,
            rejects_path=rejects,
        )
    _report_import(report, as_json)


@app.command("mills")
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


@app.command("portfolio")
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


@app.command("actuals")
@handled
def import_actuals(
    ctx: typer.Context,
    file: Path = typer.Argument(
        ..., metavar="FILE", help="The shop's .xlsx report, or the MES/1C .csv export.", show_default=False
    ),
    mapping: Path | None = MappingOption,
    skip_invalid: bool = SkipOption,
    rejects: Path | None = RejectsOption,
    as_json: bool = JsonOption,
) -> None:
    """Import the daily actuals (tonnes made by day, mill and position); a day imported again replaces its rows."""
    # actuals name mills and positions already stored: a mistyped --db is an error, not a new plant
    _import(ctx, actuals_import.import_actuals, file, mapping, skip_invalid, rejects, as_json, create=False)


@app.command("fields")
@handled
def import_fields(
    kind: str = typer.Argument("portfolio", metavar="KIND", help="portfolio, mills or actuals"),
    xlsx: Path | None = XlsxOption,
) -> None:
    """List the fields a file may hold, the header millplan expects, and the names it also accepts."""
    view = fields_view(kind)
    if view is None:
        raise typer.BadParameter(_("use 'portfolio', 'mills' or 'actuals'"))
    render(view)
