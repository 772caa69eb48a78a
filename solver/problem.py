"""Plain data in and out of the prioritiser: no database, no domain objects.

Mills and demands are identified by non-negative integers chosen by the caller (the
store's ids, say), so variable and constraint names stay ASCII and collision-free whatever
the plant calls its mills. Periods are months counted from the plan month: 0 is the plan
month (whose lines are the month's assignment), 1 the month after, and so on.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

SOLVER_NAMES = ("highs", "cbc")
MAX_PERIODS = 12

LATENESS_PENALTY = 3_000.0
"""Default RUB per tonne per month late. About a quarter of a typical pipe margin
(10,000–15,000 RUB/t): a position is moved past its month only when that frees hours
earning at least this much more per tonne elsewhere, so lateness stays the exception; yet
it is below almost every margin, so a profitable position is still made late rather than
dropped."""


ROUND_OFF = 1e-6
"""Hours (h) and tonnes (t) of floating-point round-off by which a requirement may exceed
what there is."""

REPORTED_DIGITS = 3
REPORTED_TONNES = 10.0**-REPORTED_DIGITS
"""Tonnes of a plan are reported to the kg (``Solution.tonnes``, stored lines, locks built
from them: :func:`report_tonnes`): a lock rebuilt from a reported line may hold up to half
of this more than the plan it came from."""


def report_tonnes(value: float) -> float:
    """``value`` (t) as a plan reports it: to :data:`REPORTED_TONNES` (the kg). Every
    tonne figure that may come back as a lock goes through here, so that
    :func:`hours_room` allows for exactly the round-off it causes."""
    return round(value, REPORTED_DIGITS)


def hours_room(hours: float, locked: Iterable[tuple[float, float]]) -> float:
    """The hours (h) the lines of one mill-period may take, of its ``hours`` and its locked
    lines given as (t, h/t): its hours, or what the locked lines take when that is more by
    no more than the half kg each may have gained in reporting. So a mill filled to the
    hour, its lines reported and locked again (a promise holding the plan, a re-plan
    keeping its locks), still has a plan, and the other lines never get more than the
    hours. The model's hours rows and the conflict checks both use it."""
    locked = list(locked)
    need = sum(t * rate for t, rate in locked)
    slack = sum(REPORTED_TONNES / 2 * rate for _, rate in locked)
    return max(hours, min(need, hours + slack))


@dataclass(frozen=True, slots=True)
class Option:
    """One mill that can make a demand: hours per tonne (h/t) and margin per tonne (RUB/t).

    The margin is per mill because conversion cost differs by mill and size band.
    """

    mill: int
    hours_per_tonne: float
    margin_per_tonne: float


@dataclass(frozen=True, slots=True)
class Lock:
    """Tonnes (t) of a demand on one mill in one period (0 = plan month)."""

    mill: int
    period: int
    tonnes: float


@dataclass(frozen=True, slots=True)
class Demand:
    """Tonnes (t) wanted of one position, which mills can make them, and its standing.

    ``priority`` is a tie-break weight (higher is preferred; 0 for none). ``due`` is the
    period of the requested month (negative: already overdue; beyond the horizon: not due
    yet). ``mandatory``: all ``tonnes`` must be made in period 0. ``locked``: lines that
    must be planned exactly as given. ``previous``: the lines the last approved revision
    planned, which the stability penalty keeps.
    """

    id: int
    tonnes: float
    key_account: bool
    options: tuple[Option, ...]
    priority: int = 0
    due: int = 0
    mandatory: bool = False
    locked: tuple[Lock, ...] = ()
    previous: tuple[Lock, ...] = ()


@dataclass(frozen=True, slots=True)
class Settings:
    """How to plan.

    * ``periods``: months in the horizon (1 to :data:`MAX_PERIODS`).
    * ``whole``: a position is made on one mill in one period, never split.
    * ``min_lot``: mill → least tonnes (t) of a position on it in a period (locked lines
      are exempt: the planner chose them).
    * ``lateness_penalty``: RUB per tonne per month made after its due month (default
      :data:`LATENESS_PENALTY`).
    * ``early_months``: a demand may be made at most this many periods before ``due``.
    * ``stability_penalty``: RUB per tonne changed on a line against ``Demand.previous``
      (moving t tonnes to another mill or month changes two lines: 2·t tonnes); charged
      in the margin stage, not reported in the margin.
    * ``solver``: ``"highs"`` (falls back to CBC without highspy) or ``"cbc"``.
    * ``time_limit``: seconds for the plan (all stages, model building included; the
      shadow-price relaxation of ``explain``, when one is needed, gets what is left —
      if nothing, the solution has no prices or explanations and says so); ``None`` for
      no limit.
    * ``gap``: relative MIP gap accepted (0 proves optimality).
    * ``explain``: compute shadow prices and explanations (one more LP solve).

    Raises ``ValueError`` naming the setting when one is out of range.
    """

    periods: int = 1
    whole: bool = False
    min_lot: dict[int, float] = field(default_factory=dict)
    lateness_penalty: float = LATENESS_PENALTY
    early_months: int = 0
    stability_penalty: float = 0.0
    solver: str = "highs"
    time_limit: float | None = None
    gap: float = 0.0
    explain: bool = True

    @property
    def searches(self) -> bool:
        """Whether the plan is a search over whole positions or lots (a MIP, which a time
        limit stops at a reported gap) rather than an LP (solved to its optimum, or not at all)."""
        return self.whole or bool(self.min_lot)

    def __post_init__(self) -> None:
        if not 1 <= self.periods <= MAX_PERIODS:
            raise ValueError(f"periods must be 1 to {MAX_PERIODS}, not {self.periods}")
        if self.solver not in SOLVER_NAMES:
            raise ValueError(f"unknown solver {self.solver!r}: use 'highs' or 'cbc'")
        for name in ("lateness_penalty", "early_months", "stability_penalty", "gap"):
            if getattr(self, name) < 0:
                raise ValueError(f"{name} must not be negative, not {getattr(self, name)}")
        if self.time_limit is not None and self.time_limit < 0:
            raise ValueError(f"time_limit must not be negative, not {self.time_limit}")
        bad = {m: t for m, t in self.min_lot.items() if t < 0}
        if bad:
            raise ValueError(f"min_lot must not be negative: {bad}")


@dataclass(frozen=True, slots=True)
class Problem:
    """Demands of one product line and each mill's available hours (h) by
    ``(mill, period)``; a mill-period not in ``hours`` has none."""

    demands: tuple[Demand, ...]
    hours: dict[tuple[int, int], float]
    settings: Settings = Settings()

    def __post_init__(self) -> None:
        """Raise ``ValueError`` naming the first malformed entry: hours not keyed by
        ``(mill, period)`` or negative, a repeated or negative demand id, negative tonnes,
        a mill offered twice, negative hours per tonne or locked tonnes, a mill and period
        locked (or previously planned) twice."""
        for key, value in self.hours.items():
            if not (isinstance(key, tuple) and len(key) == 2 and all(isinstance(k, int) for k in key)):
                raise ValueError(f"hours must be keyed by (mill, period), not {key!r}")
            if value < 0:
                raise ValueError(f"hours of mill {key[0]} in period {key[1]} must not be negative, not {value}")
        seen = set()
        for d in self.demands:
            if d.id in seen or d.id < 0:
                raise ValueError(f"demand id {d.id} is {'repeated' if d.id in seen else 'negative'}")
            seen.add(d.id)
            if d.tonnes < 0:
                raise ValueError(f"demand {d.id} has negative tonnes {d.tonnes}")
            mills = [o.mill for o in d.options]
            if len(set(mills)) != len(mills) or any(m < 0 for m in mills):
                raise ValueError(f"demand {d.id} offers a mill twice or a negative mill id: {mills}")
            if any(o.hours_per_tonne < 0 for o in d.options):
                raise ValueError(f"demand {d.id} has negative hours per tonne")
            if any(lock.tonnes < 0 for lock in (*d.locked, *d.previous)):
                raise ValueError(f"demand {d.id} has negative locked or previous tonnes")
            for lines in (d.locked, d.previous):
                cells = [(lock.mill, lock.period) for lock in lines]
                if len(set(cells)) != len(cells):
                    raise ValueError(f"demand {d.id} names one mill and period twice in its locks or previous lines")


@dataclass(frozen=True, slots=True)
class Booking:
    """What holds the hours (h) of a mill-period a demand was left out of (or made late
    from), by standing: ``key`` — key-account lines (others' for a key-account demand);
    ``reserved`` — locked or mandatory lines of non-key positions; ``better`` — other
    non-key lines earning more per hour there than the demand (margin less lateness),
    ``better_per_hour`` their average, RUB/h (their margin ÷ their hours). Lines earning
    no more than the demand are not counted: they are not why it is out."""

    key: float = 0.0
    reserved: float = 0.0
    better: float = 0.0
    better_per_hour: float = 0.0

    @property
    def code(self) -> str | None:
        """The reason holding the most hours (``"key_accounts"``, ``"reserved"`` or
        ``"capacity"``; ties in that order), ``None`` if nothing counted holds any."""
        hours = {"key_accounts": self.key, "reserved": self.reserved, "capacity": self.better}
        code = max(hours, key=hours.__getitem__)
        return code if hours[code] > ROUND_OFF else None

    def said(self, number: Callable[[float, int], str]) -> str:
        """ "key-account positions (620.0 h) and better-paying positions (40.0 h, 900,000
        RUB/h on average)", numbers written by ``number(value, places)``."""
        parts = [
            f"{what} ({number(hours, 1)} h{extra})"
            for what, hours, extra in (
                ("key-account positions", self.key, ""),
                ("locked or mandatory positions", self.reserved, ""),
                ("better-paying positions", self.better, f", {number(self.better_per_hour, 0)} RUB/h on average"),
            )
            if hours > ROUND_OFF
        ]
        return ", ".join(parts[:-1]) + " and " + parts[-1] if len(parts) > 1 else "".join(parts)


@dataclass(frozen=True, slots=True)
class Explanation:
    """Why a demand was left out (wholly or partly) or planned late, in a planner's terms.

    ``code``: ``"no_mill"`` (no mill that can make it has hours when it may be made),
    ``"min_lot"`` (below the minimum lot), ``"unprofitable"`` (it loses money),
    ``"capacity"`` (better-paying lines book most of its best mill-period's hours, or
    none counted does and an hour there is worth at least what it earns),
    ``"key_accounts"`` (key-account lines book most of them), ``"reserved"`` (locked or
    mandatory lines do), ``"whole"`` (does not fit whole), ``"stability"``
    (room would mean moving lines of the approved revision), ``"locked"`` (its locks cap it
    and no other line is open to it), ``"late"`` (made in full, but partly after its due
    month).

    ``tonnes_short`` and ``late_tonnes`` in t. ``mill`` and ``period`` name the binding
    mill-period: the one where the demand would do best against its ``shadow_price``
    (RUB per mill-hour); for ``"late"`` the best one in its due month. ``earns_per_hour``
    (RUB/h) is its margin less lateness per hour there — for ``"late"``, the lateness
    penalty per hour that making it on time would save. ``None`` where no mill applies.
    ``text`` names ids; the front renders names. ``held``: for ``"late"``, the code of what
    holds the due month's hours when that, not their price alone, is why
    (``"key_accounts"``, ``"reserved"``, ``"capacity"`` — better-paying lines — as
    ``booked`` says, or ``"whole"``, ``"min_lot"``, ``"stability"``); else ``None``.
    ``booked``: what holds the binding mill-period's hours, for ``"key_accounts"``,
    ``"reserved"``, ``"capacity"`` (``None`` where nothing but its price does) and a late
    one held by them.
    """

    demand: int
    code: str
    tonnes_short: float
    late_tonnes: float
    mill: int | None
    period: int | None
    shadow_price: float | None
    earns_per_hour: float | None
    text: str
    held: str | None = None
    booked: Booking | None = None


@dataclass(frozen=True, slots=True)
class Conflict:
    """Part of an infeasible input: the demands and the ``(mill, period)`` cells that
    cannot all be satisfied, and why."""

    demands: tuple[int, ...]
    cells: tuple[tuple[int, int], ...]
    text: str


@dataclass(frozen=True, slots=True)
class Solution:
    """What the prioritiser planned.

    ``status``: ``"optimal"``; ``"feasible"`` (a plan, not proven best: ``gap`` is the
    largest relative distance to the solver's bound among the lexicographic stages
    completed, each relative to |its value| but at least 1; ``None`` if unknown; a stage
    the time limit left undone is named in ``message``); ``"infeasible"``
    (``conflicts`` name the demands and mill-periods); ``"no_solution"`` (the time limit
    came before any plan); ``"error"``. ``message`` says why whenever not optimal.
    ``tonnes`` maps ``(demand, mill, period)`` to t (only entries ≥ 10 kg, to the kg).
    ``key_account_tonnes``: key-account t made by their due month. ``gross_margin`` RUB,
    ``lateness_cost`` RUB and ``margin = gross_margin − lateness_cost``. ``moved_lines``:
    lines of ``Demand.previous`` not kept as they were. ``shadow_prices``: RUB per extra
    hour by ``(mill, period)``. ``explanations``: by demand id. ``seconds``: wall time.
    """

    status: str
    solver: str
    seconds: float
    gap: float | None = None
    tonnes: dict[tuple[int, int, int], float] = field(default_factory=dict)
    key_account_tonnes: float = 0.0
    margin: float = 0.0
    gross_margin: float = 0.0
    lateness_cost: float = 0.0
    moved_lines: int = 0
    shadow_prices: dict[tuple[int, int], float] = field(default_factory=dict)
    explanations: dict[int, Explanation] = field(default_factory=dict)
    conflicts: tuple[Conflict, ...] = ()
    message: str = ""

    @property
    def ok(self) -> bool:
        """A plan was found (optimal or feasible)."""
        return self.status in ("optimal", "feasible")


def locked_lines(problem: Problem) -> dict[tuple[int, int], list[tuple[float, float]]]:
    """The locked lines of each (mill, period) as (t, h/t) (locks on a mill that cannot
    make the demand aside: they are conflicts)."""
    lines: dict[tuple[int, int], list[tuple[float, float]]] = {}
    for d in problem.demands:
        options = {o.mill: o for o in d.options}
        for lock in d.locked:
            if lock.mill in options:
                lines.setdefault((lock.mill, lock.period), []).append((lock.tonnes, options[lock.mill].hours_per_tonne))
    return lines
