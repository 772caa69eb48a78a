"""Scale and speed of the prioritiser on synthetic plants; the Excel-era rule beside it.

    nice .venv/bin/python benchmarks/horizon_bench.py           # the targets' sizes (minutes)
    .venv/bin/python benchmarks/horizon_bench.py --quick        # small plants, a smoke run

Runs, each in a fresh process so its peak memory is its own:

1. ``whole``  — 5 000 positions × 12 mills × 3 months, whole positions, stop within 0.5 %
   of optimal (target: under 10 s);
2. ``split``  — 50 000 positions × 30 mills × 6 months, positions may split (an LP;
   target: under 60 s);
3. ``replan`` — the 5 000-position plan, then one lock, then one capacity change, each
   re-planned against the plan before it (target: each under 2 s);
4. ``greedy`` — on the same plants, the marginal income the Excel-era rule
   (solver/greedy.py) captures against the prioritiser's, and their ratio.

Times are wall clock around ``solve`` (model build, solve, read-back, explanations).
The plants come from :func:`plant`, seeded, so every run sees the same ones.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import resource
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from millplan.solver import greedy  # noqa: E402
from millplan.solver.prioritiser import Planner, solve  # noqa: E402
from millplan.solver.problem import Demand, Lock, Option, Problem, Settings, Solution  # noqa: E402

TIME_LIMIT = 120.0
"""Seconds any one solve may take; a run that hits it reports "feasible" and its gap."""

STABILITY_PENALTY = 500.0
"""RUB per tonne a re-plan moves away from the plan before it."""

FULL = {
    "whole": dict(positions=5_000, mills=12, periods=3),
    "split": dict(positions=50_000, mills=30, periods=6),
    "replan": dict(positions=5_000, mills=12, periods=3),
    "greedy": [
        dict(positions=500, mills=8, periods=1),
        dict(positions=5_000, mills=12, periods=3),
        dict(positions=20_000, mills=30, periods=6),
    ],
}
QUICK = {
    "whole": dict(positions=300, mills=5, periods=2),
    "split": dict(positions=2_000, mills=8, periods=3),
    "replan": dict(positions=300, mills=5, periods=2),
    "greedy": [dict(positions=100, mills=3, periods=1), dict(positions=300, mills=5, periods=2)],
}


def plant(positions: int, mills: int, periods: int, seed: int = 1, settings: Settings | None = None) -> Problem:
    """A seeded synthetic plant.

    Mills have OD ranges evenly spread over 57–1 420 mm (log scale), each about three
    neighbours wide, so a position fits 2–4 mills; a mill's speed (m/h) and conversion
    cost (RUB/t) are its own. Positions: OD drawn inside some mill's range, wall 2–6 % of
    OD (≥ 3 mm); productivity = speed × mass per metre ((OD − wall) × wall × 0.02466 kg/m);
    tonnes log-normal (median 60 t, 1–3 000 t); margin per tonne = the position's
    contribution (2 000–25 000 RUB/t) less the mill's conversion cost; key accounts
    about 20 %; due months spread evenly over the horizon. Each mill's hours per month are
    80–110 % of its share of the hours the positions due that month need (a position's
    hours counted at its mean over its mills, shared equally among them).
    """
    rng = random.Random(seed)
    low, high = math.log(57), math.log(1420)
    spacing = (high - low) / mills
    ranges, speed, conversion = [], [], []
    for m in range(mills):
        centre = low + (m + 0.5) * spacing + rng.uniform(-0.3, 0.3) * spacing
        half = rng.uniform(1.0, 2.0) * spacing
        ranges.append((math.exp(centre - half), math.exp(centre + half)))
        speed.append(rng.uniform(300, 900))
        conversion.append(rng.uniform(1_000, 6_000))
    demands, need = [], {}
    for p in range(positions):
        lo, hi = ranges[rng.randrange(mills)]
        od = math.exp(rng.uniform(math.log(lo), math.log(hi)))
        wall = max(3.0, od * rng.uniform(0.02, 0.06))
        kg_per_metre = (od - wall) * wall * 0.02466
        contribution = rng.uniform(2_000, 25_000)
        options = tuple(
            Option(m, 1000.0 / (speed[m] * kg_per_metre), contribution - conversion[m])
            for m in range(mills)
            if ranges[m][0] <= od <= ranges[m][1]
        )
        tonnes = round(min(3_000.0, max(1.0, rng.lognormvariate(math.log(60), 1.0))), 1)
        due = rng.randrange(periods)
        demands.append(Demand(p, tonnes, rng.random() < 0.2, options, due=due))
        mean_hours = tonnes * sum(o.hours_per_tonne for o in options) / len(options)
        for o in options:
            need[o.mill, due] = need.get((o.mill, due), 0.0) + mean_hours / len(options)
    hours = {
        (m, t): round(need.get((m, t), 0.0) * rng.uniform(0.8, 1.1), 1) for m in range(mills) for t in range(periods)
    }
    return Problem(tuple(demands), hours, settings or Settings(periods=periods))


def timed(problem: Problem) -> tuple[Solution, float]:
    started = time.perf_counter()
    solution = solve(problem)
    return solution, time.perf_counter() - started


def outcome(solution: Solution, seconds: float) -> dict:
    return {
        "s": round(seconds, 2),
        "status": solution.status,
        "gap": solution.gap,
        "margin": solution.gross_margin,
        "message": solution.message,
    }


def run_whole(size: dict) -> dict:
    settings = Settings(periods=size["periods"], whole=True, gap=0.005, time_limit=TIME_LIMIT)
    return outcome(*timed(plant(**size, settings=settings)))


def run_split(size: dict) -> dict:
    settings = Settings(periods=size["periods"], time_limit=TIME_LIMIT)
    return outcome(*timed(plant(**size, settings=settings)))


def run_replan(size: dict) -> dict:
    """Plan, then lock one planned line onto another of its mills, then cut the largest
    mill-month's hours by a fifth; each re-plan carries the plan before it as ``previous``
    and pays :data:`STABILITY_PENALTY` per tonne moved from it. Then the same two changes
    through :class:`Planner`, which keeps its built model: its revision is the first plan
    for both re-plans (a new revision changes the model's shape)."""
    result = {}
    for whole in (False, True):
        settings = Settings(
            periods=size["periods"], whole=whole, gap=0.005, time_limit=TIME_LIMIT, stability_penalty=STABILITY_PENALTY
        )
        problem = plant(**size, settings=settings)
        solution, seconds = timed(problem)
        runs = {"first": outcome(solution, seconds)}
        problem = with_previous(problem, solution)
        demand, lock = lock_elsewhere(problem, solution)
        locked = replace(demand, locked=(lock,))
        problem = replace(problem, demands=tuple(locked if d.id == demand.id else d for d in problem.demands))
        solution, seconds = timed(problem)
        runs["lock"] = outcome(solution, seconds)
        problem = with_previous(problem, solution)
        busiest = max(problem.hours, key=problem.hours.get)
        hours = dict(problem.hours)
        hours[busiest] *= 0.8
        solution, seconds = timed(replace(problem, hours=hours))
        runs["capacity"] = outcome(solution, seconds)
        result["whole" if whole else "split"] = runs
        result[("whole" if whole else "split") + " Planner"] = planner_runs(plant(**size, settings=settings))
    return result


def planner_runs(problem: Problem) -> dict:
    """The first plan by ``solve``, then through a :class:`Planner` holding it as the
    revision: its first plan (the build), a lock, a capacity change."""
    first = solve(problem)
    planner = Planner(with_previous(problem, first))
    runs = {}
    started = time.perf_counter()
    solution = planner.solve()
    runs["first"] = outcome(solution, time.perf_counter() - started)
    demand, lock = lock_elsewhere(planner.problem, solution)
    started = time.perf_counter()
    planner.lock(demand.id, lock.mill, lock.period, lock.tonnes)
    solution = planner.solve()
    runs["lock"] = outcome(solution, time.perf_counter() - started)
    busiest = max(planner.problem.hours, key=planner.problem.hours.get)
    started = time.perf_counter()
    planner.set_hours(*busiest, planner.problem.hours[busiest] * 0.8)
    solution = planner.solve()
    runs["capacity"] = outcome(solution, time.perf_counter() - started)
    return runs


def lock_elsewhere(problem: Problem, solution: Solution) -> tuple[Demand, Lock]:
    """The first planned line that can move to another of its demand's mills in the same
    month (that mill having the hours for it), as a lock there: what the planner does
    when a customer insists on a mill. Whole demands move whole, split ones 1 t."""
    demands = {d.id: d for d in problem.demands}
    for (d, mill, period), tonnes in solution.tonnes.items():
        amount = tonnes if problem.settings.whole else min(tonnes, 1.0)
        for option in demands[d].options:
            if option.mill != mill and problem.hours.get((option.mill, period), 0.0) >= amount * option.hours_per_tonne:
                return demands[d], Lock(option.mill, period, amount)
    raise ValueError("no planned line can move to another mill")


def with_previous(problem: Problem, solution: Solution) -> Problem:
    """``problem`` with each demand's ``previous`` set to its lines in ``solution``."""
    lines: dict[int, list[Lock]] = {}
    for (d, mill, period), tonnes in solution.tonnes.items():
        lines.setdefault(d, []).append(Lock(mill, period, tonnes))
    return replace(problem, demands=tuple(replace(d, previous=tuple(lines.get(d.id, ()))) for d in problem.demands))


def run_greedy(sizes: list[dict]) -> list[dict]:
    rows = []
    for size in sizes:
        for whole in (False, True):
            settings = Settings(periods=size["periods"], whole=whole, gap=0.005, time_limit=TIME_LIMIT, explain=False)
            problem = plant(**size, settings=settings)
            baseline = greedy.plan(problem)
            solution, seconds = timed(problem)
            rows.append(
                {
                    **size,
                    "whole": whole,
                    "greedy": baseline.gross_margin,
                    "greedy_net": baseline.margin,
                    "greedy_key_t": baseline.key_account_tonnes,
                    "ours": solution.gross_margin,
                    "ours_net": solution.margin,
                    "ours_key_t": solution.key_account_tonnes,
                    "status": solution.status,
                    "s": round(seconds, 2),
                }
            )
    return rows


RUNS = {"whole": run_whole, "split": run_split, "replan": run_replan, "greedy": run_greedy}


def one(name: str, quick: bool) -> dict:
    result = RUNS[name]((QUICK if quick else FULL)[name])
    return {"result": result, "peak_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)}


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="small plants: a smoke run of every scenario")
    parser.add_argument("--run", choices=list(RUNS), action="append", help="only these runs (repeatable)")
    parser.add_argument("--one", choices=list(RUNS), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.one:
        print(json.dumps(one(args.one, args.quick)))
        return
    sizes = QUICK if args.quick else FULL
    for name in args.run or list(RUNS):
        command = [sys.executable, __file__, "--one", name] + (["--quick"] if args.quick else [])
        done = subprocess.run(command, capture_output=True, text=True)
        if done.returncode:
            print(f"{name}: failed\n{done.stderr.strip()}")
            continue
        report = json.loads(done.stdout.strip().splitlines()[-1])
        PRINTERS[name](sizes[name], report["result"])
        print(f"  peak memory {report['peak_mb']} MB\n", flush=True)


def _rub(value: float) -> str:
    return f"{value:,.0f}".replace(",", " ")


def _size(size: dict) -> str:
    months = "month" if size["periods"] == 1 else "months"
    return f"{_rub(size['positions'])} positions × {size['mills']} mills × {size['periods']} {months}"


def _outcome(r: dict) -> str:
    gap = "" if r["gap"] is None else f", gap {r['gap']:.3%}"
    why = f" ({r['message']})" if r["status"] not in ("optimal", "feasible") and r["message"] else ""
    return f"{r['s']:>7.2f} s  {r['status']}{gap}{why}"


def print_whole(size: dict, r: dict) -> None:
    print(f"whole-position plan, {_size(size)}, stop at 0.5 % (target < 10 s)")
    print(f"  {_outcome(r)}; marginal income {_rub(r['margin'])} RUB")


def print_split(size: dict, r: dict) -> None:
    print(f"split (LP) plan, {_size(size)} (target < 60 s)")
    print(f"  {_outcome(r)}; marginal income {_rub(r['margin'])} RUB")


def print_replan(size: dict, result: dict) -> None:
    print(f"re-plan, {_size(size)} (target < 2 s after one lock or one capacity change)")
    for kind, runs in result.items():
        for step, label in (("first", "first plan"), ("lock", "after a lock"), ("capacity", "after a capacity change")):
            print(f"  {kind:<14} {label:<24} {_outcome(runs[step])}")


def print_greedy(sizes: list[dict], rows: list[dict]) -> None:
    print("Excel-era rule (key accounts, then RUB/t, mills in order) against the prioritiser: marginal income,")
    print("and net of the lateness penalty; key-account tonnes made by their due month")
    print(
        f"  {'plant':<44} {'positions':<9} {'greedy RUB':>16} {'prioritiser RUB':>16} {'ratio':>6} {'net ratio':>9}"
        f"  {'key t greedy / prioritiser':>26}  prioritiser"
    )
    for r in rows:
        ratio = r["greedy"] / r["ours"] if r["ours"] else float("nan")
        net = r["greedy_net"] / r["ours_net"] if r["ours_net"] else float("nan")
        keys = f"{_rub(r['greedy_key_t'])} / {_rub(r['ours_key_t'])}"
        print(
            f"  {_size(r):<44} {'whole' if r['whole'] else 'split':<9} {_rub(r['greedy']):>16} {_rub(r['ours']):>16} "
            f"{ratio:>6.3f} {net:>9.3f}  {keys:>26}  {r['s']:.1f} s {r['status']}"
        )


PRINTERS = {"whole": print_whole, "split": print_split, "replan": print_replan, "greedy": print_greedy}


if __name__ == "__main__":
    main(sys.argv[1:])
