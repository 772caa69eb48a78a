"""Numbers stay whole when a line wraps (``13 457 205 руб.`` never breaks between 13 and 457).

Russian groups digits with a no-break space (:data:`millplan.core.domain.numbers.NBSP`), but Rich
wraps at any whitespace, the no-break space included (``rich._wrap.re_word``: ``\\s*\\S+\\s*``).
Both fronts wrap through that one pattern — Rich's ``Text.wrap`` (the command line's tables) and
Textual's ``Content`` (the workstation), which calls ``rich._wrap.divide_line`` — so
:func:`keep_numbers_whole` swaps it for one that reads U+00A0 as part of a word. The command line
(:mod:`millplan.commands.common`) and the workstation (:mod:`millplan.tui.app`) apply it at import.
"""

from __future__ import annotations

import re

from rich import _wrap

from millplan.core.domain.numbers import NBSP

WORD = re.compile(rf"[^\S{NBSP}]*[\S{NBSP}]+[^\S{NBSP}]*")
"""A word with the spaces around it, as ``rich._wrap.re_word``, a no-break space inside it."""


def keep_numbers_whole() -> None:
    """Make Rich (and Textual through it) wrap lines only at breaking spaces. Idempotent."""
    _wrap.re_word = WORD
