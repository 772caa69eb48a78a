"""Values far off their column (core.importing.values)."""

from __future__ import annotations

from decimal import Decimal

from millplan.core.importing.values import far_off


def test_a_value_a_thousand_times_off_the_median_is_named_by_index():
    found = far_off([210.0, 170.0, 185_000.0, 150.0, 0.15, None, 0.0])

    assert set(found) == {2, 4}
    assert "1 088× the column's median (170)" in found[2]
    assert "1/1 133 of the column's median (170)" in found[4]


def test_values_within_a_thousand_times_and_short_columns_pass():
    assert far_off([Decimal("74100"), Decimal("96000"), Decimal("75")]) == {}  # 1/1 000 is not reached: 75 000 > 74 100
    assert far_off([1.0, 5000.0]) == {}  # two values give no median worth comparing with
    assert far_off([0.0, 0.0, 0.0, 12.0]) == {}  # zeros are not compared
