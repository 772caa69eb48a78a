"""Texts millplan itself writes into the store, kept so each reader reads them in his language.

A sentence the software writes (why a position was left out, why a revision went stale, a
notification's subject) is stored twice: as the sentence in the writer's language, which
older millplans and plain SQL read, and as a :class:`Message` — the English msgid and its
parameters, JSON in the row's ``texts`` column — which :func:`shown` says in the
language of whoever reads it. Rows written before the ``texts`` column (migration 0009) or
by a person have no message: their sentence is shown as it was stored. Texts people type
(a planner's reason) are never wrapped: they are kept and shown as typed.

Parameters keep figures raw and are formatted for the reader when shown: a :class:`Month`
(``{"month": "2027-01"}``), a :class:`Figure` (``{"figure": 12.5, "places": 1}``; places
``null``: its shortest form), a
``date`` (``{"date": "2027-01-05"}``), another message (``{"message": {...}}``) or parts
joined by a separator (:class:`Joined`, ``{"join": ", ", "parts": [...]}``); text and whole
numbers (names, refs, ids, what a person typed) are shown as they are.

Writers call :func:`stored` (or :func:`stored_n` where a count picks the form), which the
catalogue's extraction knows as keywords like ``_``/``ngettext``, so every msgid stored is in
the catalogue (``commands/catalogue/template.py``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any, Union

from millplan.core.domain.i18n import _, ngettext
from millplan.core.domain.months import Month, date_text, month_text
from millplan.core.domain.numbers import grouped, plain


@dataclass(frozen=True, slots=True)
class Figure:
    """A number shown grouped with ``places`` decimals in the reader's language (tonnes,
    RUB, hours), or with ``places`` ``None`` in its shortest form (a size in mm:
    :func:`~millplan.core.domain.numbers.plain`); stored as the number itself."""

    value: float | Decimal
    places: int | None = 0


@dataclass(frozen=True, slots=True)
class Message:
    """A sentence to say in the reader's language: the English ``msgid`` (with ``plural``
    and the count ``n`` when the count picks the form) and its named ``params``.
    ``str(message)`` says it in the current language."""

    msgid: str
    params: Mapping[str, Param] = field(default_factory=dict)
    plural: str | None = None
    n: int | None = None

    def __str__(self) -> str:
        return say(self)


@dataclass(frozen=True, slots=True)
class Joined:
    """Parts said one after the other with ``sep`` between them (lines of a body, a list
    of mills); ``str(joined)`` says it in the current language."""

    sep: str
    parts: tuple[Param, ...]

    def __str__(self) -> str:
        return say(self)


Param = Union[str, int, Month, Figure, date, Message, Joined]  # noqa: UP007 (a runtime alias)
Text = Union[Message, Joined]  # noqa: UP007
"""What a writer may store in place of a sentence."""


def stored(msgid: str, /, **params: Param) -> Message:
    """The message ``msgid`` (English, with ``{name}`` fields) with ``params``, to store and
    say later in the reader's language."""
    return Message(msgid, params)


def stored_n(singular: str, plural: str, n: int, /, **params: Param) -> Message:
    """As :func:`stored`, with the form of ``singular``/``plural`` the count ``n`` picks
    in the reader's language (``n`` is also the parameter ``{n}``)."""
    return Message(singular, {"n": n, **params}, plural, n)


def lines(*parts: Param) -> Joined:
    """``parts`` one per line (a notification's body)."""
    return Joined("\n", parts)


def say(value: Param) -> str:
    """``value`` as the reader reads it in the current language."""
    if isinstance(value, Message):
        template = _(value.msgid) if value.plural is None else ngettext(value.msgid, value.plural, value.n or 0)
        return template.format(**{name: say(param) for name, param in value.params.items()})
    if isinstance(value, Joined):
        return value.sep.join(say(part) for part in value.parts)
    if isinstance(value, Month):
        return month_text(value)
    if isinstance(value, Figure):
        return plain(value.value) if value.places is None else grouped(value.value, value.places)
    if isinstance(value, date):
        return date_text(value)
    return str(value)


def to_json(value: Param) -> Any:
    """``value`` as JSON the store keeps (see the module's note for the shapes)."""
    if isinstance(value, Message):
        data: dict[str, Any] = {"msgid": value.msgid, "params": {k: to_json(v) for k, v in value.params.items()}}
        if value.plural is not None:
            data |= {"plural": value.plural, "n": value.n}
        return data
    if isinstance(value, Joined):
        return {"join": value.sep, "parts": [to_json(part) for part in value.parts]}
    if isinstance(value, Month):
        return {"month": str(value)}
    if isinstance(value, Figure):
        return {"figure": float(value.value), "places": value.places}
    if isinstance(value, date):
        return {"date": value.isoformat()}
    return value


def from_json(data: Any) -> Param:
    """The value :func:`to_json` made. Raises ``ValueError``, ``KeyError`` or ``TypeError``
    on JSON it did not make."""
    if isinstance(data, (str, int)):
        return data
    if not isinstance(data, dict):
        raise TypeError(f"not a stored text: {data!r}")
    if "msgid" in data:
        params = {str(k): from_json(v) for k, v in data.get("params", {}).items()}
        return Message(str(data["msgid"]), params, data.get("plural"), data.get("n"))
    if "join" in data:
        return Joined(str(data["join"]), tuple(from_json(part) for part in data["parts"]))
    if "month" in data:
        return Month.parse(data["month"])
    if "figure" in data:
        places = data.get("places", 0)
        return Figure(data["figure"], None if places is None else int(places))
    if "date" in data:
        return date.fromisoformat(data["date"])
    raise ValueError(f"not a stored text: {data!r}")


def storable(value: str | Text | None) -> tuple[str | None, Any]:
    """What a row keeps of ``value``: the sentence in the current language (for its text
    column) and the message's JSON (for its ``texts`` column; ``None`` for text as a person
    typed it, or none)."""
    if value is None or isinstance(value, str):
        return value, None
    return say(value), to_json(value)


def texts_of(**values: str | Text | None) -> tuple[dict[str, str | None], dict[str, Any] | None]:
    """The text columns of a row being written (column → sentence) and its ``texts``
    (column → message JSON, ``None`` when every value is text as typed)."""
    sentences, messages = {}, {}
    for column, value in values.items():
        sentences[column], message = storable(value)
        if message is not None:
            messages[column] = message
    return sentences, messages or None


def replaced(texts: Mapping[str, Any] | None, column: str, value: str | Text | None) -> tuple[str | None, Any]:
    """A row's ``column`` being set to ``value``: its sentence and the row's new ``texts``
    (a new dict, ``column``'s message replaced or dropped; ``None`` when none is left)."""
    sentence, message = storable(value)
    kept = {k: v for k, v in (texts or {}).items() if k != column}
    if message is not None:
        kept[column] = message
    return sentence, kept or None


_UNREADABLE = (KeyError, ValueError, TypeError, IndexError, AttributeError)
"""What a stored message this millplan cannot say raises: a msgid whose fields changed, JSON
another version wrote."""


def read(texts: Mapping[str, Any] | None, column: str, sentence: str | None) -> tuple[str | None, Text | None]:
    """The text of ``column`` for the reader and its stored message: the message said in the
    current language; else (no message: an old row, text a person typed; or a message this
    millplan cannot say) the ``sentence`` as stored, and no message."""
    data = (texts or {}).get(column)
    if data is None:
        return sentence, None
    try:
        message = from_json(data)
        if isinstance(message, (Message, Joined)):
            return say(message), message
    except _UNREADABLE:
        pass
    return sentence, None


def shown(texts: Mapping[str, Any] | None, column: str, sentence: str | None) -> str | None:
    """The text of ``column`` for the reader (see :func:`read`)."""
    return read(texts, column, sentence)[0]


def message_of(texts: Mapping[str, Any] | None, column: str) -> Text | None:
    """The stored message of ``column`` (to carry into a row written anew, e.g. a hand
    exclusion kept by a re-plan); ``None`` when it has none or this millplan cannot say it."""
    return read(texts, column, None)[1]
