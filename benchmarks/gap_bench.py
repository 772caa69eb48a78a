"""Time to the optimum on published GAP instances: the prioritiser against a bare PuLP model.

    .venv/bin/python benchmarks/gap_bench.py                      # cattrysse1994, chu1997 a–c
    .venv/bin/python benchmarks/gap_bench.py --set chu1997/c --solver cbc --limit 120
    .venv/bin/python benchmarks/gap_bench.py --set all            # every instance with an optimum

With every position mandatory and whole and one month, the monthly assignment is the
generalized assignment problem (solver/orlibrary.py). Each instance of
``../shared/data/gap/`` is solved twice by the same solver: through the prioritiser's own
API (``millplan.solver.prioritiser.solve``, build + solve + read back, explanations off) and as
the textbook model written straight in PuLP (binary x[i, j]; Σ_i x = 1 per job;
Σ_j a·x ≤ b per agent; minimise Σ c·x). Both times are wall clock around the whole call.
The ratio ours / bare is the prioritiser's overhead — the figure to drive down; the
summary gives its geometric mean over instances both solved to a proven optimum.
"""

from __future__ import annotations

import argparse
import math
import sys
import time
from pathlib import Path

import pulp

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from millplan.solver import engines  # noqa: E402
from millplan.solver.orlibrary import GapInstance, as_problem, read_instance, read_optima  # noqa: E402
from millplan.solver.prioritiser import solve  # noqa: E402
from millplan.solver.problem import Settings  # noqa: E402
from millplan.solver.quiet import stdout_silenced  # noqa: E402

DATA = ROOT.parent / "shared" / "data" / "gap"
DEFAULT_SETS = ("cattrysse1994", "chu1997/a", "chu1997/b", "chu1997/c")


def bare_model(instance: GapInstance, engine: str, time_limit: float | None) -> tuple[str, float | None, float]:
    """Solve ``instance`` as the textbook GAP in PuLP, run by the prioritiser's own engine
    wrapper (same solver, same options): (status, minimum cost or None, seconds)."""
    started = time.perf_counter()
    model = pulp.LpProblem("gap", pulp.LpMinimize)
    agents, jobs = range(instance.agents), range(instance.jobs)
    x = {(i, j): pulp.LpVariable(f"x_{i}_{j}", cat=pulp.LpBinary) for i in agents for j in jobs}
    model += pulp.lpSum(instance.cost[i][j] * x[i, j] for i in agents for j in jobs)
    for j in jobs:
        model += pulp.lpSum(x[i, j] for i in agents) == 1, f"job_{j}"
    for i in agents:
        model += pulp.lpSum(instance.resource[i][j] * x[i, j] for j in jobs) <= instance.capacity[i], f"agent_{i}"
    with stdout_silenced():
        outcome = engines.run(model, engine, time_limit, gap=0.0, mip=True, start=None)
    seconds = time.perf_counter() - started
    cost = pulp.value(model.objective) if outcome.kind in ("optimal", "feasible") else None
    return outcome.kind, cost, seconds


def ours(instance: GapInstance, engine: str, time_limit: float | None) -> tuple[str, float | None, float, float]:
    """Solve ``instance`` through the prioritiser: (status, minimum cost or None, relative
    gap, seconds)."""
    settings = Settings(periods=1, whole=True, solver=engine, time_limit=time_limit, gap=0.0, explain=False)
    started = time.perf_counter()
    solution = solve(as_problem(instance, settings))
    seconds = time.perf_counter() - started
    cost = -solution.margin if solution.status in ("optimal", "feasible") else None
    return solution.status, cost, solution.gap, seconds


def instances(selection: list[str], optima: dict[str, int]) -> list[str]:
    """Instance paths (``set/name``) with a published optimum whose path starts with one of
    ``selection`` (``"all"`` for every one), in data.csv's order."""
    if "all" in selection:
        return list(optima)
    return [path for path in optima if any(path.startswith(s) for s in selection)]


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--solver", choices=("highs", "cbc"), default="highs")
    parser.add_argument(
        "--set",
        action="append",
        dest="sets",
        metavar="PREFIX",
        help="instance path prefix, e.g. cattrysse1994, chu1997/c, chu1997/c05; 'all'; repeatable",
    )
    parser.add_argument("--limit", type=float, default=300.0, help="time limit per solve, s (default 300)")
    args = parser.parse_args(argv)
    optima = read_optima(DATA / "data.csv")
    paths = instances(args.sets or list(DEFAULT_SETS), optima)
    if not paths:
        parser.error(f"no instance with a published optimum matches {args.sets}")

    print(
        f"{'instance':<22} {'m':>3} {'n':>4} {'optimum':>8} {'ours':>8} {'status':>9} {'ours s':>7} "
        f"{'bare':>8} {'status':>9} {'bare s':>7} {'ratio':>6}"
    )
    ratios, wrong, totals = [], [], [0.0, 0.0]
    for path in paths:
        instance = read_instance(DATA / path, name=path)
        status, cost, gap, seconds = ours(instance, args.solver, args.limit)
        bare_status, bare_cost, bare_seconds = bare_model(instance, args.solver, args.limit)
        both = status == bare_status == "optimal"
        ratio = seconds / bare_seconds if both else None
        if both:
            ratios.append(ratio)
            totals[0] += seconds
            totals[1] += bare_seconds
        if status == "optimal" and round(cost) != optima[path]:
            wrong.append(path)
        shown = f"{status}" if status != "feasible" else f"gap {gap:.2%}"
        print(
            f"{path:<22} {instance.agents:>3} {instance.jobs:>4} {optima[path]:>8} {_number(cost):>8} {shown:>9} "
            f"{seconds:>7.2f} {_number(bare_cost):>8} {bare_status:>9} {bare_seconds:>7.2f} "
            f"{'' if ratio is None else f'{ratio:.2f}':>6}",
            flush=True,
        )
    print()
    print(
        f"solver {args.solver}, time limit {args.limit:g} s; {len(paths)} instances, "
        f"{len(ratios)} proven optimal by both"
    )
    if ratios:
        mean = math.exp(sum(math.log(r) for r in ratios) / len(ratios))
        print(
            f"overhead ours / bare: geometric mean {mean:.2f}, min {min(ratios):.2f}, max {max(ratios):.2f}; "
            f"total {totals[0]:.1f} s against {totals[1]:.1f} s"
        )
    print("every proven optimum matches the published one" if not wrong else f"WRONG OPTIMUM: {', '.join(wrong)}")


def _number(value: float | None) -> str:
    return "—" if value is None else f"{value:.0f}"


if __name__ == "__main__":
    main(sys.argv[1:])
