"""The symbols millplan draws, each in Unicode and in plain ASCII.

Some terminals (the Linux console, old SSH clients, East Asian fonts) draw characters of
ambiguous width — ``✋``, ``◆``, ``✉``, ``↻``, ``…``, arrows, block eighths — two cells wide,
which shifts every aligned column after them. Each symbol is said once here; a
:class:`Glyph` reads as its Unicode or ASCII form when it is shown (``str()``, an f-string),
as :func:`ascii_mode` says at that moment:

1. ``MILLPLAN_GLYPHS`` (``unicode``, ``ascii``, ``auto``), else
2. the ``glyphs`` preference (``millplan config glyphs ascii``), else
3. automatic: ASCII on the Linux console (``TERM=linux``), Unicode elsewhere.

Pipe sizes are always written with a plain ``x`` (``530x10``): no mode needed.
"""

from __future__ import annotations

import functools
import os
from dataclasses import dataclass

from millplan.core.domain import preferences

GLYPHS_ENV = "MILLPLAN_GLYPHS"
MODES = ("unicode", "ascii", "auto")
"""What ``MILLPLAN_GLYPHS`` and the ``glyphs`` preference may say."""
SIZE = "x"
"""Between a pipe's OD and wall (``530x10``), in every mode."""


@functools.cache
def _preference() -> str | None:
    # read once per process: asked for every cell of a table, and `millplan config` changes it for the next run
    return preferences.load().get("glyphs")


def ascii_mode() -> bool:
    """True when symbols are drawn in ASCII: ``MILLPLAN_GLYPHS``, else the ``glyphs``
    preference, when either says ``unicode`` or ``ascii``; else on ``TERM=linux``."""
    for choice in (os.environ.get(GLYPHS_ENV), _preference()):
        if choice in ("unicode", "ascii"):
            return choice == "ascii"
    return os.environ.get("TERM") == "linux"


@dataclass(frozen=True)
class Glyph:
    """A symbol in its two forms; ``str(glyph)`` is the one in force (:func:`ascii_mode`)."""

    unicode: str
    ascii: str

    def __str__(self) -> str:
        return self.ascii if ascii_mode() else self.unicode


MANUAL = Glyph("✋", "!")
"""A position excluded (or forced) by hand, in the assignment's exclusions."""
KEY_ACCOUNT = Glyph("◆", "*")
"""A key account's position."""
MAIL = Glyph("✉", "@")
"""The unread notifications badge."""
CARRIED = Glyph("↻", "~")
"""A position carried over from the month before."""
UNREAD = Glyph("●", "*")
"""A notification not read yet."""
ARROW = Glyph("→", "->")
"""From one value to the next (``before → after``)."""
ELLIPSIS = Glyph("…", "...")
"""Text left out; between the ends of a span of months."""
RANGE = Glyph("–", "-")
"""Between the ends of a range of days or sizes (``1–3``)."""
NONE = Glyph("—", "-")
"""No value, in an aligned column."""
FULL = Glyph("█", "#")
"""A full cell of a bar."""
_EIGHTHS = Glyph(" ▏▎▍▌▋▊▉", " ...:::=")
"""Partial cells of a bar by eighths filled (0–7); ASCII draws them coarser."""


def bar(eighths: int, width: int) -> str:
    """A bar ``eighths`` / 8 cells long, padded to ``width`` cells (``eighths`` ≤ ``8 * width``):
    ``bar(13, 2)`` → ``"█▋"``, ASCII ``"#:"``."""
    full, part = divmod(eighths, 8)
    text = str(FULL) * full + (str(_EIGHTHS)[part] if part else "")
    return text.ljust(width)
