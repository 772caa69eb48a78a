"""What a file handed in as a workbook really is, told from its first bytes.

openpyxl reads only .xlsx (a ZIP of XML parts). Planners also hand in old Excel 97–2003
.xls books, .xls books renamed .xlsx, password-protected workbooks and web pages saved
under an Excel name; each gets a message saying what it is and what to do. An old .xls and
a password-protected .xlsx are both OLE2 compound files ([MS-CFB]): the streams in their
directory tell them apart (an encrypted .xlsx holds ``EncryptionInfo`` and
``EncryptedPackage`` [MS-OFFCRYPTO 2.3.4]; an .xls holds ``Workbook``, or ``Book`` before
Excel 97).
"""

from __future__ import annotations

import struct
import zipfile
from pathlib import Path

from millplan.core.domain.i18n import _

OLE2_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_SIGNATURE = b"PK\x03\x04"
XLSX_SUFFIXES = (".xlsx", ".xlsm", ".xltx", ".xltm")  # what openpyxl opens

_END_OF_CHAIN = 0xFFFFFFFA  # sector numbers above this are markers (end of chain, free, …)
_BIFF_FILEPASS = 0x002F  # the record after BOF of an .xls book with a password to open


def why_not_xlsx(path: Path) -> str | None:
    """Why ``path`` (an existing file) cannot be read as an .xlsx workbook, or ``None`` when
    its content may be one (then openpyxl has the last word)."""
    with open(path, "rb") as handle:
        head = handle.read(1024)
    if head.startswith(OLE2_SIGNATURE):
        return _ole2_why(path)
    if head.startswith(ZIP_SIGNATURE):
        if path.suffix.lower() not in XLSX_SUFFIXES and _holds_workbook(path):
            return _("is an .xlsx workbook named '{suffix}'; rename it to .xlsx").format(
                suffix=path.suffix or path.name
            )
        return None
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if start.startswith((b"<!doctype html", b"<html", b"<table", b"<?xml")):
        return _(
            "is a web page or XML file saved under an Excel name, not a workbook; open it in Excel and save it as .xlsx"
        )
    if path.suffix.lower() in XLSX_SUFFIXES:
        return _(
            "is not an Excel workbook: its content is neither .xlsx nor .xls (damaged, or another kind of file renamed)"
        )
    return _("not an Excel .xlsx workbook ({suffix}); save it as .xlsx in Excel").format(
        suffix=path.suffix or _("no extension")
    )


def _holds_workbook(path: Path) -> bool:
    try:
        with zipfile.ZipFile(path) as archive:
            return any(name.startswith("xl/workbook") for name in archive.namelist())
    except zipfile.BadZipFile:
        return False


def _ole2_why(path: Path) -> str:
    data = path.read_bytes()
    try:
        streams = ole2_streams(data)
    except (struct.error, IndexError, UnicodeDecodeError, ValueError):
        return _(
            "is an old-format Office file (OLE2: an .xls, or a password-protected workbook) that cannot be read; open it in Excel and save it as .xlsx"
        )
    if "EncryptionInfo" in streams and "EncryptedPackage" in streams:
        return _(
            "is a password-protected workbook; remove the password in Excel (File → Info → Protect Workbook) and save it"
        )
    book = streams.get("Workbook") or streams.get("Book")
    if book is None:
        return _(
            "is an Office file of another kind (OLE2: a Word document?), not an Excel workbook; save the workbook as .xlsx"
        )
    encrypted = _biff_has_password(data, book)
    if path.suffix.lower() in XLSX_SUFFIXES:
        what = _("is an old Excel 97–2003 .xls workbook renamed '{suffix}'").format(suffix=path.suffix)
    else:
        what = _("is an old Excel 97–2003 .xls workbook")
    if encrypted:
        return _("{what} with a password; remove the password and save it as .xlsx in Excel").format(what=what)
    return _("{what}; open it in Excel and save it as .xlsx").format(what=what)


def ole2_streams(data: bytes) -> dict[str, tuple[int, int]]:
    """Name → (first sector, size in bytes) of every stream in the directory of the
    compound file ``data`` ([MS-CFB] 2.2 header, 2.5 DIFAT/FAT, 2.6 directory entries).

    Raises ``ValueError``, ``struct.error`` or ``IndexError`` for a truncated or damaged file."""
    shift = struct.unpack_from("<H", data, 30)[0]
    if shift not in (9, 12):  # 512- or 4 096-byte sectors, the only sizes the format allows
        raise ValueError(f"sector size 2**{shift}")
    sector = 1 << shift

    def at(number: int) -> bytes:
        start = (number + 1) * sector
        block = data[start : start + sector]
        if len(block) < sector:
            raise IndexError(f"sector {number} lies beyond the end of the file")
        return block

    fat_sectors = list(struct.unpack_from("<109I", data, 76))
    next_difat, seen = struct.unpack_from("<I", data, 68)[0], set()
    while next_difat < _END_OF_CHAIN and next_difat not in seen:
        seen.add(next_difat)
        block = struct.unpack(f"<{sector // 4}I", at(next_difat))
        fat_sectors.extend(block[:-1])
        next_difat = block[-1]
    fat: list[int] = []
    for number in fat_sectors:
        if number < _END_OF_CHAIN:
            fat.extend(struct.unpack(f"<{sector // 4}I", at(number)))
    streams: dict[str, tuple[int, int]] = {}
    directory, seen = struct.unpack_from("<I", data, 48)[0], set()
    while directory < _END_OF_CHAIN and directory not in seen and directory < len(fat):
        seen.add(directory)
        block = at(directory)
        for offset in range(0, sector, 128):
            name_bytes, kind = struct.unpack_from("<H", block, offset + 64)[0], block[offset + 66]
            if kind == 2 and 2 <= name_bytes <= 64:  # a stream
                name = block[offset : offset + name_bytes - 2].decode("utf-16-le")
                start, size = struct.unpack_from("<IQ", block, offset + 116)
                streams[name] = (start, size)
        directory = fat[directory]
    return streams


def _biff_has_password(data: bytes, stream: tuple[int, int]) -> bool:
    """True if the .xls book stream's record after BOF is FILEPASS (a password to open).
    Streams under 4 096 bytes live in the mini stream: too small a book to matter."""
    start, size = stream
    if size < 4096:
        return False
    sector = 1 << struct.unpack_from("<H", data, 30)[0]
    offset = (start + 1) * sector
    bof_length = struct.unpack_from("<H", data, offset + 2)[0]
    return struct.unpack_from("<H", data, offset + 4 + bof_length)[0] == _BIFF_FILEPASS
