"""Recognising a column by its header, as a person reads it.

A header is split into a *name*, *hints* and an optional *unit*: in
``"Ключ. клиент (да/нет)"`` the name is ``ключ клиент`` and ``да/нет`` a hint; in
``"Кол-во, тн"`` the name is ``кол-во`` and the unit ``т``. Text is compared after
lower-casing, ``ё`` → ``е``, Latin look-alike letters inside a Cyrillic word read as
Cyrillic (and the other way round), punctuation dropped and (non-breaking) spaces
collapsed, so ``"Цена,  руб./т"`` and ``"цена руб/т"`` are one header.

A header names a field when, in this order (the first rule that fits decides):

1. its name is one of the field's names;
2. its name without the hints (text in brackets, text after a comma) is;
3. the same two with abbreviations: a word written with a dot, or a single letter beside
   other words, stands for any word it begins (``Произв.`` = ``произведено``, ``Д нар.`` =
   ``диаметр наружный``; a lone ``Д`` is no abbreviation: too many words begin so).

Two fields fitting under the deciding rule make the header ambiguous: it is refused,
naming both. A recognised name with a unit the field does not accept (``"Количество, кг"``,
also when the unit is a hint: ``"Количество (кг)"``) is refused instead of being read in
the wrong unit.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property, lru_cache

from millplan.core.domain.i18n import _

_PUNCTUATION = re.compile(r"[.,;:()\[\]«»\"'’`*№#]")
_SPACES = re.compile(r"[\s\u00a0\u202f\u2009]+")
# Dropping the dot of "руб./т" leaves "руб /т"; the unit must read "руб/т" again.
_AROUND_SLASH = re.compile(r" ?/ ?")
_BRACKETED = re.compile(r"\(([^)]*)\)|\[([^\]]*)\]")
_WORD = re.compile(r"\w+")
_DOTTED = re.compile(r"(\w+)\.")

# Letters drawn alike in both alphabets (lower case): a word typed partly on the other
# keyboard layout reads as the alphabet its other letters are in.
_LATIN_TO_CYRILLIC = str.maketrans("abcehkmoptxy", "авсенкмортху")
_CYRILLIC_TO_LATIN = str.maketrans("авсенкмортху", "abcehkmoptxy")
_LOOK_ALIKE_LATIN = frozenset("abcehkmoptxy")
_LOOK_ALIKE_CYRILLIC = frozenset("авсенкмортху")

# Unit spellings → canonical unit. Order matters only for readability.
UNITS = {
    "т": "т",
    "тн": "т",
    "тонн": "т",
    "тонны": "т",
    "t": "т",
    "tonnes": "т",
    "tons": "т",
    "кг": "кг",
    "kg": "кг",
    "мм": "мм",
    "mm": "мм",
    "м": "м",
    "m": "м",
    "метров": "м",
    "ч": "ч",
    "час": "ч",
    "часов": "ч",
    "h": "ч",
    "hours": "ч",
    "ч/мес": "ч/мес",
    "час/мес": "ч/мес",
    "h/month": "ч/мес",
    "м/ч": "м/ч",
    "m/h": "м/ч",
    "т/ч": "т/ч",
    "тн/ч": "т/ч",
    "t/h": "т/ч",
    "руб/т": "руб/т",
    "руб/тн": "руб/т",
    "р/т": "руб/т",
    "rub/t": "руб/т",
    "₽/т": "руб/т",
    "тыс руб/т": "тыс руб/т",
    # units no field takes: known so that a column in them is refused, not misread
    "шт": "шт",
    "штук": "шт",
    "pcs": "шт",
    "руб": "руб",
    "тыс руб": "тыс руб",
    "%": "%",
}


def _script_word(word: re.Match) -> str:
    """One word in one alphabet: look-alike letters follow the word's other letters."""
    text = word.group()
    cyrillic = {c for c in text if "а" <= c <= "я"}
    latin = {c for c in text if "a" <= c <= "z"}
    if cyrillic - _LOOK_ALIKE_CYRILLIC and not latin - _LOOK_ALIKE_LATIN:
        return text.translate(_LATIN_TO_CYRILLIC)
    if latin - _LOOK_ALIKE_LATIN and not cyrillic - _LOOK_ALIKE_CYRILLIC:
        return text.translate(_CYRILLIC_TO_LATIN)
    if cyrillic and latin and not (cyrillic - _LOOK_ALIKE_CYRILLIC or latin - _LOOK_ALIKE_LATIN):
        return text.translate(_LATIN_TO_CYRILLIC)  # only look-alikes, both alphabets: the plant writes Russian
    return text


def _fold(header: str) -> str:
    """Lower case, ``ё`` → ``е``, each word in one alphabet; punctuation kept."""
    return _WORD.sub(_script_word, header.lower().replace("ё", "е"))


def look_alike_readings(text: str) -> tuple[str, str, str]:
    """``text`` lower case with each word in one alphabet (as :func:`normalise` reads it,
    punctuation kept), then with every look-alike letter Cyrillic, then Latin: a word typed
    wholly in letters both alphabets share (``HET``, ``KEY``) may be meant in either."""
    folded = _fold(text)
    return folded, folded.translate(_LATIN_TO_CYRILLIC), folded.translate(_CYRILLIC_TO_LATIN)


def normalise(header: str) -> str:
    """Lower case, ``ё`` → ``е``, look-alike letters in the word's alphabet, punctuation
    dropped, spaces collapsed and none kept around ``/`` (``"руб./т"`` → ``"руб/т"``)."""
    header = _PUNCTUATION.sub(" ", _fold(header))
    header = _SPACES.sub(" ", header).strip()
    return _AROUND_SLASH.sub("/", header)


def _trailing_unit(words: list[str], keep: int) -> tuple[int, str] | None:
    """How many trailing ``words`` spell a unit, and the unit; at least ``keep`` words stay."""
    for take in (3, 2, 1):  # longest unit spelling first ("тыс руб/т" before "руб/т")
        if len(words) - take >= keep and " ".join(words[-take:]) in UNITS:
            return take, UNITS[" ".join(words[-take:])]
    return None


def split_unit(header: str) -> tuple[str, str | None]:
    """``("количество", "т")`` from ``"Количество, тн"``; the unit is ``None`` if absent."""
    words = normalise(header).split(" ")
    found = _trailing_unit(words, keep=1)
    if found is None:
        return " ".join(words), None
    return " ".join(words[: -found[0]]), found[1]


def _has_lone_letter(text: str) -> bool:
    """A single letter beside other words (``д нар``): it abbreviates a word."""
    words = text.split(" ")
    return len(words) > 1 and any(len(w) == 1 and w.isalpha() for w in words)


@dataclass(frozen=True)
class Header:
    """A header cell read apart: ``name`` (unit removed), ``bare`` (hints removed too),
    ``unit`` (canonical, from the end of the header or a hint; ``None`` if none) and
    ``abbreviated`` (words written with a dot)."""

    name: str
    bare: str
    unit: str | None
    abbreviated: frozenset[str]

    @classmethod
    def read(cls, header: str) -> Header:
        """``Header(name="количество кг по весу", bare="количество", unit="кг")`` from
        ``"Количество, кг (по весу)"``."""
        name, unit = split_unit(header)
        hints = [next(g for g in m.groups() if g is not None) for m in _BRACKETED.finditer(header)]
        head, _, after_comma = _BRACKETED.sub(" ", header).partition(",")
        hints.append(after_comma)
        for hint in hints:
            found = _trailing_unit(normalise(hint).split(" "), keep=0)
            unit = unit or (found[1] if found else None)
        bare = split_unit(head)[0] or name
        return cls(name, bare, unit, frozenset(_DOTTED.findall(_fold(header))))

    def _abbreviates(self, text: str, names: tuple[tuple[str, ...], ...]) -> bool:
        """``text`` spells one of ``names`` (each split in words) word for word,
        abbreviations standing for the words they begin."""
        words = text.split(" ")
        letters = _has_lone_letter(text)
        return any(
            len(words) == len(full)
            and all(
                w == f or ((w in self.abbreviated or (letters and len(w) == 1 and w.isalpha())) and f.startswith(w))
                for w, f in zip(words, full)
            )
            for full in names
        )

    def rules(self) -> list[Callable[[FieldSpec], bool]]:
        """The matching rules in order (see the module's docstring): each says whether a
        field fits. The abbreviation rules only where the header has an abbreviation (most
        cells scanned for a header have none)."""
        rules = [lambda spec: self.name in spec.names, lambda spec: self.bare in spec.names]
        if self.abbreviated or _has_lone_letter(self.name) or _has_lone_letter(self.bare):
            rules += [
                lambda spec: self._abbreviates(self.name, spec.name_words),
                lambda spec: self._abbreviates(self.bare, spec.name_words),
            ]
        return rules


def N_(message: str) -> str:
    """``message`` as it is, marked for the catalogue: a text written where a module loads
    (a field's ``absent``), translated with ``_`` where it is shown."""
    return message


# The header scan reads the same cell texts (codes, names, months) row after row.
_read_header = lru_cache(maxsize=4096)(Header.read)


@dataclass(frozen=True)
class FieldSpec:
    """One field a table may hold: its key, how people title it, its unit and parser.

    ``label`` is the header millplan writes (Russian, as the plant does); ``synonyms``
    are further names accepted (already in any case/spacing — they are normalised);
    ``units`` are the canonical units accepted (empty: the header must carry none).
    ``absent`` says what an import takes when the file has no such column (for optional
    fields that drive the plan; empty for the others).
    """

    key: str
    label: str
    synonyms: tuple[str, ...]
    parse: Callable
    required: bool = True
    units: frozenset[str] = field(default_factory=frozenset)
    absent: str = ""

    @cached_property  # asked for every header cell of every scanned row: compute once
    def names(self) -> frozenset[str]:
        headers = [Header.read(n) for n in (self.label, *self.synonyms)]
        return frozenset(n for h in headers for n in (h.name, h.bare))

    @cached_property
    def name_words(self) -> tuple[tuple[str, ...], ...]:
        """:attr:`names`, each split in words (for abbreviations)."""
        return tuple(tuple(n.split(" ")) for n in self.names)


@dataclass(frozen=True)
class Recognised:
    """A header matched to a field, or refused (``problem`` says why: a wrong unit, or
    more fields than one fit — ``field`` is then the first of them)."""

    field: FieldSpec
    problem: str | None = None


def recognise(header: str, fields: tuple[FieldSpec, ...], mapping: dict[str, str]) -> Recognised | None:
    """The field ``header`` names, if any. ``mapping`` (normalised header → field key) from
    the user's mapping file is consulted first and wins over the built-in names."""
    by_key = {f.key: f for f in fields}
    mapped = mapping.get(normalise(header))
    if mapped in by_key:
        return Recognised(by_key[mapped])
    read = _read_header(header)
    for rule in read.rules():
        fitting = [spec for spec in fields if rule(spec)]
        if len(fitting) > 1:
            names = [f"'{spec.label}' ({spec.key})" for spec in fitting]
            if len(names) == 2:
                why = _("fits both {first} and {second}; rename it or name the right one in a mapping file")
            else:
                why = _("fits {first} and {second}; rename it or name the right one in a mapping file")
            return Recognised(fitting[0], why.format(first=", ".join(names[:-1]), second=names[-1]))
        if fitting:
            spec = fitting[0]
            if read.unit is not None and read.unit not in spec.units:
                expected = ", ".join(sorted(spec.units)) or _("no unit")
                return Recognised(
                    spec, _("is in {unit}; millplan expects {expected}").format(unit=read.unit, expected=expected)
                )
            return Recognised(spec)
    return None
