"""Reading the audit log for people: who changed what, when, from what to what, and why.

:func:`history` is the one reading of it that the command line (``millplan history``)
and the workstation (``h``) lay out: entries become :class:`HistoryRow` with human
names — the customer's name for ``customer_id``, the mill's code for ``mill_id``, the
user's name for a login (:meth:`millplan.storage.users.UserRepository.display_names`) — and times at the plant
(:func:`millplan.core.domain.months.plant_clock`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from millplan.core.domain.assignment import AssignmentState
from millplan.core.domain.audit import AuditEntry
from millplan.core.domain.errors import InvalidInput, NotFound
from millplan.core.domain.field_text import value_text
from millplan.core.domain.i18n import _
from millplan.core.domain.months import plant_clock
from millplan.core.domain.portfolio import parse_position_ref
from millplan.core.domain.states import state_label
from millplan.core.views.tables import Column, TableView
from millplan.storage.store import Store

REFERENCES = {"customer_id": "customer", "mill_id": "mill", "deal_id": "deal", "assignment": "assignment"}
"""Fields holding a row id, and the kind of row (see ``AuditRepository.audit_names``)."""
LOGINS = ("as_login",)
"""Fields holding a login besides the ``…_by`` ones, shown as the user's name."""
OBJECTS = ("request", "conflict")
"""Fields holding the number of another audited object, shown as its key (``request 3``)."""


@dataclass(frozen=True, slots=True)
class FieldChange:
    """One field of an entry: its name as people say it (``customer``), the value before
    and after as text (``None``: the field was not there)."""

    field: str
    before: str | None
    after: str | None

    def __str__(self) -> str:
        if self.before is None:
            return f"{self.field}: {self.after}"
        return f"{self.field}: {self.before} → {self.after if self.after is not None else '—'}"


@dataclass(frozen=True, slots=True)
class HistoryRow:
    """One audit entry for people: ``when`` in plant time (``YYYY-MM-DD HH:MM``), ``who``
    the user's name (the login when unknown); ``entry`` is the entry as stored (UTC, ids)."""

    entry: AuditEntry
    when: str
    who: str
    changes: tuple[FieldChange, ...]

    @property
    def change(self) -> str:
        """Reason, then the changes, in one line: ``client waits · position: D1#1``."""
        text = ", ".join(str(c) for c in self.changes)
        reason = self.entry.reason
        return f"{reason} · {text}" if reason and text else reason or text


def history(store: Store, object_key: str | None = None, limit: int = 50) -> list[HistoryRow]:
    """Newest first, at most ``limit`` entries; only those of ``object_key`` when given
    (a deal number, ``DEAL#NO``, a mill code, ``MILL/YYYY-MM`` for a mill's hours,
    ``YYYY-MM/LINE/rN`` for a revision, ``user LOGIN``, ``request N``, ``conflict N``,
    ``escalation N``, ``database``). A position's history holds the revisions' edits of
    it too (locked, excluded, made mandatory — audited under the revision). Refused
    actions are kept under the key of what was refused, with action ``refused``.

    Raises :class:`NotFound` when ``object_key`` has no entry at all: every object is
    logged from its creation, so the key is mistyped.
    """
    with store.reading() as repo:
        entries = repo.audit.audit_entries(object_key, limit, position_edits=_is_position(object_key))
        if object_key is not None and not entries:
            raise NotFound(
                f"nothing in the audit log under {object_key!r}: give a deal number, DEAL#NO, a mill, "
                "MILL/YYYY-MM, YYYY-MM/LINE/rN, 'user LOGIN', 'request N', 'conflict N' or 'escalation N'"
            )
        referenced = _referenced(entries)
        people = referenced.pop("user")
        names = {**repo.audit.audit_names(referenced), "user": repo.users.display_names(people)}
    fields = _fields()
    return [_row(e, names, fields) for e in entries]


def history_document(row: HistoryRow) -> dict[str, Any]:
    """One entry for scripts: as stored (``at`` ISO 8601 UTC, ``before``/``after`` with
    ids and field names as in the database) and as people read it (``when`` in plant
    time, ``who``, ``changes`` of {field, before, after} text)."""
    e = row.entry
    return {
        "at": e.at.isoformat(),
        "login": e.login,
        "action": e.action,
        "object_type": e.object_type,
        "object_key": e.object_key,
        "before": e.before,
        "after": e.after,
        "reason": e.reason,
        "when": row.when,
        "who": row.who,
        "changes": [{"field": c.field, "before": c.before, "after": c.after} for c in row.changes],
    }


def _is_position(object_key: str | None) -> bool:
    if object_key is None:
        return False
    try:
        parse_position_ref(object_key)
    except InvalidInput:
        return False
    return True


def _referenced(entries: list[AuditEntry]) -> dict[str, set]:
    """Ids by kind of row, and logins, that the entries name."""
    ids: dict[str, set] = {kind: set() for kind in (*REFERENCES.values(), "user")}
    for e in entries:
        ids["user"].add(e.login)
        for values in (e.before or {}, e.after or {}):
            for field, value in values.items():
                if field in REFERENCES and value is not None:
                    ids[REFERENCES[field]].add(value)
                elif _is_login(field) and value:
                    ids["user"].add(value)
    return ids


def _is_login(field: str) -> bool:
    return field.endswith("_by") or field in LOGINS


def _row(e: AuditEntry, names: dict[str, dict], fields: dict[str, tuple[str, str]]) -> HistoryRow:
    before, after = e.before or {}, e.after or {}
    # A flag absent after a change (not a removal) was not changed by it: nothing to read.
    gone = [f for f in before if f not in after and not (e.after is not None and isinstance(before[f], bool))]
    changes = []
    for field in [*after, *gone]:
        old = _text(field, before[field], names, fields, e.object_type) if field in before else None
        new = _text(field, after[field], names, fields, e.object_type) if field in after else None
        if old == new or (old is None and new == "—"):  # unchanged, or created empty: nothing to read
            continue
        changes.append(FieldChange(fields.get(field, (field.replace("_", " "),))[0], old, new))
    return HistoryRow(e, plant_clock(e.at), names["user"][e.login], tuple(changes))


def _fields() -> dict[str, tuple[str, str]]:
    """(name people read, unit of the value) of the stored fields whose name is not one
    (built per call: gettext). Other fields read with spaces for underscores, no unit."""
    return {
        "customer_id": (_("customer"), ""),
        "deal_id": (_("deal"), ""),
        "mill_id": (_("mill"), ""),
        "assignment": (_("revision"), ""),
        "is_key_account": (_("key account"), ""),
        "position_no": (_("position no."), ""),
        "od_mm": (_("OD"), "mm"),
        "wall_mm": (_("wall"), "mm"),
        "length_m": (_("length"), "m"),
        "od_min_mm": (_("OD from"), "mm"),
        "od_max_mm": (_("OD to"), "mm"),
        "wall_min_mm": (_("wall from"), "mm"),
        "wall_max_mm": (_("wall to"), "mm"),
        "speed_m_per_h": (_("speed"), "m/h"),
        "nominal_hours": (_("nominal hours"), "h/month"),
        "hours": (_("hours"), "h"),
        "tonnes": (_("tonnes"), "t"),
        "tonnes_left_out": (_("left out"), "t"),
        "as_login": (_("acted as"), ""),
        "tonnes_ordered": (_("ordered"), "t"),
        "tonnes_produced": (_("produced"), "t"),
        "tonnes_opening": (_("produced (opening balance)"), "t"),
        "tonnes_cancelled": (_("cancelled"), "t"),
        "tonnes_short": (_("short"), "t"),
        "price": (_("price"), "RUB/t"),
        "metal_cost": (_("metal cost"), "RUB/t"),
        "conversion_cost": (_("conversion cost"), "RUB/t"),
        "margin_at_stake": (_("margin at stake"), "RUB"),
        "norms": (_("norms, OD × wall mm"), "t/h"),
    }


def _text(field: str, value: Any, names: dict[str, dict], fields: dict[str, tuple[str, str]], object_type: str) -> str:
    """A stored value as people read it: names for ids and logins, a revision's state as
    people say it, plant time for times, numbers grouped with their unit."""
    if value is None or value == "" or value == []:
        return "—"
    if field == "state" and object_type == "assignment":
        return state_label(AssignmentState(value))
    if field in REFERENCES:
        return str(names[REFERENCES[field]].get(value, f"#{value}"))
    if field in OBJECTS:
        return f"{field} {value}"
    if _is_login(field):
        return names["user"][value]
    if field.endswith("_at") and isinstance(value, str):
        try:
            return value_text(datetime.fromisoformat(value))
        except ValueError:
            return value
    unit = fields.get(field, ("", ""))[1]
    if field == "norms":
        return "; ".join(f"{a:g}–{b:g} × {c:g}–{d:g}: {tph:g}" for a, b, c, d, tph in value) + f" {unit}"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if unit:
        return f"{value_text(_number(value))} {unit}"
    return value_text(value)


def _number(value: Any) -> Any:
    """A number stored as text (money: ``"50000.00"``) as a number; other values as they are."""
    try:
        return Decimal(value) if isinstance(value, str) else value
    except ArithmeticError:
        return value


def history_view(rows: list[HistoryRow]) -> TableView:
    """Audit entries as :func:`millplan.core.views.history.history` reads them (newest first): when (plant
    time), who, what, on which object, and the reason with the change."""
    columns = (
        Column("at", _("When (plant time)")),
        Column("login", _("Who")),
        Column("action", _("Action")),
        Column("object", _("Object")),
        Column("change", _("Reason · change"), wrap=True),
    )
    rows = tuple(
        {
            "key": str(n),
            "at": r.entry.at,
            "login": r.who,
            "action": r.entry.action,
            "object": r.entry.object_key,
            "object_key": r.entry.object_key,
            "change": r.change,
        }
        for n, r in enumerate(rows)
    )
    return TableView(_("History"), columns, rows)
