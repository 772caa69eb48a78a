"""millplan.core.planning.attributes: compatibility of a position with a mill, productivity, marginal income,
the order of a position's mill options, and the high-mill-load flag.

Plants here are tiny and built by hand; every expected number is worked out in a comment.
"""

from __future__ import annotations

import dataclasses
from decimal import Decimal

import pytest

from millplan.core.domain.months import Month
from millplan.core.domain.plant import Mill, Plant, ProductivityNorm
from millplan.core.domain.portfolio import DealStatus, Position
from millplan.core.planning.attributes import (
    HIGH_LOAD_FACTOR,
    describe,
    fold,
    incompatibility,
    mass_per_metre_kg,
    mill_options,
    productivity,
    standard_allowed,
)

LINE = "ЭСТ"  # the product line of most mills here (Cyrillic, as the plant writes it)


def make_mill(code: str = "M1", **fields) -> Mill:
    """A mill of line ``LINE``: OD 300–800 mm, wall 6–20 mm, grades 20 and К52 (Cyrillic К),
    standards "ГОСТ 20295" and the "ТУ" family, 100 m/h, conversion cost 5,000 RUB/t."""
    values = dict(
        id=sum(map(ord, code)),
        code=code,
        name=f"mill {code}",
        shop="ТЭСЦ-1",
        product_line=LINE,
        product_type="welded",
        od_min_mm=300.0,
        od_max_mm=800.0,
        wall_min_mm=6.0,
        wall_max_mm=20.0,
        steel_grades=("20", "К52"),
        standards=("ГОСТ 20295", "ТУ"),
        speed_m_per_h=100.0,
        nominal_hours=700.0,
        conversion_cost=Decimal("5000"),
    )
    values.update(fields)
    return Mill(**values)


_ids = iter(range(1, 10_000))


def make_position(**fields) -> Position:
    """A position of line ``LINE``: 530 × 10 mm, grade К52, ГОСТ 20295-85, 100 t,
    price 60,000 RUB/t, metal cost 40,000 RUB/t."""
    number = next(_ids)
    values = dict(
        id=number,
        deal_number="С-27/0001",
        position_no=number,
        customer="Газстрой",
        is_key_account=False,
        sales_manager="ivanov",
        deal_status=DealStatus.ACCEPTED,
        product_line=LINE,
        pipe_type="welded",
        od_mm=530.0,
        wall_mm=10.0,
        steel_grade="К52",
        standard="ГОСТ 20295-85",
        length_m=11.5,
        tonnes_ordered=100.0,
        tonnes_produced=0.0,
        price=Decimal("60000"),
        metal_cost=Decimal("40000"),
        requested_month=Month(2027, 1),
    )
    values.update(fields)
    return Position(**values)


def norm(mill: str, od: tuple[float, float], wall: tuple[float, float], tph: float) -> ProductivityNorm:
    return ProductivityNorm(mill, od[0], od[1], wall[0], wall[1], tph)


def make_plant(*mills: Mill, norms: tuple[ProductivityNorm, ...] = ()) -> Plant:
    by_mill: dict[str, tuple[ProductivityNorm, ...]] = {}
    for n in norms:
        by_mill[n.mill_code] = by_mill.get(n.mill_code, ()) + (n,)
    return Plant(mills=mills, norms=by_mill)


# -- compatibility -----------------------------------------------------------------------


def test_base_position_fits_base_mill():
    assert incompatibility(make_position(), make_mill()) is None


def test_each_limit_is_reported_in_order():
    """A mill failing every limit reports the product line; fixing the limits one at a time
    reveals OD, wall, grade and standard in that order, then none."""
    position = make_position()  # ЭСТ, 530 × 10, К52, ГОСТ 20295-85
    mill = make_mill(
        product_line="ТБД",
        od_min_mm=100.0,
        od_max_mm=200.0,
        wall_min_mm=1.0,
        wall_max_mm=2.0,
        steel_grades=("09Г2С",),
        standards=("API 5L",),
    )
    why = incompatibility(position, mill)
    assert "product line" in why and "ТБД" in why and LINE in why

    mill = dataclasses.replace(mill, product_line=LINE)
    why = incompatibility(position, mill)
    assert why.startswith("OD 530 mm") and "100–200 mm" in why

    mill = dataclasses.replace(mill, od_min_mm=500.0, od_max_mm=600.0)
    why = incompatibility(position, mill)
    assert why.startswith("wall 10 mm") and "1–2 mm" in why

    mill = dataclasses.replace(mill, wall_min_mm=8.0, wall_max_mm=12.0)
    why = incompatibility(position, mill)
    assert why.startswith("steel grade К52")

    mill = dataclasses.replace(mill, steel_grades=("09Г2С", "К52"))
    why = incompatibility(position, mill)
    assert why.startswith("standard ГОСТ 20295-85")

    mill = dataclasses.replace(mill, standards=("API 5L", "ГОСТ 20295"))
    assert incompatibility(position, mill) is None


@pytest.mark.parametrize(
    ("od", "wall", "fits"),
    [
        (300.0, 10.0, True),  # OD at the lower bound (bounds are inclusive)
        (800.0, 10.0, True),  # OD at the upper bound
        (530.0, 6.0, True),  # wall at the lower bound
        (530.0, 20.0, True),  # wall at the upper bound
        (299.9, 10.0, False),
        (800.1, 10.0, False),
        (530.0, 5.9, False),
        (530.0, 20.1, False),
    ],
)
def test_size_ranges_are_inclusive(od, wall, fits):
    assert (incompatibility(make_position(od_mm=od, wall_mm=wall), make_mill()) is None) is fits


# -- look-alike letters and standard families ----------------------------------------------


def test_fold_makes_cyrillic_and_latin_look_alikes_equal():
    assert fold("Х70") == fold("X70")  # Cyrillic Х vs Latin X
    assert fold("х70") == fold("X70")  # lower case too
    assert fold("К52") == fold("K52")
    assert fold("ГОСТ\u00a0 20295-85") == fold("гост 20295-85")  # NBSP and doubled spaces
    assert fold("Х70") != fold("X80")


@pytest.mark.parametrize(
    ("mill_grades", "grade"),
    [
        (("X70",), "Х70"),  # Latin on the mill, Cyrillic Х on the order
        (("Х70",), "X70"),  # the other way round
        (("x70",), "Х70"),  # case as well
        (("K60",), "К60"),
        (("20",), " 20 "),  # stray spaces
    ],
)
def test_grade_look_alikes_match(mill_grades, grade):
    mill = make_mill(steel_grades=mill_grades)
    assert incompatibility(make_position(steel_grade=grade), mill) is None


def test_a_different_grade_still_fails_after_folding():
    mill = make_mill(steel_grades=("X70",))
    why = incompatibility(make_position(steel_grade="Х80"), mill)
    assert why is not None and why.startswith("steel grade Х80")


@pytest.mark.parametrize(
    ("allowed", "standard", "ok"),
    [
        (("ТУ",), "ТУ 14-3Р-1", True),  # the ТУ family allows any ТУ
        (("ТУ",), "ту 14-3р-1", True),
        (("TY",), "ТУ 14-3Р-1", True),  # a Latin-typed "TY" folds to the same family
        (("ГОСТ 20295",), "ГОСТ 20295-85", True),  # a GOST with its year
        (("ГОСТ 20295",), "ГОСТ 20295", True),  # the entry itself
        (("ГОСТ 20295",), "ГОСТ 10704-91", False),  # another GOST
        (("ГОСТ 2029",), "ГОСТ 20295-85", False),  # a prefix of the number is not a family
        (("ТУ",), "ТУУ 27.2-001", False),  # Ukrainian ТУУ is not the ТУ family
        (("ГОСТ 20295", "ТУ"), "API 5L", False),
        (("ГОСТ 20295", "API 5L"), "API 5L", True),
    ],
)
def test_standard_families(allowed, standard, ok):
    assert standard_allowed(standard, allowed) is ok
    mill = make_mill(standards=allowed)
    assert (incompatibility(make_position(standard=standard), mill) is None) is ok


# -- productivity ------------------------------------------------------------------------


def test_mass_per_metre():
    # (530 − 10) × 10 × 0.02466 = 5200 × 0.02466 = 128.232 kg/m
    assert mass_per_metre_kg(530.0, 10.0) == pytest.approx(128.232, rel=1e-12)
    # (1020 − 16) × 16 × 0.02466 = 16064 × 0.02466 = 396.13824 kg/m
    assert mass_per_metre_kg(1020.0, 16.0) == pytest.approx(396.13824, rel=1e-12)


def test_norm_band_wins_over_the_speed_formula():
    m1 = make_mill("M1", speed_m_per_h=100.0)
    m2 = make_mill("M2")
    plant = make_plant(
        m1,
        m2,
        norms=(
            norm("M1", (500, 600), (8, 12), 30.0),
            norm("M2", (700, 800), (8, 12), 99.0),  # another mill's norm never applies to M1
        ),
    )
    assert productivity(plant, m1, 530.0, 10.0) == 30.0  # inside M1's band
    assert productivity(plant, m1, 500.0, 8.0) == 30.0  # band corners are inclusive
    assert productivity(plant, m1, 600.0, 12.0) == 30.0
    # 720 × 10 is outside M1's band: 100 m/h × (720 − 10) × 10 × 0.02466 kg/m / 1000
    # = 100 × 175.086 / 1000 = 17.5086 t/h
    assert productivity(plant, m1, 720.0, 10.0) == pytest.approx(17.5086, rel=1e-12)
    # 530 × 13: OD inside the band, wall not → formula: 100 × 517 × 13 × 0.02466 / 1000
    # = 100 × 165.74 (6721 × 0.02466 = 165.73986) / 1000 = 16.573986 t/h
    assert productivity(plant, m1, 530.0, 13.0) == pytest.approx(16.573986, rel=1e-12)


# -- marginal income and options ---------------------------------------------------------


def test_unit_margin_and_margin_per_hour():
    m1 = make_mill("M1", conversion_cost=Decimal("5000.50"))
    plant = make_plant(m1, norms=(norm("M1", (500, 600), (8, 12), 30.0),))
    position = make_position(price=Decimal("60000.75"), metal_cost=Decimal("40000.25"))
    options, refusals = mill_options(plant, position)
    assert refusals == {}
    [option] = options
    # 60,000.75 − 40,000.25 − 5,000.50 = 15,000.00 RUB/t, exactly (Decimal)
    assert isinstance(option.unit_margin, Decimal)
    assert option.unit_margin == Decimal("15000.00")
    # 15,000 RUB/t × 30 t/h = 450,000 RUB per mill-hour; 1/30 h/t
    assert option.margin_per_hour == Decimal("450000")
    assert option.tonnes_per_hour == 30.0
    assert option.hours_per_tonne == pytest.approx(1 / 30, rel=1e-15)


def test_options_are_sorted_by_margin_per_hour_not_per_tonne():
    # price 60,000, metal 40,000 → 20,000 RUB/t before conversion.
    #   M1: conversion 5,000 → 15,000 RUB/t × 30 t/h = 450,000 RUB/h
    #   M3: conversion 2,500 → 17,500 RUB/t × 25 t/h = 437,500 RUB/h
    #   M2: conversion 2,000 → 18,000 RUB/t × 20 t/h = 360,000 RUB/h
    # Per tonne the order would be M2, M3, M1; per mill-hour it is M1, M3, M2.
    m1 = make_mill("M1", conversion_cost=Decimal("5000"))
    m2 = make_mill("M2", conversion_cost=Decimal("2000"))
    m3 = make_mill("M3", conversion_cost=Decimal("2500"))
    other_line = make_mill("T1", product_line="ТБД")
    plant = make_plant(
        m2,
        other_line,
        m3,
        m1,
        norms=(
            norm("M1", (500, 600), (8, 12), 30.0),
            norm("M2", (500, 600), (8, 12), 20.0),
            norm("M3", (500, 600), (8, 12), 25.0),
        ),
    )
    [attrs] = describe(plant, [make_position()])
    assert [o.mill.code for o in attrs.options] == ["M1", "M3", "M2"]
    assert [o.margin_per_hour for o in attrs.options] == [Decimal(450000), Decimal(437500), Decimal(360000)]
    assert [o.unit_margin for o in attrs.options] == [Decimal(15000), Decimal(17500), Decimal(18000)]
    assert attrs.best.mill.code == "M1"
    assert attrs.refusals == {}  # a mill of another line is neither an option nor a refusal


def test_incompatible_mills_of_the_line_are_not_options():
    good = make_mill("M1")
    narrow = make_mill("M2", od_max_mm=500.0)  # cannot make OD 530
    plant = make_plant(good, narrow)
    options, refusals = mill_options(plant, make_position())
    assert [o.mill.code for o in options] == ["M1"]
    assert refusals == {}  # refusals are only kept when nothing fits


# -- no mill can make it -----------------------------------------------------------------


def test_no_mill_reason_names_each_mill_and_its_failing_limit():
    n1 = make_mill("N1", od_min_mm=100.0, od_max_mm=300.0)
    n2 = make_mill("N2", od_min_mm=100.0, od_max_mm=500.0, steel_grades=("20",))
    plant = make_plant(n2, n1)
    [attrs] = describe(plant, [make_position(od_mm=400.0)])
    assert attrs.options == () and attrs.best is None
    assert set(attrs.refusals) == {"N1", "N2"}
    assert str(attrs.refusals["N1"]).startswith("OD 400 mm")
    assert str(attrs.refusals["N2"]).startswith("steel grade К52")
    reason = attrs.no_mill_reason
    assert reason.startswith("no compatible mill")
    assert "N1: OD 400 mm outside 100–300 mm" in reason
    assert "N2: steel grade К52 not made" in reason
    assert reason.index("N1") < reason.index("N2")  # mills in code order
    assert attrs.high_mill_load is False


def test_no_mill_reason_for_a_line_without_mills():
    plant = make_plant(make_mill("M1"))
    [attrs] = describe(plant, [make_position(product_line="ТБД")])
    assert attrs.options == () and attrs.refusals == {}
    assert attrs.no_mill_reason == "no mill of product line ТБД"


def test_zero_productivity_is_a_refusal():
    still = make_mill("Z1", speed_m_per_h=0.0)  # no norm and no speed: 0 t/h
    plant = make_plant(still)
    [attrs] = describe(plant, [make_position()])
    assert attrs.options == ()
    assert "productivity" in str(attrs.refusals["Z1"])
    assert "Z1" in attrs.no_mill_reason


# -- high mill load ----------------------------------------------------------------------


def test_high_load_against_the_mills_median():
    # One mill; norms give each OD band its rate (wall 5 throughout):
    #   OD 150: 10 t/h → 0.10 h/t;  OD 250: 5 t/h → 0.20 h/t
    #   OD 350:  4 t/h → 0.25 h/t;  OD 450: 2 t/h → 0.50 h/t
    # median of (0.10, 0.20, 0.25, 0.50) = (0.20 + 0.25) / 2 = 0.225 h/t
    # threshold 1.5 × 0.225 = 0.3375 h/t: only OD 450 (0.50) is above it.
    assert HIGH_LOAD_FACTOR == 1.5
    h = make_mill("H1", od_min_mm=100.0, od_max_mm=500.0, wall_min_mm=1.0, wall_max_mm=10.0)
    plant = make_plant(
        h,
        norms=(
            norm("H1", (100, 199), (1, 10), 10.0),
            norm("H1", (200, 299), (1, 10), 5.0),
            norm("H1", (300, 399), (1, 10), 4.0),
            norm("H1", (400, 500), (1, 10), 2.0),
        ),
    )
    book = [make_position(od_mm=od, wall_mm=5.0) for od in (150.0, 250.0, 350.0, 450.0)]
    homeless = make_position(od_mm=900.0, wall_mm=5.0)  # no mill: never flagged, no crash
    flags = {a.position.od_mm: a.high_mill_load for a in describe(plant, [*book, homeless])}
    assert flags == {150.0: False, 250.0: False, 350.0: False, 450.0: True, 900.0: False}


def test_a_lone_position_is_its_own_median():
    h = make_mill("H1")
    plant = make_plant(h, norms=(norm("H1", (500, 600), (8, 12), 0.5),))  # 2 h/t, very slow
    [attrs] = describe(plant, [make_position()])
    assert attrs.high_mill_load is False  # 2 h/t is not above 1.5 × 2 h/t


def test_high_load_is_judged_on_the_best_mill():
    # Mills A (OD 100–300, wall 5–10) and B (OD 100–200, wall 1–10), both line ЭСТ.
    #   P: OD 150 × 5 — both mills, 2 t/h on each → 0.5 h/t
    #   Q, R: OD 250 × 5 — A only, 1 t/h → 1.0 h/t
    #   S, T: OD 120 × 2 — B only (wall 2 < A's 5), 10 t/h → 0.1 h/t
    # A's book: P, Q, R → median 1.0 h/t, threshold 1.5: P (0.5) is not high there.
    # B's book: P, S, T → median 0.1 h/t, threshold 0.15: P (0.5) is high there.
    # Price 20,000, metal 10,000 RUB/t:
    #   conversion A 1,000, B 9,000 → A 9,000 × 2 = 18,000 RUB/h > B 1,000 × 2 → best A → not high
    #   conversion A 9,000, B 1,000 → best B → high
    def plant(conv_a: str, conv_b: str) -> Plant:
        a = make_mill(
            "A", od_min_mm=100.0, od_max_mm=300.0, wall_min_mm=5.0, wall_max_mm=10.0, conversion_cost=Decimal(conv_a)
        )
        b = make_mill(
            "B", od_min_mm=100.0, od_max_mm=200.0, wall_min_mm=1.0, wall_max_mm=10.0, conversion_cost=Decimal(conv_b)
        )
        return make_plant(
            a,
            b,
            norms=(
                norm("A", (100, 200), (5, 10), 2.0),
                norm("A", (201, 300), (5, 10), 1.0),
                norm("B", (100, 200), (5, 10), 2.0),
                norm("B", (100, 200), (1, 4), 10.0),
            ),
        )

    money = dict(price=Decimal("20000"), metal_cost=Decimal("10000"))
    p = make_position(od_mm=150.0, wall_mm=5.0, **money)
    others = [
        make_position(od_mm=250.0, wall_mm=5.0, **money),
        make_position(od_mm=250.0, wall_mm=5.0, **money),
        make_position(od_mm=120.0, wall_mm=2.0, **money),
        make_position(od_mm=120.0, wall_mm=2.0, **money),
    ]
    a_best = {x.position.id: x for x in describe(plant("1000", "9000"), [p, *others])}
    assert a_best[p.id].best.mill.code == "A"
    assert a_best[p.id].high_mill_load is False
    b_best = {x.position.id: x for x in describe(plant("9000", "1000"), [p, *others])}
    assert b_best[p.id].best.mill.code == "B"
    assert b_best[p.id].high_mill_load is True
    # the peers are at their mill's median in both plants: never high
    for attrs in (a_best, b_best):
        assert not any(attrs[o.id].high_mill_load for o in others)
