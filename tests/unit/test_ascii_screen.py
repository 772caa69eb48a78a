"""The workstation's ASCII mode: every character drawn as ASCII of the same width (tui/ascii_screen.py)."""

from __future__ import annotations

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from textual.color import Color

from millplan.tui.ascii_screen import AsciiFilter, ascii_of, ascii_text


def test_box_drawing_blocks_and_punctuation_have_ascii_look_alikes() -> None:
    assert ascii_text("┌──┬─┐") == "+--+-+"
    assert ascii_text("┃━╸╺│") == "|---|"
    assert ascii_text("█▉▒▏") == "##%|"
    assert ascii_text("a · b — c…") == "a . b - c."
    assert ascii_text("АО «Газстрой»") == "АО «Газстрой»"  # Russian stays Russian, its quotes too (one cell wide)
    assert ascii_text("„Газстрой“ №1") == '"Газстрой" N1'
    assert ascii_of("é") == "e"


def test_a_character_keeps_its_width_in_cells() -> None:
    for text in ("🔎 Search", "⭘ millplan", "✋ 1", "中文"):
        assert cell_len(ascii_text(text)) == cell_len(text)
        assert ascii_text(text).isascii()


def test_the_filter_keeps_styles_and_control_segments() -> None:
    bold = Style(bold=True)
    control = Segment("", None, [(1,)])
    out = AsciiFilter().apply([Segment("━━", bold), Segment("ok"), control], Color(0, 0, 0))
    assert out[0] == Segment("--", bold)
    assert out[1] == Segment("ok")
    assert out[2] is control
