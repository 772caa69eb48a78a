"""A CSV file as the MES and 1C export it, read as a one-sheet workbook.

Exports write ``;`` between fields (Russian Excel and 1C keep ``,`` for the decimal mark),
in Windows-1251 or UTF-8, with or without a byte-order mark. The file becomes an in-memory
workbook with one sheet named after the file, as Excel names it when it opens a CSV, so an
importer finds the table and reads its rows exactly as in an .xlsx book
(:func:`millplan.core.importing.workbook.find_table`, ``read_records``). Number text with the
file's decimal mark (``182,700`` in a ``;`` file, ``182.700`` in a ``,`` file) becomes a
number there: three digits after the mark are ambiguous only where the mark is unknown.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
from openpyxl.workbook.workbook import Workbook

from millplan.core.domain.i18n import _
from millplan.core.importing.file_kind import OLE2_SIGNATURE, ZIP_SIGNATURE
from millplan.core.importing.problems import DELIMITED_SUFFIXES, ImportRejected, Problem
from millplan.core.importing.sheet_xml import SheetFacts
from millplan.core.importing.workbook import open_workbook

DELIMITERS = (";", "\t", ",")
"""Field separators tried, the exports' own first; the one the header line holds most of wins."""
_DECIMAL_MARK = {";": ",", ",": "."}
"""The decimal mark a file with this separator writes (a tab says nothing about it)."""
_NUMBER = {mark: re.compile(r"-?\d[\d \u00a0\u202f]*" + re.escape(mark) + r"\d+") for mark in (",", ".")}
_SHEET_TITLE_BAD = re.compile(r"[\[\]:*?/\\]")


def open_book(path: Path) -> tuple[Workbook, SheetFacts | None]:
    """The workbook at ``path``, or a CSV file (``.csv``, ``.txt``) read as one; with the sheet
    facts to pass to ``read_records`` (``SheetFacts()`` for a CSV file — no merged cells, no
    formulas — ``None`` for a workbook, whose facts are read from its XML).

    Raises :class:`ImportRejected` naming the file as :func:`open_workbook` and
    :func:`open_delimited` do."""
    path = Path(path)
    if path.suffix.lower() in DELIMITED_SUFFIXES:
        return open_delimited(path), SheetFacts()
    return open_workbook(path), None


def open_delimited(path: Path) -> Workbook:
    """Read the delimited text file at ``path`` into a workbook of one sheet.

    Raises :class:`ImportRejected` naming the file when it is missing, a folder, empty, or
    neither UTF-8 nor Windows-1251 text."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        _reject(path, _("file not found"))
    except IsADirectoryError:
        _reject(path, _("is a folder, not a CSV file"))
    except OSError as exc:
        _reject(path, _("cannot be read: {reason}").format(reason=exc.strerror or exc))
    text = _decoded(path, raw)
    first = next((line for line in text.splitlines() if line.strip()), None)
    if first is None:
        _reject(path, _("is empty"))
    delimiter = max(DELIMITERS, key=first.count)
    mark = _DECIMAL_MARK.get(delimiter)
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = _SHEET_TITLE_BAD.sub("_", path.stem)[:31] or "CSV"
    for row in csv.reader(io.StringIO(text), delimiter=delimiter):
        sheet.append([_cell(value, mark) for value in row])
    return workbook


def _decoded(path: Path, raw: bytes) -> str:
    """UTF-8 (a byte-order mark says so; else text that decodes as UTF-8 is taken for it),
    else Windows-1251, the encoding of Russian Windows and 1C exports. A workbook saved
    under a CSV name is refused as such."""
    if raw.startswith((ZIP_SIGNATURE, OLE2_SIGNATURE)):
        _reject(path, _("is an Excel workbook, not a CSV file; name it .xlsx (or save it as .xlsx) and import it"))
    if raw.startswith(codecs.BOM_UTF8):
        raw = raw[len(codecs.BOM_UTF8) :]
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return raw.decode("cp1251")
    except UnicodeDecodeError:
        _reject(path, _("is neither UTF-8 nor Windows-1251 text; save it as CSV (UTF-8) and import it again"))


def _cell(value: str, mark: str | None) -> Any:
    """A field as a cell value: blank is ``None``; number text with the file's decimal
    ``mark`` a :class:`Decimal`; anything else the text, for the importer's cell readers."""
    value = value.strip()
    if not value:
        return None
    if mark is not None and _NUMBER[mark].fullmatch(value):
        return Decimal(re.sub(r"[ \u00a0\u202f]", "", value).replace(mark, "."))
    return value


def _reject(path: Path, why: str) -> None:
    raise ImportRejected(path, [Problem(str(path), None, None, None, None, None, why)])
