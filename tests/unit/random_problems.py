"""Seeded problems for the prioritiser, shared by the tests that check it against
independent models (units: t, h, RUB)."""

from __future__ import annotations

import random

from millplan.solver.problem import Demand, Lock, Option, Problem, Settings


def one_month(demands, hours) -> Problem:
    """A one-month problem: ``hours`` by mill, in period 0."""
    return Problem(demands, {(mill, 0): h for mill, h in hours.items()})


def random_problem(seed: int) -> Problem:
    """3–8 demands on 1–3 mills; some key accounts, priorities, negative margins, idle
    mills and locks (locks always fit: they never use more than a mill's hours)."""
    rng = random.Random(seed)
    mills = list(range(1, rng.randint(1, 3) + 1))
    hours = {m: (0.0 if rng.random() < 0.1 else float(rng.randint(20, 400))) for m in mills}
    free = dict(hours)
    demands = []
    for i in range(1, rng.randint(3, 8) + 1):
        chosen = rng.sample(mills, rng.randint(1, len(mills)))
        options = tuple(Option(m, round(rng.uniform(0.05, 2.0), 3), float(rng.randint(-2000, 20_000))) for m in chosen)
        tonnes = float(rng.randint(1, 300))
        locked = ()
        if rng.random() < 0.25:
            o = rng.choice(options)
            most = min(tonnes, free[o.mill] / o.hours_per_tonne)
            if most >= 1:
                lock = round(rng.uniform(0.5, most), 1)
                locked = (Lock(o.mill, 0, lock),)
                free[o.mill] -= lock * o.hours_per_tonne
        demands.append(Demand(i, tonnes, rng.random() < 0.4, options, rng.choice([0, 0, 0, 1, 2, 3]), locked=locked))
    return one_month(demands=tuple(demands), hours=hours)


def random_horizon_problem(seed: int) -> Problem:
    """4–10 positions on 1–3 mills over 2–4 months, due from one month overdue to past the
    horizon, some key accounts, an early window of 0–1 months."""
    rng = random.Random(seed)
    periods = rng.randint(2, 4)
    mills = list(range(1, rng.randint(1, 3) + 1))
    hours = {(m, t): float(rng.choice([0, 30, 60, 120])) for m in mills for t in range(periods)}
    demands = []
    for i in range(1, rng.randint(4, 10) + 1):
        chosen = rng.sample(mills, rng.randint(1, len(mills)))
        options = tuple(Option(m, round(rng.uniform(0.2, 2.0), 2), float(rng.randint(-500, 6000))) for m in chosen)
        demands.append(Demand(i, float(rng.randint(5, 120)), rng.random() < 0.3, options, due=rng.randint(-1, periods)))
    settings = Settings(
        periods=periods, lateness_penalty=float(rng.choice([100, 800, 3000])), early_months=rng.randint(0, 1)
    )
    return Problem(tuple(demands), hours, settings)
