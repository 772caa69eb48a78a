"""Calendar months as the plant speaks of them: ``YYYY-MM``.

A :class:`Month` is what assignments, capacity and requested delivery dates are keyed by.
It is stored as the text ``YYYY-MM`` (sortable, readable in any SQL client).
"""

from __future__ import annotations

import calendar
import functools
import os
import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from millplan.core.domain import glyphs
from millplan.core.domain.errors import InvalidInput
from millplan.core.domain.i18n import _, language

_YYYY_MM = re.compile(r"([0-9]{4})-([0-9]{2})")


TIMEZONE_ENV = "MILLPLAN_TIMEZONE"
TODAY_ENV = "MILLPLAN_TODAY"

_today_set: date | None = None
"""The plant's date set for one command (``--today``), over ``MILLPLAN_TODAY``."""


TIME_ZONE_KEY = "plant.time_zone"
"""The plant-wide setting (``repo.settings``) naming the plant's time zone."""

_zone_set: str | None = None
"""The plant's time zone as its store says (:func:`use_zone`), under ``MILLPLAN_TIMEZONE``."""


def zone_of(name: str, source: str = TIMEZONE_ENV) -> ZoneInfo:
    """The IANA time zone ``name`` (``Europe/Moscow``, ``Asia/Yekaterinburg``).

    Raises :class:`~millplan.core.domain.errors.InvalidInput` naming ``source`` (where the
    name came from) for a name that is no time zone."""
    try:
        if not name.strip():
            raise ValueError
        return ZoneInfo(name.strip())
    except (ZoneInfoNotFoundError, ValueError):
        raise InvalidInput(
            _("{source}={name!r} is not a time zone (e.g. Europe/Moscow, Asia/Yekaterinburg)").format(
                source=source, name=name
            )
        ) from None


def use_zone(name: str | None) -> None:
    """The plant's time zone from now on, as the store's setting names it (``None``: none
    set, the machine's local zone). ``MILLPLAN_TIMEZONE`` still wins over it.

    Raises :class:`~millplan.core.domain.errors.InvalidInput` for a name that is no zone."""
    global _zone_set  # noqa: PLW0603 - one plant per process, read by every thread
    _zone_set = None if name is None else zone_of(name, TIME_ZONE_KEY).key


def plant_time(now: datetime | None = None) -> datetime:
    """``now`` (default: this instant) at the plant: in the ``MILLPLAN_TIMEZONE`` zone (an
    IANA name such as ``Asia/Yekaterinburg``) if set, else in the store's plant-wide zone
    (:func:`use_zone`, ``millplan settings time-zone``), else the machine's local time — a
    Urals plant's month starts five hours before UTC's. Stored times stay UTC.

    Raises :class:`~millplan.core.domain.errors.InvalidInput` for an unknown zone name.
    """
    now = now or datetime.now(UTC)
    zone = os.environ.get(TIMEZONE_ENV)
    if zone:
        return now.astimezone(zone_of(zone))
    if _zone_set:
        return now.astimezone(ZoneInfo(_zone_set))
    return now.astimezone()


def plant_clock(at: datetime) -> str:
    """A stored time (UTC; a naive one is UTC too) as the plant's clock showed it
    (:func:`plant_time`), in the user's language: ``2026-12-05 14:30`` (English),
    ``05.12.2026 14:30`` (Russian). How history, the inbox and every stamp show times."""
    local = plant_time(at if at.tzinfo else at.replace(tzinfo=UTC))
    return f"{date_text(local.date())} {local:%H:%M}"


def date_text(day: date) -> str:
    """A date as people read it in the user's language: ``2026-12-05`` (English, ISO as
    ever), ``05.12.2026`` (Russian). JSON keeps ISO."""
    if language() == "ru":  # not strftime: several times slower, and tables show thousands of dates
        return f"{day.day:02d}.{day.month:02d}.{day.year:04d}"
    return day.isoformat()


def parse_day(text: str, source: str = TODAY_ENV) -> date:
    """Strict ``YYYY-MM-DD``; raises :class:`~millplan.core.domain.errors.InvalidInput` naming ``source``
    (where the text came from) otherwise."""
    try:
        if len(text.strip()) != 10:
            raise ValueError
        return date.fromisoformat(text.strip())
    except ValueError:
        raise InvalidInput(
            _("{source}={text!r} is not a date in the form YYYY-MM-DD").format(source=source, text=text)
        ) from None


def plant_today() -> date:
    """The plant's date, which every "today" and "current month" of millplan reads: the
    date set by :func:`today_set` (``--today``), else ``MILLPLAN_TODAY`` (``YYYY-MM-DD``;
    for rehearsals, a cut-over or tests — as frePPLe's *currentdate* parameter), else
    today at the plant (:func:`plant_time`). Times stamped on rows (audit, approvals)
    are always the real UTC instant.

    Raises :class:`~millplan.core.domain.errors.InvalidInput` for a ``MILLPLAN_TODAY`` that is not a date.
    """
    if _today_set is not None:
        return _today_set
    text = os.environ.get(TODAY_ENV)
    if text:
        return parse_day(text)
    return plant_time().date()


@contextmanager
def today_set(day: date) -> Iterator[None]:
    """Within the block, the plant's date is ``day`` (over ``MILLPLAN_TODAY``)."""
    global _today_set  # noqa: PLW0603 - one plant date per process, read by every thread
    previous, _today_set = _today_set, day
    try:
        yield
    finally:
        _today_set = previous


@dataclass(frozen=True, order=True, slots=True)
class Month:
    """A calendar month; ``str(Month(2027, 1)) == "2027-01"``.

    Raises ``ValueError`` on a month outside 1–12 or a year outside 1900–2999.
    """

    year: int
    month: int

    def __post_init__(self) -> None:
        if not 1 <= self.month <= 12:
            raise ValueError(f"month {self.month} is not 1-12")
        if not 1900 <= self.year <= 2999:
            raise ValueError(f"year {self.year} is out of range")

    @classmethod
    def parse(cls, text: str) -> Month:
        """Parse strict ``YYYY-MM``; raises ``ValueError`` naming the text otherwise."""
        # ASCII digits only: int() alone would also take "+1", " 1", "1_0" or "２０２７".
        match = _YYYY_MM.fullmatch(text.strip())
        try:
            if match is None:
                raise ValueError
            return cls(int(match[1]), int(match[2]))
        except ValueError:
            raise ValueError(_("{text!r} is not a month in the form YYYY-MM").format(text=text)) from None

    @classmethod
    def of(cls, day: date | datetime) -> Month:
        """The month a date falls in."""
        return cls(day.year, day.month)

    @classmethod
    def current(cls) -> Month:
        """The plant's current month: that of :func:`plant_today`."""
        return cls.of(plant_today())

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    def __add__(self, months: int) -> Month:
        if not isinstance(months, int):
            return NotImplemented
        index = self.year * 12 + (self.month - 1) + months
        return Month(index // 12, index % 12 + 1)

    def __sub__(self, other: Month | int) -> int | Month:
        """Whole months from ``other`` to ``self``; or, given a number, that many months earlier."""
        if isinstance(other, int):
            return self + -other
        if not isinstance(other, Month):
            return NotImplemented
        return (self.year - other.year) * 12 + (self.month - other.month)

    @property
    def days(self) -> int:
        """Number of days in the month."""
        return calendar.monthrange(self.year, self.month)[1]

    @property
    def first_day(self) -> date:
        return date(self.year, self.month, 1)

    @property
    def last_day(self) -> date:
        return date(self.year, self.month, self.days)

    def range(self, count: int) -> list[Month]:
        """This month and the ``count - 1`` that follow it."""
        return [self + i for i in range(count)]


def month_text(month: Month) -> str:
    """A month as people read it on screen in the user's language: ``2027-01`` (English, as
    typed), ``янв 2027`` (Russian). Input, JSON and storage keep ``YYYY-MM``."""
    if language() == "ru":
        return f"{month_abbreviation(month.month)} {month.year}"
    return str(month)


@functools.cache
def _abbreviations(lang: str) -> tuple[str, ...]:
    # CLDR's stand-alone abbreviations (Babel), cut to three letters: Russian «янв.», «февр.»,
    # «сент.» read «янв», «фев», «сен» on screen, as the plant writes them.
    from babel.dates import get_month_names

    names = get_month_names("abbreviated", context="stand-alone", locale=lang)
    return tuple(names[n].rstrip(".")[:3] for n in range(1, 13))


def month_abbreviation(number: int) -> str:
    """Month ``number`` (1–12) in short in the user's language: ``Jan``, ``янв``."""
    return _abbreviations(language())[number - 1]


_NUMBERED = re.compile(r"(0?[1-9]|1[0-2])\s*[./]\s*([0-9]{4})")
_NAMED = re.compile(r"([^\W\d_]+)\.?\s+([0-9]{4})|([0-9]{4})\s+([^\W\d_]+)\.?")


@functools.cache
def _month_names() -> tuple[tuple[str, ...], ...]:
    """Per month (1–12), its full names in Russian and English, lower case, ``ё`` as ``е``:
    ``("январь", "января", "january")``."""
    from babel.dates import get_month_names

    names = [set() for _month in range(12)]
    for lang in ("ru", "en"):
        for context in ("format", "stand-alone"):
            for number, name in get_month_names("wide", context=context, locale=lang).items():
                names[number - 1].add(name.lower().replace("ё", "е"))
    return tuple(tuple(sorted(n)) for n in names)


def _month_named(word: str) -> int | None:
    """The month (1–12) ``word`` names — its name or the start of it, three letters at
    least, in Russian or English, any case (``мар``, ``март``, ``марта``, ``Mar``,
    ``March``) — else ``None``."""
    word = word.lower().replace("ё", "е")
    if len(word) < 3:
        return None
    found = {n for n, names in enumerate(_month_names(), start=1) if any(name.startswith(word) for name in names)}
    return found.pop() if len(found) == 1 else None


def month_from_text(text: str) -> Month:
    """A month as a person types it: ``YYYY-MM`` (``2027-03``), ``MM.YYYY`` or ``MM/YYYY``
    (``03.2027``), or the month's name or its start with the year, in Russian or English
    (``мар 2027``, ``март 2027``, ``марта 2027``, ``Mar 2027``, ``March 2027``). Raises
    ``ValueError`` saying what is accepted otherwise. (:meth:`Month.parse` stays strict
    ISO, for options and files.)"""
    said = text.strip()
    try:
        return Month.parse(said)
    except ValueError:
        pass
    numbered, named = _NUMBERED.fullmatch(said), _NAMED.fullmatch(said)
    number = year = None
    if numbered:
        number, year = int(numbered[1]), int(numbered[2])
    elif named:
        number = _month_named(named[1] or named[4])
        year = int(named[2] or named[3])
    try:
        if number is None or year is None:
            raise ValueError
        return Month(year, number)
    except ValueError:
        raise ValueError(
            _("{text!r} is not a month: type it as {example}, {numbers} or {iso}").format(
                text=text, example=f"{month_abbreviation(3)} 2027", numbers="03.2027", iso="2027-03"
            )
        ) from None


def month_over(month: Month) -> bool:
    """``month`` has ended: its last day is before :func:`plant_today` (the current month
    and months to come have not)."""
    return month.last_day < plant_today()


def day_ranges(days: Iterable[date]) -> str:
    """Days said compactly, runs of consecutive days as ranges, month by month:
    ``1–3, 17 Jan 2027; 2 Feb 2027`` (Russian ``1–3, 17 янв 2027``; empty for no days)."""
    by_month: dict[Month, list[int]] = {}
    for day in sorted(set(days)):
        by_month.setdefault(Month.of(day), []).append(day.day)
    parts = []
    for month, numbers in by_month.items():
        runs: list[list[int]] = []
        for n in numbers:
            if runs and n == runs[-1][-1] + 1:
                runs[-1].append(n)
            else:
                runs.append([n])
        spans = ", ".join(str(r[0]) if len(r) == 1 else f"{r[0]}{glyphs.RANGE}{r[-1]}" for r in runs)
        parts.append(f"{spans} {month_abbreviation(month.month)} {month.year}")
    return "; ".join(parts)
