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

from millplan.core.access.permissions import role_word
from millplan.core.domain import glyphs
from millplan.core.domain.assignment import AssignmentState
from millplan.core.domain.audit import IMPORT_REASON, AuditEntry
from millplan.core.domain.errors import InvalidInput, NotFound
from millplan.core.domain.field_text import value_text
from millplan.core.domain.i18n import _
from millplan.core.domain.months import Month, month_text, plant_clock
from millplan.core.domain.numbers import grouped, listed, plain
from millplan.core.domain.people import Role
from millplan.core.domain.portfolio import DealStatus, parse_position_ref
from millplan.core.domain.states import solver_status_label, state_label
from millplan.core.domain.stored_text import say, stored
from millplan.core.domain.workflow import ConflictState, EscalationState, RequestState, key_label
from millplan.core.planning.diff import revision_diff
from millplan.core.views.tables import Column, TableView
from millplan.storage.store import Store

REFERENCES = {"customer_id": "customer", "mill_id": "mill", "deal_id": "deal", "assignment": "assignment"}
"""Fields holding a row id, and the kind of row (see ``AuditRepository.audit_names``)."""
USER_KEY = "user "
"""How a user's key in the audit log begins (``user petrova``)."""
LOGINS = ("as_login",)
"""Fields holding a login besides the ``…_by`` ones, shown as the user's name."""
OBJECTS = ("request", "conflict")
"""Fields holding the number of another audited object, shown as its key (``request 3``)."""
STATES = {
    ("assignment", "state"): AssignmentState,
    ("request", "state"): RequestState,
    ("conflict", "state"): ConflictState,
    ("escalation", "state"): EscalationState,
    ("deal", "status"): DealStatus,
}
"""(kind of object, field) whose stored value reads as a state word (:func:`state_label`)."""


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
        return f"{self.field}: {self.before} {glyphs.ARROW} {self.after if self.after is not None else glyphs.NONE}"


@dataclass(frozen=True, slots=True)
class HistoryRow:
    """One audit entry for people: ``when`` in plant time (``YYYY-MM-DD HH:MM``), ``who``
    the user's name (the login when unknown); ``entry`` is the entry as stored (UTC, ids)."""

    entry: AuditEntry
    when: str
    who: str
    changes: tuple[FieldChange, ...]
    subject: str = ""
    """The object as people read it (:func:`~millplan.core.domain.workflow.key_label`; a user by name)."""

    @property
    def change(self) -> str:
        """Reason, then the changes (``; `` between them), in one line: ``client waits · position: D1#1; mill: M1``."""
        text = listed(str(c) for c in self.changes)
        reason = reason_text(self.entry.reason)
        return f"{reason} · {text}" if reason and text else reason or text


def reason_text(reason: str | None) -> str | None:
    """An entry's reason as people read it: an import's ``import FILE`` in words, in the user's
    language (``imported from portfolio.xlsx``); a reason people typed as they typed it."""
    if reason and reason.startswith(IMPORT_REASON):
        return _("imported from {file}").format(file=reason.removeprefix(IMPORT_REASON))
    return reason


def history(store: Store, object_key: str | None = None, limit: int = 50) -> list[HistoryRow]:
    """Newest first, at most ``limit`` entries; only those of ``object_key`` when given
    (a deal number, ``DEAL#NO``, a mill code, ``MILL/YYYY-MM`` for a mill's hours,
    ``YYYY-MM/LINE/rN`` for a revision, ``user LOGIN``, ``request N``, ``conflict N``,
    ``escalation N``, ``database``). A position's history holds the revisions' edits of
    it too (locked, excluded, made mandatory — audited under the revision), and each plan
    run that changed it from the revision before (another mill, fewer tonnes, left out:
    read from the two revisions, the plan's entry under the revision). Refused
    actions are kept under the key of what was refused, with action ``refused``.

    Raises :class:`NotFound` when ``object_key`` has no entry at all: every object is
    logged from its creation, so the key is mistyped.
    """
    position = _is_position(object_key)
    with store.reading() as repo:
        entries = repo.audit.audit_entries(object_key, limit, position_edits=position)
        plans = _plans_of(repo, object_key) if position else []
        if object_key is not None and not entries:
            raise NotFound(
                _(
                    "nothing in the audit log under {key!r}: give a deal number, DEAL#NO, a mill, "
                    "MILL/YYYY-MM, YYYY-MM/LINE/rN, 'user LOGIN', 'request N', 'conflict N' or 'escalation N'"
                ).format(key=object_key)
            )
        referenced = _referenced([*entries, *(entry for entry, _revision in plans)])
        people = referenced.pop("user")
        names = {**repo.audit.audit_names(referenced), "user": repo.users.display_names(people)}
    fields = _fields()
    rows = [_row(e, names, fields) for e in entries]
    rows += _plan_rows(store, object_key, plans, names) if plans else []
    return sorted(rows, key=lambda row: row.entry.at, reverse=True)[:limit]


def _plans_of(repo: Any, ref: str) -> list[tuple[AuditEntry, tuple[Month, str, int]]]:
    """The plan runs that may have changed position ``ref`` (a re-plan moves it to another
    mill, cuts or drops it: not audited under the position) — the last plan entry of each
    later revision of a (month, line) holding it → (month, line, revision)."""
    deal, number = parse_position_ref(ref)
    try:
        held = repo.assignments.revisions_holding(repo.plant.position(deal, number).id)
    except NotFound:
        return []
    candidates = {(m, line, r) for m, line, r in held if r > 1} | {(m, line, r + 1) for m, line, r in held}
    keys = {f"{month}/{line}/r{revision}": (month, line, revision) for month, line, revision in sorted(candidates)}
    runs = repo.audit.latest_of(list(keys), ("drafted", "replanned"))  # the plan each revision holds
    return [(runs[key], revision) for key, revision in keys.items() if key in runs]


def _plan_rows(
    store: Store, ref: str, plans: list[tuple[AuditEntry, tuple[Month, str, int]]], names: dict[str, dict]
) -> list[HistoryRow]:
    """A history row per plan run in ``plans`` that changed position ``ref`` from the
    revision before: the change and its mills (``mill changed: M1 → M2, 179.0 → 179.0 t``)."""
    rows = []
    for entry, (month, line, revision) in plans:
        diff = revision_diff(store, month, line, revision - 1, revision)
        change = next((c for c in diff.positions if c.position_ref == ref), None)
        if change is None:
            continue
        said = _("{change}: {mills_from} → {mills_to}, {a} → {b} t").format(
            change=change.text,
            mills_from="+".join(sorted(change.mills_from)) or glyphs.NONE,
            mills_to="+".join(sorted(change.mills_to)) or glyphs.NONE,
            a=grouped(change.tonnes_from, 1),
            b=grouped(change.tonnes_to, 1),
        )
        rows.append(
            HistoryRow(
                entry,
                plant_clock(entry.at),
                names["user"][entry.login],
                (FieldChange(ref, None, said),),
                key_label(entry.object_key),
            )
        )
    return rows


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
        if e.object_key.startswith(USER_KEY):
            ids["user"].add(e.object_key.removeprefix(USER_KEY))
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
        name = fields.get(f"{e.object_type}.{field}") or fields.get(field, (field.replace("_", " "),))
        changes.append(FieldChange(name[0], old, new))
    if e.object_key.startswith(USER_KEY):
        subject = say(stored("user {id}", id=names["user"][e.object_key.removeprefix(USER_KEY)]))
    else:
        subject = key_label(e.object_key)
    return HistoryRow(e, plant_clock(e.at), names["user"][e.login], tuple(changes), subject)


def _fields() -> dict[str, tuple[str, str]]:
    """(name people read, unit of the value) of the stored fields whose name is not one
    (built per call: gettext); ``KIND.FIELD`` where the same field means another thing in
    another kind of object. Other fields read with spaces for underscores, no unit."""
    return {
        "assignment.lines": (_("lines"), ""),
        "user.lines": (_("product lines"), ""),
        "customer_id": (_("customer"), ""),
        "state": (_("state"), ""),
        "status": (_("status"), ""),
        "month": (_("month"), ""),
        "requested_month": (_("requested month"), ""),
        "agreed_month": (_("agreed month"), ""),
        "product_line": (_("product line"), ""),
        "manual_priority": (_("priority"), ""),
        "number": (_("number"), ""),
        "code": (_("code"), ""),
        "name": (_("name"), ""),
        "role": (_("role"), ""),
        "email": (_("e-mail"), ""),
        "sales_manager": (_("sales manager"), ""),
        "steel_grade": (_("steel grade"), ""),
        "standard": (_("standard"), ""),
        "steel_grades": (_("steel grades"), ""),
        "standards": (_("standards"), ""),
        "pipe_type": (_("pipe type"), ""),
        "product_type": (_("product type"), ""),
        "shop": (_("shop"), ""),
        "note": (_("note"), ""),
        "accepted_at": (_("accepted at"), ""),
        "accepted_by": (_("accepted by"), ""),
        "answered_by": (_("answered by"), ""),
        "resolved_by": (_("resolved by"), ""),
        "decided_by": (_("decided by"), ""),
        "closed_by": (_("closed by"), ""),
        "answer": (_("answer"), ""),
        "resolution": (_("resolution"), ""),
        "decision": (_("decision"), ""),
        "outcome": (_("outcome"), ""),
        "verdict": (_("verdict"), ""),
        "position": (_("position"), ""),
        "positions": (_("positions"), ""),
        "mills": (_("mills"), ""),
        "excluded": (_("excluded"), ""),
        "capacity": (_("capacity"), ""),
        "actuals": (_("actuals"), ""),
        "rejected_rows": (_("rejected rows"), ""),
        "solver_status": (_("solver status"), ""),
        "deal_id": (_("deal"), ""),
        "mill_id": (_("mill"), ""),
        "assignment": (_("revision"), ""),
        "is_key_account": (_("key account"), ""),
        "position_no": (_("position no."), ""),
        "od_mm": (_("OD"), _("mm")),
        "wall_mm": (_("wall"), _("mm")),
        "length_m": (_("length"), _("m")),
        "od_min_mm": (_("OD from"), _("mm")),
        "od_max_mm": (_("OD to"), _("mm")),
        "wall_min_mm": (_("wall from"), _("mm")),
        "wall_max_mm": (_("wall to"), _("mm")),
        "speed_m_per_h": (_("speed"), _("m/h")),
        "nominal_hours": (_("nominal hours"), _("h/month")),
        "hours": (_("hours"), _("h")),
        "tonnes": (_("tonnes"), _("t")),
        "tonnes_left_out": (_("left out"), _("t")),
        "as_login": (_("acted as"), ""),
        "command": (_("command"), ""),
        "tonnes_ordered": (_("ordered"), "t"),
        "tonnes_produced": (_("produced"), "t"),
        "tonnes_opening": (_("produced (opening balance)"), "t"),
        "tonnes_cancelled": (_("cancelled"), "t"),
        "tonnes_short": (_("short"), "t"),
        "price": (_("price"), "RUB/t"),
        "metal_cost": (_("metal cost"), "RUB/t"),
        "conversion_cost": (_("conversion cost"), "RUB/t"),
        "margin_at_stake": (_("margin at stake"), "RUB"),
        "norms": (_("norms, OD x wall mm"), "t/h"),
    }


def _text(field: str, value: Any, names: dict[str, dict], fields: dict[str, tuple[str, str]], object_type: str) -> str:
    """A stored value as people read it: names for ids and logins, a revision's state as
    people say it, plant time for times, numbers grouped with their unit."""
    if value is None or value == "" or value == []:
        return "—"
    if (object_type, field) in STATES:
        return state_label(STATES[object_type, field](value))
    if field == "solver_status":
        return solver_status_label(value)
    if (object_type, field) == ("user", "role") and value in Role._value2member_map_:
        return role_word(Role(value))
    if field in REFERENCES:
        return str(names[REFERENCES[field]].get(value, f"#{value}"))
    if field in OBJECTS:
        return (_("request {number}") if field == "request" else _("conflict {number}")).format(number=value)
    if _is_login(field):
        return names["user"][value]
    if field.endswith("_at") and isinstance(value, str):
        try:
            return value_text(datetime.fromisoformat(value))
        except ValueError:
            return value
    if field.endswith("month") and isinstance(value, str):  # stored YYYY-MM, read as the language says months
        try:
            return month_text(Month.parse(value))
        except ValueError:
            return value
    unit = fields.get(field, ("", ""))[1]
    unit = _(unit) if unit else ""  # a unit is its own message (t → т); _("") would be the catalogue's header
    if field == "norms":
        return (
            "; ".join(
                f"{plain(a)}{glyphs.RANGE}{plain(b)}{glyphs.SIZE}{plain(c)}{glyphs.RANGE}{plain(d)}: {plain(tph)}"
                for a, b, c, d, tph in value
            )
            + f" {unit}"
        )
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


def action_word(action: str) -> str:
    """An audit entry's action (a stable code as stored: ``drafted``, ``stale_cancel``) as
    people read it, in the user's language; a code not named here with spaces for underscores."""
    words = {
        "acted_as": _("acted as"),
        "agreed": _("agreed"),
        "answered": _("answered"),
        "approved": _("approved"),
        "cancelled": _("cancelled"),
        "closed": _("closed"),
        "created": _("created"),
        "decided": _("decided"),
        "drafted": _("drafted"),
        "escalated": _("escalated"),
        "excluded": _("excluded"),
        "forced": _("forced"),
        "granted": _("granted"),
        "imported": _("imported"),
        "included": _("included"),
        "later_month": _("later month"),
        "locked": _("locked"),
        "locked to month": _("locked to month"),
        "made mandatory": _("made mandatory"),
        "made optional": _("made optional"),
        "marked stale": _("marked stale"),
        "month lock released": _("month lock released"),
        "objected": _("objected"),
        "opened": _("opened"),
        "raised": _("raised"),
        "refused": _("refused"),
        "removed": _("removed"),
        "reopened": _("reopened"),
        "replanned": _("re-planned"),
        "reprioritised": _("re-prioritised"),
        "requeued": _("queued again"),
        "restored": _("restored"),
        "set": _("set"),
        "stale_cancel": _("remainder cancelled"),
        "stale_close": _("closed as complete"),
        "stale_extend": _("extended"),
        "stale_priority": _("re-prioritised"),
        "stale_restore": _("restored"),
        "submitted": _("submitted"),
        "unlocked": _("unlocked"),
        "updated": _("updated"),
        "withdrawn": _("withdrawn"),
        "accepted": _("accepted"),
        "rejected": _("rejected"),
        "pending": _("waiting for acceptance"),
    }
    return words.get(action, action.replace("_", " "))


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
            "when": r.when,
            "login": r.who,
            "action": action_word(r.entry.action),
            "object": r.subject,
            "object_key": r.entry.object_key,
            "change": r.change,
        }
        for n, r in enumerate(rows)
    )
    return TableView(_("History"), columns, rows)
