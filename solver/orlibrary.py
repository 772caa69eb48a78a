"""Generalized assignment problem (GAP) instances in the OR-Library format.

The monthly assignment with every position mandatory and whole, one month, and hours and
cost that depend on the mill *is* the GAP: agents are mills (capacity = hours), jobs are
positions. The published benchmark sets (Cattrysse et al. 1994, Chu & Beasley 1997,
Yagiura et al. 2004; ``../shared/data/gap/``) therefore prove the prioritiser against
known optima.

File format (J. E. Beasley's OR-Library, ``gap*.txt``): whitespace-separated integers —
``m n``; an m × n cost matrix ``c[i][j]``; an m × n resource matrix ``a[i][j]``; the m
capacities ``b[i]``. Minimise Σ c over an assignment of every job to exactly one agent
with Σ a ≤ b on every agent. The sets' ``data.csv`` lists each instance's proven optimum
(minimum cost) where one is known.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from millplan.solver.problem import Demand, Option, Problem, Settings


@dataclass(frozen=True, slots=True)
class GapInstance:
    """One GAP instance: ``cost[i][j]`` and ``resource[i][j]`` of job *j* on agent *i*
    (m × n nested tuples of ints), ``capacity[i]`` (m ints)."""

    name: str
    cost: tuple[tuple[int, ...], ...]
    resource: tuple[tuple[int, ...], ...]
    capacity: tuple[int, ...]

    @property
    def agents(self) -> int:
        return len(self.capacity)

    @property
    def jobs(self) -> int:
        return len(self.cost[0]) if self.cost else 0

    def cost_of(self, agent_of_job: dict[int, int]) -> int:
        """Total cost of an assignment ``{job: agent}`` (0-based)."""
        return sum(self.cost[i][j] for j, i in agent_of_job.items())


def read_instance(path: Path | str, name: str | None = None) -> GapInstance:
    """Read one OR-Library GAP file.

    ``name`` defaults to the file's name. Raises ``ValueError`` naming the file when a
    token is not an integer or the count of numbers does not match ``m n``.
    """
    path = Path(path)
    tokens = path.read_text().split()
    try:
        numbers = [int(token) for token in tokens]
    except ValueError as error:
        raise ValueError(f"{path}: not an OR-Library GAP file ({error})") from None
    if len(numbers) < 2:
        raise ValueError(f"{path}: not an OR-Library GAP file (no 'm n' header)")
    m, n = numbers[:2]
    expected = 2 + 2 * m * n + m
    if m <= 0 or n <= 0 or len(numbers) != expected:
        raise ValueError(f"{path}: {m} agents × {n} jobs needs {expected} numbers, the file holds {len(numbers)}")
    body = numbers[2:]

    def matrix(start: int) -> tuple[tuple[int, ...], ...]:
        return tuple(tuple(body[start + i * n : start + (i + 1) * n]) for i in range(m))

    return GapInstance(
        name=name or path.name,
        cost=matrix(0),
        resource=matrix(m * n),
        capacity=tuple(body[2 * m * n :]),
    )


def read_optima(csv_path: Path | str) -> dict[str, int]:
    """Proven optima (minimum cost) by instance path, e.g. ``"chu1997/a05100": 1698``, from
    a set's ``data.csv`` (columns ``Path`` and ``Optimum``; instances without a proven
    optimum are left out)."""
    with open(csv_path, newline="") as handle:
        return {row["Path"]: int(row["Optimum"]) for row in csv.DictReader(handle) if row["Optimum"].strip()}


def as_problem(instance: GapInstance, settings: Settings, maximise: bool = False) -> Problem:
    """The instance as a one-month, whole, all-mandatory prioritiser problem.

    Agent *i* → mill *i* (period 0), with hours = capacity b_i; job *j* → demand *j* of 1 t,
    mandatory, with an option on every mill: hours per tonne a_ij and margin per tonne
    −c_ij (RUB/t), so the most margin is the least cost: minimum cost =
    −``Solution.margin``. With ``maximise`` (the OR-Library's own reading of the Cattrysse
    sets) the margin is +c_ij and the maximum is ``Solution.margin``. No key accounts, so
    the margin stage decides. ``settings`` should say ``periods=1`` and ``whole=True``; the
    caller picks solver, time limit and gap.
    """
    sign = 1.0 if maximise else -1.0
    demands = tuple(
        Demand(
            id=j,
            tonnes=1.0,
            key_account=False,
            options=tuple(
                Option(i, float(instance.resource[i][j]), sign * instance.cost[i][j]) for i in range(instance.agents)
            ),
            mandatory=True,
        )
        for j in range(instance.jobs)
    )
    hours = {(i, 0): float(b) for i, b in enumerate(instance.capacity)}
    return Problem(demands, hours, settings)
