"""The charts' value axis (tui/widgets/charts.py): from 0 to a round
limit at or just above the largest value, in at most three round steps, labelled in grouped
thousands — so bars and lines stand on rows proportional to their tonnes."""

from __future__ import annotations

import pytest

from millplan.tui.widgets.charts import round_scale


@pytest.mark.parametrize(
    ("top", "limit", "labels"),
    [
        (38_994, 40_000, ("0", "20 000", "40 000")),
        (31_528, 40_000, ("0", "20 000", "40 000")),
        (4_127, 5_000, ("0", "2 500", "5 000")),
        (700, 750, ("0", "250", "500", "750")),
        (3_000, 3_000, ("0", "1 000", "2 000", "3 000")),
        (108_045, 150_000, ("0", "50 000", "100 000", "150 000")),
        (0.4, 0.4, ("0.00", "0.20", "0.40")),
    ],
)
def test_the_axis_starts_at_zero_and_ends_at_a_round_limit_above_the_top(top, limit, labels):
    axis = round_scale(top)
    assert axis.ticks[0] == 0.0 and axis.limit == pytest.approx(limit) and axis.limit >= top
    assert axis.labels == labels
    assert len(axis.ticks) <= 4
    steps = {round(b - a, 9) for a, b in zip(axis.ticks, axis.ticks[1:], strict=False)}
    assert len(steps) == 1  # even steps


def test_a_top_of_zero_has_no_scale():
    with pytest.raises(ValueError, match="top above 0"):
        round_scale(0.0)


@pytest.mark.parametrize(
    ("top", "bottom", "ticks"),
    [
        (150, -80, (-100, 0, 100, 200)),
        (0, -30, (-30, -20, -10, 0)),
        (12, -1, (-5, 0, 5, 10, 15)),
    ],
)
def test_a_signed_axis_labels_zero_and_reaches_both_ends_in_one_round_step(top, bottom, ticks):
    axis = round_scale(top, bottom, steps=4)
    assert axis.ticks == pytest.approx(ticks)
    assert 0.0 in axis.ticks and axis.bottom <= bottom and axis.limit >= top


def test_an_axis_must_span_zero():
    with pytest.raises(ValueError, match="top above 0"):
        round_scale(10.0, 5.0)
