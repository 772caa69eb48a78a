"""The Excel imports, as data: the fields a file may hold as a table, and the figures an
import report is summed up by."""

from __future__ import annotations

from millplan.core.domain.i18n import _
from millplan.core.importing import actuals, mills, portfolio
from millplan.core.importing.report import ImportReport
from millplan.core.views.tables import Column, TableView

FIELD_KINDS = {"portfolio": portfolio.FIELDS, "mills": mills.ALL_FIELDS, "actuals": actuals.FIELDS}
"""The files whose fields can be listed, by kind."""


def fields_view(kind: str) -> TableView | None:
    """The fields a ``kind`` file (a key of :data:`FIELD_KINDS`) may hold: the key a
    mapping file uses, the header millplan expects, whether it is required, and the names
    it also accepts; ``None`` for an unknown kind."""
    specs = FIELD_KINDS.get(kind)
    if specs is None:
        return None
    columns = (
        Column("key", _("Key"), wrap=True),
        Column("header", _("Header"), wrap=True),
        Column("required", _("Required"), wrap=True),
        Column("synonyms", _("Also accepted"), wrap=True),
    )
    rows = tuple(
        {
            "key": spec.key,
            "header": spec.label,
            "required": spec.required,
            "synonyms": ", ".join(spec.synonyms),
        }
        for spec in specs
    )
    return TableView(_("Fields of {kind} files (use the key in a mapping file)").format(kind=kind), columns, rows)


def columns_read(report: ImportReport, kind: str) -> tuple[int, int]:
    """Of the columns of the ``kind`` table (``mills``, ``capacity`` …): how many were read
    into a field, and how many the sheet has."""
    columns = [c for c in report.columns if c.table == kind]
    return sum(c.field is not None for c in columns), len(columns)


def rejected_rows(report: ImportReport) -> int:
    """How many rows were rejected (a row with several problems counts once)."""
    return len({(p.sheet, p.row) for p in report.rejected})
