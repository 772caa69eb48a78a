"""The prioritiser's reasons in a planner's terms: mill codes, months, RUB per mill-hour.

The solver explains by ids and periods (:class:`millplan.solver.problem.Explanation`); this module
names them and says, for a position left out of its month or planned late, what binds:
no compatible mill (which limit), the binding mill-month and what an hour of it is worth
at the margin (its shadow price, RUB/h) against what the position earns per hour there,
after what books the mill-month (key-account, locked, better-paying work). Infeasible
input (mandatory positions beyond capacity, a lock on a mill that cannot make the size)
is told by naming the positions (``DEAL#NO``) and the mill-months (``M1 in 2027-02``) in
conflict, each once.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal

from millplan.core.domain.assignment import Exclusion, ForecastLine
from millplan.core.domain.i18n import _
from millplan.core.domain.months import Month, month_text
from millplan.core.domain.portfolio import Position
from millplan.core.domain.stored_text import Figure, Joined, Message, Text, say, stored
from millplan.solver.problem import ROUND_OFF, Booking, Conflict, Explanation, Solution, report_tonnes

CODES = {
    "no_mill": "no_hours",
    "unprofitable": "negative_margin",
    "capacity": "capacity_better_paying",
    "key_accounts": "capacity_key_accounts",
}
"""Solver reason → the store's stable ``reason_code`` (other codes are kept as they are:
``late``, ``min_lot``, ``whole``, ``reserved``, ``stability``, ``locked``)."""


def reason_code(explanation: Explanation) -> str:
    return CODES.get(explanation.code, explanation.code)


def rub(value: float | None) -> Decimal | None:
    """RUB (or RUB/h) as money, two places; ``None`` for none or an infinite rate."""
    if value is None or not math.isfinite(value):
        return None
    return Decimal(repr(value)).quantize(Decimal("0.01"))


def _worth(mill: str, month: Month, price: float | None, earns: float | None) -> Message:
    """ "M1's hours in 2027-02 are worth 490 000 RUB/h at the margin (shadow price) against
    90 000 RUB/h this position earns there"."""
    values = {"mill": mill, "month": month, "price": Figure(price or 0.0)}
    if earns is not None and math.isfinite(earns):
        return stored(
            "{mill}'s hours in {month} are worth {price} RUB/h at the margin (shadow price) "
            "against {earns} RUB/h this position earns there",
            earns=Figure(earns),
            **values,
        )
    return stored("{mill}'s hours in {month} are worth {price} RUB/h at the margin (shadow price)", **values)


def booked_by(booking: Booking) -> Text:
    """What holds a mill-month's hours, said in the reader's language: "key-account positions
    (620.0 h) and better-paying positions (40.0 h, 900 000 RUB/h on average)"."""
    hours = {
        "key": Figure(booking.key, 1),
        "reserved": Figure(booking.reserved, 1),
        "better": Figure(booking.better, 1),
    }
    said = {
        "key": lambda: stored("key-account positions ({hours} h)", hours=hours["key"]),
        "reserved": lambda: stored("locked or mandatory positions ({hours} h)", hours=hours["reserved"]),
        "better": lambda: stored(
            "better-paying positions ({hours} h, {rate} RUB/h on average)",
            hours=hours["better"],
            rate=Figure(booking.better_per_hour, 0),
        ),
    }
    parts = [said[kind]() for kind in ("key", "reserved", "better") if hours[kind].value > ROUND_OFF]
    if len(parts) > 1:
        return stored("{these} and {that}", these=Joined(", ", tuple(parts[:-1])), that=parts[-1])
    return Joined("", tuple(parts))


def reason_text(e: Explanation, mill: str | None, month: Month | None, mills: Sequence[str]) -> Text:
    """The sentence for one solver explanation, ``mill`` and ``month`` naming its binding
    mill-month (``None`` where none applies), ``mills`` the codes that can make it; a
    message, said in the reader's language."""
    short = Figure(e.tonnes_short, 1)
    where = stored("{mill} in {month}", mill=mill, month=month) if mill and month else None
    # a late position's earns_per_hour is the lateness it would save, not what it earns
    worth = _worth(mill, month, e.shadow_price, None if e.code == "late" else e.earns_per_hour) if where else ""

    def booked() -> Message:
        # what holds the hours, by standing (key accounts, locks, better pay), then their price
        said = month or ""
        if e.booked and mill:
            return stored(
                "capacity fully booked in {month}: {mill} is booked by {booked}; {worth}",
                month=said,
                mill=mill,
                booked=booked_by(e.booked),
                worth=worth,
            )
        return stored("capacity fully booked in {month}: {worth}", month=said, worth=worth)

    def no_mill() -> Message:
        on = Joined(", ", tuple(mills)) if mills else stored("any mill")
        if month:
            return stored("no hours on {mills} in {month}", mills=on, month=month)
        return stored("no hours on {mills} in the months it may be made", mills=on)

    earns = Figure(e.earns_per_hour or 0.0)
    texts: dict[str, Callable[[], Text | str]] = {
        "no_mill": no_mill,
        "min_lot": lambda: (
            stored("{tonnes} t is below the minimum lot on {where}", tonnes=short, where=where)
            if where
            else stored("{tonnes} t is below the minimum lot of every mill that can make it", tonnes=short)
        ),
        "unprofitable": lambda: stored(
            "it earns {earns} RUB/h on {where}: planning it loses money", earns=earns, where=where or ""
        ),
        "capacity": booked,
        "key_accounts": booked,
        "reserved": booked,
        "whole": lambda: stored(
            "it does not fit whole into what is left of {where}: {worth}", where=where or "", worth=worth
        ),
        "stability": lambda: stored(
            "room on {where} would mean moving lines of the approved revision: {worth}", where=where or "", worth=worth
        ),
        "locked": lambda: stored("its locks cap it and no other mill or month is open to it"),
        "late": lambda: (
            stored(
                "made late: {mill}'s hours in {month} are worth {price} RUB/h at the margin, "
                "making it on time would save {saves} RUB/h of lateness, no more than that",
                mill=mill,
                month=month,
                price=Figure(e.shadow_price or 0.0),
                saves=earns,
            )
            if where
            else stored("made late: no mill that can make it has hours in its month")
        ),
    }
    if e.code == "late" and e.held in texts and e.held != "min_lot" and where:
        # its month's hours are held, whatever they are worth; the lateness saved for scale
        return stored(
            "made late: {reason}, making it on time would save {saves} RUB/h of lateness",
            reason=texts[e.held](),
            saves=earns,
        )
    # a code this module does not know: the solver's own (English) words
    return texts.get(e.code, lambda: Joined("", (e.text,)))()


def exclusion(
    position: Position,
    open_tonnes: float,
    planned_now: float,
    later: Sequence[ForecastLine],
    explanation: Explanation | None,
    mill_codes: Mapping[int, str],
    mills: Sequence[str],
    plan_month: Month,
    also_full: Sequence[tuple[str, float, float]] = (),
) -> Exclusion:
    """The exclusion of a position due by ``plan_month`` that the plan makes ``planned_now``
    t of (of ``open_tonnes`` t): tonnes planned for later months of the horizon
    (``later``) are named first, then the solver's reason. A position made in full later
    without a reason of its own (overdue already) is said to be planned late.
    ``also_full`` — (mill code, shadow price, earns) RUB/h in the plan month of its other
    mills whose hours are worth more than it earns there — are named after the reason.
    Its reason is a message (``said``) the store keeps to say in each reader's language."""
    left_out = report_tonnes(open_tonnes - planned_now)
    parts: list[Text] = []
    if planned_now:
        parts.append(
            stored("{planned} t of {tonnes} t planned", planned=Figure(planned_now, 1), tonnes=Figure(open_tonnes, 1))
        )
    by_month: dict[Month, float] = {}
    for line in later:
        by_month[line.month] = by_month.get(line.month, 0.0) + line.tonnes
    if by_month:
        parts.append(
            Joined(
                ", ",
                tuple(
                    stored("{tonnes} t planned for {month}", tonnes=Figure(t, 1), month=m)
                    for m, t in sorted(by_month.items())
                ),
            )
        )
    if explanation is None:
        code, mill, month, price, earns = "late", None, None, None, None
        parts.append(
            stored("not made in {month}: an earlier month's work or other positions fill its mills", month=plan_month)
        )
    else:
        code = reason_code(explanation)
        mill = mill_codes.get(explanation.mill) if explanation.mill is not None else None
        month = plan_month + explanation.period if explanation.period is not None else None
        price, earns = rub(explanation.shadow_price), rub(explanation.earns_per_hour)
        parts.append(reason_text(explanation, mill, month, mills))
        if explanation.code in ("capacity", "key_accounts"):
            parts += [
                stored(
                    "{mill} full too: {price} RUB/h against {earns} RUB/h",
                    mill=code,
                    price=Figure(price_there),
                    earns=Figure(earns_there),
                )
                for code, price_there, earns_there in also_full
                if code != mill
            ]
    reason = Joined("; ", tuple(parts))
    return Exclusion(
        position.id,
        position.ref,
        left_out,
        code,
        say(reason),
        mill_code=mill,
        month=month,
        shadow_price=price,
        earns_per_hour=earns,
        said=reason,
    )


LISTED = 10
"""Positions, mills or mill-months named in one list of a message before "… and K more"."""

_CELLS = re.compile(r"mill \d+ in period -?\d+(?:, mill \d+ in period -?\d+)*")
_CELL = re.compile(r"mill (\d+) in period (-?\d+)")
_DEMANDS = re.compile(r"\bdemands? (\d+(?:, \d+)*)")
_MILLS = re.compile(r"\bmills? (\d+(?:, \d+)*)")
_PERIOD = re.compile(r"\bperiod (-?\d+)")
_THOUSANDS = re.compile(r"\b\d{1,3}(?:,\d{3})+(?:\.\d+)?\b")


def listed(names: Sequence[str]) -> str:
    """``"A, B, C"``; beyond :data:`LISTED` names, the first of them and ``"… and K more"``."""
    if len(names) <= LISTED:
        return ", ".join(names)
    return _("{names} … and {n} more").format(names=", ".join(names[:LISTED]), n=len(names) - LISTED)


_IDS = r"\d+(?:, \d+)*"
_RUN = r"mill \d+ in period -?\d+(?:, mill \d+ in period -?\d+)*"
_NUMBER = r"-?[\d,.]+(?:e[+-]\d+)?"
_SENTENCES = {
    key: re.compile(pattern.format(ids=_IDS, cells=_RUN, number=_NUMBER))
    for key, pattern in {
        "unplaced": r"demands (?P<demands>{ids}) \(mandatory or locked\) cannot all be placed within the hours of (?P<cells>{cells})",
        "unplaced_whole": r"demands (?P<demands>{ids}) \(mandatory or locked\) cannot all be placed whole within the hours of (?P<cells>{cells})",
        "lock_unmade": r"demand (?P<demand>\d+) is locked on (?P<cells>{cells}), which cannot make it",
        "lock_beyond": r"demand (?P<demand>\d+) is locked on (?P<cells>{cells}), outside the horizon of (?P<n>\d+) months",
        "mandatory_later": r"demand (?P<demand>\d+) is mandatory this month but locked on (?P<cells>{cells})",
        "over_locked": r"demand (?P<demand>\d+) has (?P<locked>{number}) t locked on (?P<cells>{cells}) but only (?P<tonnes>{number}) t to make",
        "mandatory_no_mill": r"demand (?P<demand>\d+) is mandatory this month but there is no mill that can make it",
        "mandatory_no_hours": r"demand (?P<demand>\d+) is mandatory this month but none of mills (?P<mills>{ids}) has hours in period (?P<period>-?\d+)",
        "mandatory_below_lot": r"demand (?P<demand>\d+) is mandatory this month but its (?P<tonnes>{number}) t are below the minimum lot of mills (?P<mills>{ids})",
        "whole_no_room": r"demand (?P<demand>\d+) is mandatory and whole but none of mills (?P<mills>{ids}) has the hours for all (?P<tonnes>{number}) t in period (?P<period>-?\d+)",
        "whole_part_locked": r"demand (?P<demand>\d+) is mandatory and whole but only (?P<locked>{number}) of (?P<tonnes>{number}) t is locked, on (?P<cells>{cells})",
        "hours_short": r"locked and mandatory lines of demands (?P<demands>{ids}) need at least (?P<need>{number}) h on (?P<cells>{cells}) but there are (?P<have>{number}) h",
    }.items()
}
"""The sentences :mod:`millplan.solver.conflicts` writes, by key: what :func:`named` says
in the user's language (:func:`_sentence`)."""


def _sentence(key: str) -> str:
    return {
        "unplaced": _("{demands} (mandatory or locked) cannot all be placed within the hours of {cells}"),
        "unplaced_whole": _("{demands} (mandatory or locked) cannot all be placed whole within the hours of {cells}"),
        "lock_unmade": _("{demand} is locked on {cells}, which cannot make it"),
        "lock_beyond": _("{demand} is locked on {cells}, outside the horizon of {n} months"),
        "mandatory_later": _("{demand} is mandatory this month but locked on {cells}"),
        "over_locked": _("{demand} has {locked} t locked on {cells} but only {tonnes} t to make"),
        "mandatory_no_mill": _("{demand} is mandatory this month but there is no mill that can make it"),
        "mandatory_no_hours": _("{demand} is mandatory this month but none of {mills} has hours in {period}"),
        "mandatory_below_lot": _(
            "{demand} is mandatory this month but its {tonnes} t are below the minimum lot of {mills}"
        ),
        "whole_no_room": _(
            "{demand} is mandatory and whole but none of {mills} has the hours for all {tonnes} t in {period}"
        ),
        "whole_part_locked": _("{demand} is mandatory and whole but only {locked} of {tonnes} t is locked, on {cells}"),
        "hours_short": _(
            "locked and mandatory lines of {demands} need at least {need} h on {cells} but there are {have} h"
        ),
    }[key]


def named(text: str, refs: Mapping[int, str], mill_codes: Mapping[int, str], plan_month: Month) -> str:
    """A solver sentence in a planner's terms and the user's language: demand ids as
    position refs, mill ids as codes and periods as months (``mill 3 in period 1`` →
    ``M1 in 2027-02``), each list of them capped by :func:`listed`, and numbers grouped as
    the plant writes them (``1,702.0`` → ``1 702.0``, :func:`millplan.core.domain.numbers.grouped`).
    A sentence of :mod:`millplan.solver.conflicts` is said whole in the user's language; any
    other is named word by word."""
    for key, pattern in _SENTENCES.items():
        found = pattern.fullmatch(text)
        if found:
            said = {
                part: value if part in ("demand", "demands", "cells", "mills", "period") else _grouped(value)
                for part, value in found.groupdict().items()
            }
            named_parts = {part: named_words(value, refs, mill_codes, plan_month, part) for part, value in said.items()}
            return _sentence(key).format(**named_parts)
    return named_words(text, refs, mill_codes, plan_month)


def _grouped(number: str) -> str:
    return _THOUSANDS.sub(lambda m: m[0].replace(",", " "), number)


def named_words(
    text: str, refs: Mapping[int, str], mill_codes: Mapping[int, str], plan_month: Month, part: str = ""
) -> str:
    """``text`` with its solver ids named (see :func:`named`); ``part`` is what a bare
    captured value is (``demand``/``demands``: ids, ``mills``: mill ids, ``period``: a period)."""
    if part in ("demand", "demands"):
        return listed([refs.get(int(i), i) for i in text.split(", ")])
    if part == "mills":
        return listed([mill_codes.get(int(i), i) for i in text.split(", ")])
    if part == "period":
        return month_text(plan_month + int(text))
    text = _grouped(text)
    text = _CELLS.sub(
        lambda run: listed(
            [
                _("{mill} in {month}").format(
                    mill=mill_codes.get(int(m[1]), m[1]), month=month_text(plan_month + int(m[2]))
                )
                for m in _CELL.finditer(run[0])
            ]
        ),
        text,
    )
    text = _DEMANDS.sub(lambda m: listed([refs.get(int(i), i) for i in m[1].split(", ")]), text)
    text = _MILLS.sub(lambda m: listed([mill_codes.get(int(i), i) for i in m[1].split(", ")]), text)
    return _PERIOD.sub(lambda m: month_text(plan_month + int(m[1])), text)


def conflicts_message(
    conflicts: Sequence[Conflict], refs: Mapping[int, str], mill_codes: Mapping[int, str], plan_month: Month
) -> str:
    """Why mandatory positions and locks cannot all be kept: the solver's account of each
    conflict, which names its positions and mill-months once (:func:`named`)."""
    return _("the mandatory and locked positions cannot all be kept — {conflicts}").format(
        conflicts="; ".join(named(c.text, refs, mill_codes, plan_month) for c in conflicts)
    )


def why_no_plan(solution: Solution, refs: Mapping[int, str], mill_codes: Mapping[int, str], plan_month: Month) -> str:
    """Why ``solution`` has no plan, named: its conflicts (:func:`conflicts_message`) or
    its message. ``refs`` must name every demand of the problem and ``mill_codes`` every
    mill, so that no solver id reaches the user."""
    if solution.conflicts:
        return conflicts_message(solution.conflicts, refs, mill_codes, plan_month)
    return named(solution.message, refs, mill_codes, plan_month)
