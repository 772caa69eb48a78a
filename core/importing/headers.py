"""Recognising a column by its header, however the plant happened to write it.

A header is split into a *name* and an optional trailing *unit*: ``"Кол-во, тн"`` becomes
name ``кол-во`` and unit ``т``. Names are compared after lower-casing, ``ё`` → ``е``,
dropping punctuation and collapsing (non-breaking) spaces, so ``"Цена,  руб./т"`` and
``"цена руб/т"`` are one header. A recognised name with a unit the field does not accept
(``"Количество, кг"``) is reported instead of being silently read in the wrong unit.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property
from typing import Callable

_PUNCTUATION = re.compile(r"[.,;:()\[\]«»\"'’`*№#]")
_SPACES = re.compile(r"[\s\u00a0\u202f\u2009]+")
# Dropping the dot of "руб./т" leaves "руб /т"; the unit must read "руб/т" again.
_AROUND_SLASH = re.compile(r" ?/ ?")

# Unit spellings → canonical unit. Order matters only for readability.
UNITS = {
    "т": "т", "тн": "т", "тонн": "т", "тонны": "т", "t": "т", "tonnes": "т", "tons": "т",
    "кг": "кг", "kg": "кг",
    "мм": "мм", "mm": "мм",
    "м": "м", "m": "м", "метров": "м",
    "ч": "ч", "час": "ч", "часов": "ч", "h": "ч", "hours": "ч",
    "ч/мес": "ч/мес", "час/мес": "ч/мес", "h/month": "ч/мес",
    "м/ч": "м/ч", "m/h": "м/ч",
    "т/ч": "т/ч", "тн/ч": "т/ч", "t/h": "т/ч",
    "руб/т": "руб/т", "руб/тн": "руб/т", "р/т": "руб/т", "rub/t": "руб/т", "₽/т": "руб/т",
    "тыс руб/т": "тыс руб/т",
}


def normalise(header: str) -> str:
    """Lower case, ``ё`` → ``е``, punctuation dropped, spaces collapsed and none kept
    around ``/`` (``"руб./т"`` → ``"руб/т"``)."""
    header = header.lower().replace("ё", "е")
    header = _PUNCTUATION.sub(" ", header)
    header = _SPACES.sub(" ", header).strip()
    return _AROUND_SLASH.sub("/", header)


def split_unit(header: str) -> tuple[str, str | None]:
    """``("количество", "т")`` from ``"Количество, тн"``; the unit is ``None`` if absent."""
    key = normalise(header)
    words = key.split(" ")
    for take in (3, 2, 1):  # longest unit spelling first ("тыс руб/т" before "руб/т")
        if len(words) > take:
            tail = " ".join(words[-take:])
            if tail in UNITS:
                return " ".join(words[:-take]), UNITS[tail]
    return key, None


@dataclass(frozen=True)
class FieldSpec:
    """One field a table may hold: its key, how people title it, its unit and parser.

    ``label`` is the header millplan writes (Russian, as the plant does); ``synonyms``
    are further names accepted (already in any case/spacing — they are normalised);
    ``units`` are the canonical units accepted (empty: the header must carry none).
    """

    key: str
    label: str
    synonyms: tuple[str, ...]
    parse: Callable
    required: bool = True
    units: frozenset[str] = field(default_factory=frozenset)

    @cached_property  # asked for every header cell of every scanned row: compute once
    def names(self) -> frozenset[str]:
        return frozenset(split_unit(n)[0] for n in (self.label, *self.synonyms))


@dataclass(frozen=True)
class Recognised:
    """A header matched to a field, or rejected for its unit (``unit_problem`` set)."""

    field: FieldSpec
    unit_problem: str | None = None


def recognise(header: str, fields: tuple[FieldSpec, ...], mapping: dict[str, str]) -> Recognised | None:
    """The field ``header`` names, if any. ``mapping`` (normalised header → field key) from
    the user's mapping file is consulted first and wins over the built-in names."""
    by_key = {f.key: f for f in fields}
    mapped = mapping.get(normalise(header))
    if mapped in by_key:
        return Recognised(by_key[mapped])
    name, unit = split_unit(header)
    for spec in fields:
        if name in spec.names:
            if unit is not None and unit not in spec.units:
                expected = ", ".join(sorted(spec.units)) or "no unit"
                return Recognised(spec, f"is in {unit}; millplan expects {expected}")
            return Recognised(spec)
    return None
