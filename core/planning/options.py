"""How a product line is planned over its horizon: the planner's options.

A revision keeps the options it was planned with (:meth:`PlanOptions.as_dict`), so a
re-plan without new options plans the same way and the workstation can show them.
Positions are named by reference (``DEAL#NO``) and mills by code, as planners write them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from decimal import Decimal, InvalidOperation
from typing import Any

from millplan.core.domain.errors import InvalidInput
from millplan.core.domain.i18n import _, ngettext
from millplan.core.domain.months import Month
from millplan.core.domain.portfolio import parse_position_ref
from millplan.solver.problem import LATENESS_PENALTY, MAX_PERIODS, SOLVER_NAMES

FIRST_PLAN_HORIZON = 3
"""Months a month is planned with the first time (the plan month and the two after it,
:func:`millplan.core.planning.run.plan`'s default); a re-plan keeps the horizon the month
was planned with."""

DEFAULT_TIME_LIMIT = 5.0
"""Seconds a plan gets when its options set no time limit (all its product lines
together; also a what-if's or re-plan's solve): a plan that can be improved for longer
stops at a gap it reports. Not kept with the revision."""

PROGRESS_HOURS = ("calendar", "actuals")
"""How a re-plan of the month in progress counts the hours a mill has left (the
``progress_hours`` option): ``calendar`` — the month's hours pro rata to the days left,
today included; ``actuals`` — the month's hours less those the month's actuals used."""


def progress_basis(basis: str) -> str:
    """One of :data:`PROGRESS_HOURS` in words, after "by" in a plan's note ("by the calendar"),
    in the user's language; an unknown basis as it is."""
    words = {"calendar": _("the calendar"), "actuals": _("the actuals")}
    return words.get(basis, basis)


NO_PLAN_RETRY = 3
"""A line that finds no plan at all within :data:`DEFAULT_TIME_LIMIT` is solved again for
up to this many times that limit more (said in a note); then the plan fails, asking for a
longer time limit."""


@dataclass(frozen=True)
class MonthLock:
    """A position held on one mill in one month: ``tonnes`` t, or (``None``) all it has
    left to make."""

    position: str
    mill: str
    month: Month
    tonnes: float | None = None

    def __str__(self) -> str:
        amount = "" if self.tonnes is None else f":{self.tonnes:g}"
        return f"{self.position}={self.mill}@{self.month}{amount}"


@dataclass(frozen=True)
class PlanOptions:
    """The options of one plan (all combinable).

    * ``horizon``: months planned, from the plan month (1 to 12); the first is the
      month's assignment, the rest its forecast. The options' default is the month alone
      (so a request's or a what-if's re-plan of a month planned before options were kept
      changes nothing else); a month's first plan has :data:`FIRST_PLAN_HORIZON` months.
    * ``whole``: a position is made on one mill in one month, never split.
    * ``min_lot``: mill code → least tonnes (t) of a position on it in a month.
    * ``mandatory``: positions (``DEAL#NO``) that must be in the plan month in full.
    * ``locks``: positions held on a mill in a month (:class:`MonthLock`).
    * ``lateness_penalty``: RUB per tonne per month made after its requested month.
    * ``early_months``: a position may be made at most this many months early.
    * ``stability``: RUB per tonne changed against the last approved revision.
    * ``solver``: ``highs`` or ``cbc``; ``time_limit`` s (``None``: none); ``gap`` %.
    * ``progress_hours``: for a plan of the month in progress, the hours each mill has
      left — ``calendar`` (pro rata to the days left) or ``actuals`` (the month's hours
      less those its actuals used); one of :data:`PROGRESS_HOURS`.

    Raises :class:`InvalidInput` naming the option when one is out of range.
    """

    horizon: int = 1
    whole: bool = False
    min_lot: Mapping[str, float] = field(default_factory=dict)
    mandatory: tuple[str, ...] = ()
    locks: tuple[MonthLock, ...] = ()
    lateness_penalty: Decimal = Decimal(repr(LATENESS_PENALTY))
    early_months: int = 0
    stability: Decimal = Decimal(0)
    solver: str = "highs"
    time_limit: float | None = None
    gap: float = 0.0
    progress_hours: str = "calendar"

    @property
    def searches(self) -> bool:
        """Whether plans with these options are a search (whole positions or lots), which a
        time limit stops at a reported gap; else an LP, solved to its optimum."""
        return self.whole or bool(self.min_lot)

    def __post_init__(self) -> None:
        if not 1 <= self.horizon <= MAX_PERIODS:
            raise InvalidInput(horizon_refused(self.horizon))
        if self.solver not in SOLVER_NAMES:
            raise InvalidInput(
                _("unknown solver {solver!r}: use {known}").format(
                    solver=self.solver, known=_(" or ").join(SOLVER_NAMES)
                )
            )
        named = {
            "lateness_penalty": _("lateness penalty"),
            "early_months": _("early months"),
            "stability": _("stability"),
            "gap": _("gap"),
        }
        for name, said in named.items():
            if getattr(self, name) < 0:
                raise InvalidInput(
                    _("{option} must not be negative, not {value}").format(option=said, value=getattr(self, name))
                )
        if self.progress_hours not in PROGRESS_HOURS:
            raise InvalidInput(
                _("progress hours must be {known}, not {value!r}").format(
                    known=_(" or ").join(PROGRESS_HOURS), value=self.progress_hours
                )
            )
        if self.gap >= 100:
            raise InvalidInput(_("gap is a percentage below 100, not {gap}").format(gap=self.gap))
        if self.time_limit is not None and self.time_limit <= 0:
            raise InvalidInput(_("time limit must be positive seconds, not {seconds}").format(seconds=self.time_limit))
        for code, tonnes in self.min_lot.items():
            if tonnes < 0:
                raise InvalidInput(
                    _("minimum lot of {mill} must not be negative, not {tonnes}").format(mill=code, tonnes=tonnes)
                )
        for ref in (*self.mandatory, *(lock.position for lock in self.locks)):
            parse_position_ref(ref)

    def changed(self, **changes: Any) -> PlanOptions:
        """These options with ``changes`` (field → value) applied; unknown fields raise
        :class:`InvalidInput`."""
        known = {f.name for f in fields(self)}
        unknown = set(changes) - known
        if unknown:
            raise InvalidInput(
                ngettext("unknown plan option: {options}", "unknown plan options: {options}", len(unknown)).format(
                    options=", ".join(sorted(unknown))
                )
            )
        return replace(self, **changes)

    def as_changes(self) -> dict[str, Any]:
        """Every option as field → value: applied with :meth:`changed`, they reset another
        set of options to these."""
        return {f.name: getattr(self, f.name) for f in fields(self)}

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready document (money as strings), read back by :meth:`from_dict`."""
        return {
            "horizon": self.horizon,
            "whole": self.whole,
            "min_lot": dict(sorted(self.min_lot.items())),
            "mandatory": list(self.mandatory),
            "locks": [
                {"position": l.position, "mill": l.mill, "month": str(l.month), "tonnes": l.tonnes} for l in self.locks
            ],
            "lateness_penalty": str(self.lateness_penalty.quantize(Decimal("0.01"))),
            "early_months": self.early_months,
            "stability": str(self.stability.quantize(Decimal("0.01"))),
            "solver": self.solver,
            "time_limit": self.time_limit,
            "gap": self.gap,
            "progress_hours": self.progress_hours,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any] | None) -> PlanOptions:
        """Options saved by :meth:`as_dict`; ``None`` or missing keys give the defaults."""
        if not data:
            return cls()
        values = dict(data)
        if "locks" in values:
            values["locks"] = tuple(
                MonthLock(l["position"], l["mill"], Month.parse(l["month"]), l.get("tonnes")) for l in values["locks"]
            )
        if "mandatory" in values:
            values["mandatory"] = tuple(values["mandatory"])
        for money in ("lateness_penalty", "stability"):
            if money in values:
                values[money] = Decimal(values[money])
        return cls().changed(**values)

    def describe(self) -> str:
        """One line for people: only what differs from the defaults, e.g.
        ``horizon 3 months · whole positions · min lot M1 50 t``."""
        parts = [ngettext("horizon {n} month", "horizon {n} months", self.horizon).format(n=self.horizon)]
        if self.whole:
            parts.append(_("whole positions"))
        if self.min_lot:
            lots = ", ".join(f"{code} {t:g}" for code, t in sorted(self.min_lot.items()))
            parts.append(_("min lot {lots} t").format(lots=lots))
        if self.mandatory:
            parts.append(_("mandatory {refs}").format(refs=", ".join(self.mandatory)))
        if self.locks:
            parts.append(_("locked {locks}").format(locks=", ".join(str(l) for l in self.locks)))
        if self.lateness_penalty != Decimal(repr(LATENESS_PENALTY)):
            parts.append(_("lateness {rub} RUB/t·month").format(rub=f"{self.lateness_penalty:.0f}"))
        if self.early_months:
            parts.append(
                ngettext("up to {n} month early", "up to {n} months early", self.early_months).format(
                    n=self.early_months
                )
            )
        if self.stability:
            parts.append(_("stability {rub} RUB/t").format(rub=f"{self.stability:.0f}"))
        if self.solver != "highs":
            parts.append(_("solver {solver}").format(solver=self.solver))
        if self.time_limit is not None:
            parts.append(_("time limit {seconds} s").format(seconds=f"{self.time_limit:g}"))
        if self.gap:
            parts.append(_("gap {gap} %").format(gap=f"{self.gap:g}"))
        if self.progress_hours != "calendar":
            parts.append(_("hours left by {method}").format(method=self.progress_hours))
        return " · ".join(parts)


def horizon_refused(horizon: int) -> str:
    """Why ``horizon`` (months) is not a horizon millplan plans over, in the user's language."""
    return _("horizon must be 1 to {most} months, not {horizon}").format(most=MAX_PERIODS, horizon=horizon)


def parse_min_lot(items: list[str]) -> dict[str, float]:
    """``["M1=50", "M2=20.5"]`` → ``{"M1": 50.0, "M2": 20.5}`` (t). Raises
    :class:`InvalidInput` naming the item that is not ``MILL=TONNES``."""
    result = {}
    for item in items:
        code, sep, tonnes = item.partition("=")
        try:
            if not sep or not code.strip():
                raise ValueError
            result[code.strip()] = float(tonnes)
        except ValueError:
            raise InvalidInput(_("--min-lot {item!r}: write MILL=TONNES, e.g. M1=50").format(item=item)) from None
    return result


def parse_lock(item: str) -> MonthLock:
    """``"D1#1=M1@2027-02"`` (all its open tonnes) or ``"D1#1=M1@2027-02:40"`` (40 t).
    Raises :class:`InvalidInput` naming the item when it does not read so."""
    ref, sep, rest = item.rpartition("=")
    mill, at, when = rest.partition("@")
    month, colon, tonnes = when.partition(":")
    try:
        if not (sep and at and mill.strip()):
            raise ValueError
        parse_position_ref(ref)
        amount = float(tonnes) if colon else None
        if amount is not None and amount <= 0:
            raise ValueError
        return MonthLock(ref.strip(), mill.strip(), Month.parse(month.strip()), amount)
    except (ValueError, InvalidOperation, InvalidInput):
        raise InvalidInput(
            _("--lock {item!r}: write POSITION=MILL@YYYY-MM[:TONNES], e.g. D1#1=M1@2027-02").format(item=item)
        ) from None


def typed_changes(
    *,
    horizon: int | None = None,
    whole: bool | None = None,
    min_lot: list[str] | None = None,
    mandatory: list[str] | None = None,
    locks: list[str] | None = None,
    lateness_penalty: float | None = None,
    early_months: int | None = None,
    stability: float | None = None,
    solver: str | None = None,
    time_limit: float | None = None,
    gap: float | None = None,
    progress_hours: str | None = None,
    clear: bool = False,
) -> dict[str, Any]:
    """The options a person typed for a plan (``None``: not given) as changes to the
    options the month was last planned with (field → value, for :meth:`PlanOptions.changed`);
    with ``clear`` the kept options are forgotten first: every other option goes back to
    its default and the horizon to :data:`FIRST_PLAN_HORIZON`. Money (RUB) becomes
    :class:`Decimal`; ``min_lot`` (``MILL=T``) and ``locks`` (``DEAL#NO=MILL@YYYY-MM[:T]``)
    are read as :func:`parse_min_lot` and :func:`parse_lock` read them, raising
    :class:`InvalidInput` for an item that does not read."""
    given: dict[str, Any] = {
        "horizon": horizon,
        "whole": whole,
        "early_months": early_months,
        "time_limit": time_limit,
        "gap": gap,
        "solver": solver,
        "progress_hours": progress_hours,
        "lateness_penalty": None if lateness_penalty is None else Decimal(str(lateness_penalty)),
        "stability": None if stability is None else Decimal(str(stability)),
        "min_lot": parse_min_lot(min_lot) if min_lot else None,
        "mandatory": tuple(mandatory) if mandatory else None,
        "locks": tuple(parse_lock(item) for item in locks) if locks else None,
    }
    changes = {k: v for k, v in given.items() if v is not None}
    if clear:
        changes = {**PlanOptions(horizon=FIRST_PLAN_HORIZON).as_changes(), **changes}
    return changes
