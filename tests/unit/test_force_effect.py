"""The force dialog's sentence names the positions forcing displaces, at most
DISPLACED_NAMED of them (most tonnes first), and counts the rest."""

from __future__ import annotations

from decimal import Decimal

from millplan.core.domain.months import Month
from millplan.core.planning.whatif import Shift, WhatIf
from millplan.tui.widgets.approval.conflict_actions import DISPLACED_NAMED, ConflictActions


def effect(displaced: int) -> WhatIf:
    shifts = tuple(Shift(f"K{n}#1", True, 10.0, 0.0, Decimal(1000), Decimal(0)) for n in range(1, displaced + 1))
    return WhatIf(Month(2027, 1), "L", Decimal(5000), Decimal(4000), 100.0, 100.0, shifts, (), None)


def test_a_force_displacing_many_names_the_first_and_counts_the_rest():
    said = ConflictActions._force_effect(None, "K99#1", Month(2027, 1), effect(DISPLACED_NAMED + 7))
    assert said.startswith("Forcing K99#1 whole into 2027-01 displaces K1#1 -10.0 t, K2#1 -10.0 t, ")
    assert f"K{DISPLACED_NAMED}#1 -10.0 t and 7 more positions;" in said
    assert f"K{DISPLACED_NAMED + 1}#1" not in said
    assert said.endswith("marginal income 5 000 → 4 000 RUB (-1 000).")


def test_a_force_displacing_few_names_them_all():
    said = ConflictActions._force_effect(None, "K99#1", Month(2027, 1), effect(1))
    assert "displaces K1#1 -10.0 t;" in said
    assert "displaces nothing;" in ConflictActions._force_effect(None, "K99#1", Month(2027, 1), effect(0))
