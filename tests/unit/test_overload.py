"""Over-full mill-months read without colour: the bar ends in ``!`` and screens show the
cell in reverse video (16 colours, monochrome); a load within the rounding margin is full,
not over."""

from __future__ import annotations

from millplan.core.domain.assignment import MillLoad
from millplan.core.domain.months import Month
from millplan.core.planning.diff import MillChange, RevisionDiff
from millplan.core.views.diff import diff_document, mills_view
from millplan.core.views.tables import OVERLOAD_STYLE, cell_style, cell_text, load_cell

MONTH = Month(2027, 1)


def test_an_over_full_mill_month_is_marked_and_styled():
    over = MillLoad("M1", MONTH, 100.0, 140.0)
    assert load_cell(over) == "█! 140%"
    assert cell_style(over) == OVERLOAD_STYLE and "reverse" in OVERLOAD_STYLE


def test_a_full_or_lighter_mill_month_is_not():
    for booked in (100.4, 100.0, 91.0):  # 100.4 %: within the margin that absorbs rounding
        cell = MillLoad("M1", MONTH, 100.0, booked)
        assert "!" not in load_cell(cell) and cell_style(cell) == ""
    assert cell_style(MillLoad("M1", MONTH, 0.0, 5.0)) == ""  # no hours: said in words
    assert cell_style(140.0) == ""  # only a mill-month is a load


def test_the_approval_mills_table_shows_the_later_revisions_load():
    diff = RevisionDiff(MONTH, "L", 1, 2, mills=(MillChange("M1", 900.0, 1000.0, 90.0, 110.0),))
    view = mills_view(diff, [MillLoad("M1", MONTH, 100.0, 110.0)])
    load = next(c for c in view.columns if c.key == "load")
    assert cell_text(view.rows[0]["load"], load) == "█! 110%"
    assert "load" not in diff_document(diff)["mills"][0]  # the JSON stays as it was
