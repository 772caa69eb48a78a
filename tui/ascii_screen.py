"""The whole screen in ASCII, when symbols are (:func:`millplan.core.domain.glyphs.ascii_mode`).

millplan's own symbols have ASCII forms (``core/domain/glyphs.py``), but much of what a
screen shows is drawn by others: Textual's header icon, the tabs' underline, borders,
scrollbars, the footer's separators, the command palette's icon, the ``…`` of a cut cell;
Plotext's frame; punctuation in the plant's own data and in texts (``·``, ``—``, ``«»``).
On a terminal that draws such characters two cells wide (or not at all), every line after
them is off. :class:`AsciiFilter` is a Textual line filter that the app adds in ASCII mode:
it replaces, as each line is drawn, every character that is neither ASCII nor Cyrillic by
ASCII of the same width in cells (``─``/``━`` → ``-``, ``│`` → ``|``, corners ``+``,
``█`` → ``#``, ``·`` → ``.``, ``…`` → ``.``), so nothing moves and Russian stays Russian.
The Russian quotes ``«»`` stay too (:data:`KEPT`): they are one cell wide in every terminal
(East Asian width "neutral", unlike ``·``, ``—``, ``…`` and ``№``, which are "ambiguous"),
and the console fonts that draw Cyrillic have them; a customer's name keeps its quotes.
"""

from __future__ import annotations

import unicodedata
from functools import cache, lru_cache

from rich.cells import cell_len
from rich.segment import Segment
from textual.color import Color
from textual.filter import LineFilter

CYRILLIC = range(0x0400, 0x0530)
"""Cyrillic letters (with the supplement): Russian words stay as they are."""

KEPT = frozenset("«»")
"""Characters beyond ASCII and Cyrillic that stay as they are: one cell wide everywhere."""

PUNCTUATION = {
    "·": ".",
    "•": "*",
    "●": "*",
    "—": "-",
    "–": "-",
    "−": "-",
    "…": ".",
    "„": '"',
    "“": '"',
    "”": '"',
    "‘": "'",
    "’": "'",
    "×": "x",
    "№": "N",
    "↑": "^",
    "↓": "v",
    "→": ">",
    "←": "<",
    "⭘": "o",
    "▔": "-",
    "▁": "_",
    "▂": "_",
    "▃": "_",
    "▏": "|",
    "▎": "|",
    "▍": "|",
    "▕": "|",
    "░": ":",
    "▒": "%",
    "\u00a0": " ",
    "\u202f": " ",
}
"""Characters with an ASCII look-alike of their own."""


@cache
def ascii_of(character: str) -> str:
    """``character`` as ASCII of the same width in cells: itself if ASCII, Cyrillic or
    :data:`KEPT`; a box-drawing line as ``-``, ``|`` or ``+``; a block as ``#``; a look-alike from
    :data:`PUNCTUATION`; a letter with an accent without it (``é`` → ``e``); else ``?``
    (``??`` for a character two cells wide, such as an emoji)."""
    if character.isascii() or ord(character) in CYRILLIC or character in KEPT:
        return character
    width = cell_len(character)
    if character in PUNCTUATION:
        return PUNCTUATION[character].ljust(width)
    name = unicodedata.name(character, "")
    if name.startswith("BOX DRAWINGS"):
        return _box(name).ljust(width)
    if name.endswith((" BLOCK", " SHADE")) or name.startswith("QUADRANT"):
        return "#".ljust(width)
    plain = unicodedata.normalize("NFKD", character).encode("ascii", "ignore").decode()
    if plain and cell_len(plain) == width:
        return plain
    return "?" * max(width, 1) if width else ""


def _box(name: str) -> str:
    """A box-drawing character by its Unicode name: a corner, tee or cross ``+``, a line ``-`` or ``|``."""
    if " AND " in name:
        return "+"
    if "DIAGONAL" in name:
        return "X" if "CROSS" in name else ("/" if "UPPER RIGHT TO LOWER LEFT" in name else "\\")
    if any(word in name for word in ("HORIZONTAL", "LEFT", "RIGHT")):
        return "-"
    return "|"


@lru_cache(maxsize=4096)
def ascii_text(text: str) -> str:
    """``text`` with each character as :func:`ascii_of` says (as wide in cells as ``text``)."""
    if text.isascii():
        return text
    return "".join(ascii_of(character) for character in text)


class AsciiFilter(LineFilter):
    """A line filter: each segment's text as :func:`ascii_text`, its style kept."""

    def apply(self, segments: list[Segment], background: Color) -> list[Segment]:
        """``segments`` with their text in ASCII (control segments as they are)."""
        return [
            segment if segment.control or segment.text.isascii() else Segment(ascii_text(segment.text), segment.style)
            for segment in segments
        ]
