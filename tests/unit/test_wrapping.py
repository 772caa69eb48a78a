"""Numbers grouped with no-break spaces stay whole when Rich or Textual wraps a line."""

from __future__ import annotations

from rich.console import Console
from rich.text import Text
from textual.content import Content

import millplan.commands.common  # noqa: F401 - the command line applies it at import
import millplan.tui.app  # noqa: F401 - so does the workstation
from millplan.core.domain.numbers import NBSP

SUM = f"13{NBSP}457{NBSP}205 руб."
LINE = f"Маржинальный доход {SUM} за месяц"


def test_rich_wraps_before_a_grouped_number_not_inside_it():
    for width in range(12, 30):
        lines = [line.plain.strip() for line in Text(LINE).wrap(Console(width=80), width)]
        assert any(f"13{NBSP}457{NBSP}205" in line for line in lines), (width, lines)


def test_textual_content_wraps_before_a_grouped_number_not_inside_it():
    for width in range(12, 30):
        lines = [line.plain.strip() for line in Content(LINE).wrap(width)]
        assert any(f"13{NBSP}457{NBSP}205" in line for line in lines), (width, lines)


def test_a_number_longer_than_the_line_is_still_folded_and_spaces_still_break():
    assert [line.plain for line in Text(f"1{NBSP}234{NBSP}567").wrap(Console(width=80), 4)] == [
        f"1{NBSP}23",
        f"4{NBSP}56",
        "7",
    ]
    assert len(Text("a b c d").wrap(Console(width=80), 3)) == 2
