"""The incremental planner: after each change of hours or lock, its plan is worth what a
fresh solve of the changed problem is worth (key-account tonnes, margin, status), on
random split and whole plants, with and without a stability penalty.
Units: t, h, RUB."""

from __future__ import annotations

import random
from dataclasses import replace

import pytest

from millplan.solver.prioritiser import Planner, solve
from tests.unit.random_problems import random_horizon_problem


def assert_same_worth(mine, fresh) -> None:
    assert mine.status == fresh.status, (mine.message, fresh.message)
    if fresh.ok:
        assert mine.key_account_tonnes == pytest.approx(fresh.key_account_tonnes, abs=1e-4)
        assert mine.margin == pytest.approx(fresh.margin, rel=1e-7, abs=1e-3)
        assert mine.shadow_prices.keys() == fresh.shadow_prices.keys()


@pytest.mark.parametrize("whole", (False, True))
@pytest.mark.parametrize("seed", range(20))
def test_each_replan_is_worth_a_fresh_solve(seed, whole):
    rng = random.Random(seed)
    problem = random_horizon_problem(seed)
    problem = replace(
        problem, settings=replace(problem.settings, whole=whole, stability_penalty=rng.choice([0.0, 300.0]))
    )
    planner = Planner(problem)
    assert_same_worth(planner.solve(), solve(problem))
    for _ in range(4):
        cell = rng.choice(sorted(problem.hours))
        if rng.random() < 0.5:
            planner.set_hours(*cell, float(rng.choice([0, 20, 45, 90, 150])))
        else:
            d = rng.choice(planner.problem.demands)
            o = rng.choice(d.options)
            planner.lock(d.id, o.mill, cell[1], d.tonnes if whole else round(rng.uniform(0, d.tonnes), 1))
        assert_same_worth(planner.solve(), solve(planner.problem))


def test_a_change_in_place_skips_the_build(monkeypatch):
    # hours and a split lock change the built model; only a shape change rebuilds it
    import millplan.solver.prioritiser as prioritiser

    problem = random_horizon_problem(3)
    builds = []
    real = prioritiser.build
    monkeypatch.setattr(prioritiser, "build", lambda p: builds.append(p) or real(p))
    planner = Planner(problem)
    planner.solve()
    cell = next(c for c, h in problem.hours.items() if h > 0 and planner._model.hours_rows.get(c))
    planner.set_hours(*cell, problem.hours[cell] + 10)
    key = next(key for key, (_, scale, _) in planner._model.lines.items() if scale == 1.0)
    planner.lock(key[0], key[1], key[2], 1.0)
    mine = planner.solve()
    assert len(builds) == 1
    assert_same_worth(mine, solve(planner.problem))


def test_a_bad_change_is_refused_and_leaves_the_problem():
    planner = Planner(random_horizon_problem(1))
    before = planner.problem
    with pytest.raises(ValueError, match="no demand 999"):
        planner.lock(999, 1, 0, 5.0)
    with pytest.raises(ValueError, match="must not be negative"):
        planner.set_hours(1, 0, -1.0)
    assert planner.problem is before
