"""A workbook openpyxl fails on, told as a bad file rather than a traceback.

A file passing :func:`millplan.core.importing.file_kind.why_not_xlsx` can still be damaged: a zip
cut short, a part whose XML does not parse, an attribute openpyxl does not know
(``TypeError: WorkbookProtection.__init__() got an unexpected keyword argument``). Whatever
openpyxl or the zip reader raises while opening or reading the file becomes
:class:`ImportRejected` naming the file and, when known, the part (and sheet) it failed in.
Only the calls into openpyxl and the zip are guarded, so a fault of millplan's own code is
not passed off as a damaged file.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from openpyxl.reader.excel import ExcelReader
from openpyxl.xml.constants import (
    ARC_CONTENT_TYPES,
    ARC_CORE,
    ARC_CUSTOM,
    ARC_SHARED_STRINGS,
    ARC_STYLE,
    ARC_THEME,
    ARC_WORKBOOK,
)

from millplan.core.domain.errors import MillplanError
from millplan.core.domain.i18n import _
from millplan.core.importing.problems import ImportRejected, Problem

# openpyxl's own steps of opening a book (the local ``action`` of ExcelReader.read), and
# the part each reads under the names Excel, LibreOffice and openpyxl write.
_STEP_PARTS = {
    "read manifest": ARC_CONTENT_TYPES,
    "read strings": ARC_SHARED_STRINGS,
    "read workbook": ARC_WORKBOOK,
    "read properties": ARC_CORE,
    "read custom properties": ARC_CUSTOM,
    "read theme": ARC_THEME,
    "read stylesheet": ARC_STYLE,
    "assign names": ARC_WORKBOOK,
}
_DETAIL_CHARACTERS = 200


def damaged(
    path: Path | str, exc: BaseException, *, part: str | None = None, sheet: str | None = None
) -> ImportRejected:
    """The rejection of ``path`` that openpyxl or the zip reader failed on with ``exc``,
    naming ``part`` (e.g. ``xl/worksheets/sheet1.xml``) or, when not given, the part of
    openpyxl's opening step that failed, if it can be told."""
    part = part or _failed_step_part(exc)
    cause = exc.__cause__ if isinstance(exc, ValueError) and exc.__cause__ else exc  # openpyxl wraps its ValueErrors
    detail = f"{cause.__class__.__name__}: {cause}".strip().rstrip(":")
    if len(detail) > _DETAIL_CHARACTERS:
        detail = detail[:_DETAIL_CHARACTERS] + "…"
    if part:
        why = _(
            "is damaged or not a workbook millplan can read: its part {part} cannot be read ({detail}); "
            "open it in Excel and save it again"
        ).format(part=part, detail=detail)
    else:
        why = _("is damaged or not a workbook millplan can read ({detail}); open it in Excel and save it again").format(
            detail=detail
        )
    return ImportRejected(path, [Problem(str(path), sheet, None, None, None, None, why)])


def _failed_step_part(exc: BaseException) -> str | None:
    """The part openpyxl was reading when ``exc`` was raised (from its reader's step)."""
    trace = exc.__traceback__
    while trace is not None:
        if trace.tb_frame.f_code is ExcelReader.read.__code__:
            return _STEP_PARTS.get(trace.tb_frame.f_locals.get("action"))
        trace = trace.tb_next
    return None


@contextmanager
def reading(path: Path | str, *, part: str | None = None, sheet: str | None = None) -> Iterator[None]:
    """Within the block, whatever the file's reader raises is :func:`damaged` (millplan's
    own errors pass as they are). Wrap only calls into openpyxl or the zip."""
    try:
        yield
    except MillplanError:
        raise
    except Exception as exc:
        raise damaged(path, exc, part=part, sheet=sheet) from exc
