"""Who may do what: the acting user (:class:`Actor`) and the one table of actions → roles.

A user is the operating-system login of the terminal or SSH session, registered in the
store with a role (``millplan users``). Every core service resolves its ``login`` with
:func:`actor` and calls :func:`require` before it changes anything, so the CLI and the
workstation can never differ. A refusal raises :class:`~millplan.core.domain.errors.Forbidden`, whose
message says who may do it; the store writes it to the audit log in a transaction of its
own (see ``millplan.storage.store.Store``), so the refusal is kept though the action is not.

Two states of a store are special:

- **open** — no user is registered yet: every login may do everything (a single-user
  workstation, and how a plant starts); registering the first admin ends it.
- **read-only** — a login that is not registered, once users exist: it may look at
  everything and change nothing; :attr:`Actor.notice` says so and how to be added.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from millplan.core.domain.errors import Forbidden
from millplan.core.domain.i18n import _
from millplan.core.domain.names import name_key
from millplan.core.domain.people import Role, User
from millplan.core.domain.portfolio import Deal, Position
from millplan.core.domain.stored_text import Message, Param, say, stored
from millplan.core.domain.workflow import key_said

if TYPE_CHECKING:  # only for annotations: permissions are checked without the store
    from millplan.storage.store import Store
    from millplan.storage.unit_of_work import UnitOfWork

__all__ = ["Action", "Actor", "RULES", "actor", "actor_in", "require", "role_phrase", "role_word"]


class Scope(enum.Enum):
    """How far a role's right reaches: anything, only its own product lines, or only the
    deals it sells (a sales manager's positions)."""

    ANY = "any"
    OWN_LINE = "own line"
    OWN_DEAL = "own deal"


class Action(str, enum.Enum):
    """Every action that changes the store. The value is its stable code (the audit log's
    ``action`` of a refusal); :attr:`phrase` says it in a sentence."""

    IMPORT_MILLS = "import_mills"
    IMPORT_PORTFOLIO = "import_portfolio"
    IMPORT_ACTUALS = "import_actuals"
    DECIDE_DEAL = "decide_deal"
    PLAN = "plan"
    EDIT_ASSIGNMENT = "edit_assignment"
    SUBMIT = "submit"
    APPROVE = "approve"
    APPROVE_OVER_OPEN = "approve_over_open"
    APPROVE_DIRECTOR_CHAIN = "approve_director_chain"
    REVIEW = "review"
    SET_CAPACITY = "set_capacity"
    REQUEST = "request"
    WITHDRAW_REQUEST = "withdraw_request"
    ANSWER_REQUEST = "answer_request"
    RESOLVE_CONFLICT = "resolve_conflict"
    ESCALATE = "escalate"
    DECIDE_ESCALATION = "decide_escalation"
    MANAGE_USERS = "manage_users"
    ACT_AS = "act_as"
    RESTORE_DATABASE = "restore_database"
    CLOSE_MONTH = "close_month"
    DISPOSE_STALE = "dispose_stale"
    SET_STALE_LIMITS = "set_stale_limits"
    SET_TIME_ZONE = "set_time_zone"

    @property
    def phrase(self) -> str:
        """The action in the user's language, as the verb phrase of "only … may …"
        (``approve an assignment``)."""
        return say(self.phrase_said)

    @property
    def phrase_said(self) -> Message:
        """:attr:`phrase` as a message to store (said in each reader's language)."""
        return {
            Action.IMPORT_MILLS: stored("import the mill register"),
            Action.IMPORT_PORTFOLIO: stored("import the order portfolio"),
            Action.IMPORT_ACTUALS: stored("import the daily actuals"),
            Action.DECIDE_DEAL: stored("accept or reject a deal"),
            Action.PLAN: stored("run the prioritiser"),
            Action.EDIT_ASSIGNMENT: stored("edit an assignment (lock, exclude, include)"),
            Action.SUBMIT: stored("submit an assignment for review"),
            Action.APPROVE: stored("approve an assignment"),
            Action.APPROVE_OVER_OPEN: stored("approve an assignment with open conflicts or escalations"),
            Action.APPROVE_DIRECTOR_CHAIN: stored(
                "approve an assignment whose re-approval round involves the director"
            ),
            Action.REVIEW: stored("review an assignment (agree or object)"),
            Action.SET_CAPACITY: stored("set a mill's hours"),
            Action.REQUEST: stored("ask for a priority change, a replacement or a re-approval"),
            Action.WITHDRAW_REQUEST: stored("withdraw a request"),
            Action.ANSWER_REQUEST: stored("answer a sales manager's request"),
            Action.RESOLVE_CONFLICT: stored("resolve a conflict"),
            Action.ESCALATE: stored("escalate to the director"),
            Action.DECIDE_ESCALATION: stored("decide an escalation"),
            Action.MANAGE_USERS: stored("manage users and roles"),
            Action.ACT_AS: stored("act as another user (--as)"),
            Action.RESTORE_DATABASE: stored("restore the database from a backup"),
            Action.CLOSE_MONTH: stored("close a month"),
            Action.DISPOSE_STALE: stored("extend, re-prioritise, cancel, close or restore a stale position"),
            Action.SET_STALE_LIMITS: stored("set the stale-deal ledger's limits"),
            Action.SET_TIME_ZONE: stored("set the plant's time zone"),
        }[self]


RULES: dict[Action, dict[Role, Scope]] = {
    Action.IMPORT_MILLS: {Role.LINE_MANAGER: Scope.ANY, Role.PLANNER: Scope.ANY, Role.ADMIN: Scope.ANY},
    Action.IMPORT_PORTFOLIO: {Role.LINE_MANAGER: Scope.ANY, Role.ADMIN: Scope.ANY},
    Action.IMPORT_ACTUALS: {Role.PLANNER: Scope.ANY, Role.ADMIN: Scope.ANY},
    Action.DECIDE_DEAL: {Role.LINE_MANAGER: Scope.OWN_LINE, Role.DIRECTOR: Scope.ANY},
    Action.PLAN: {Role.LINE_MANAGER: Scope.OWN_LINE},
    Action.EDIT_ASSIGNMENT: {Role.LINE_MANAGER: Scope.OWN_LINE},
    Action.SUBMIT: {Role.LINE_MANAGER: Scope.OWN_LINE},
    Action.APPROVE: {Role.LINE_MANAGER: Scope.OWN_LINE, Role.DIRECTOR: Scope.ANY},
    Action.APPROVE_OVER_OPEN: {Role.DIRECTOR: Scope.ANY},
    Action.APPROVE_DIRECTOR_CHAIN: {Role.DIRECTOR: Scope.ANY},
    Action.REVIEW: {Role.PLANNER: Scope.ANY},
    Action.SET_CAPACITY: {Role.PLANNER: Scope.ANY},
    Action.REQUEST: {Role.SALES_MANAGER: Scope.OWN_DEAL},
    Action.WITHDRAW_REQUEST: {Role.SALES_MANAGER: Scope.OWN_DEAL},
    Action.ANSWER_REQUEST: {Role.LINE_MANAGER: Scope.OWN_LINE, Role.DIRECTOR: Scope.ANY},
    Action.RESOLVE_CONFLICT: {Role.LINE_MANAGER: Scope.OWN_LINE},
    Action.ESCALATE: {Role.LINE_MANAGER: Scope.OWN_LINE},
    Action.DECIDE_ESCALATION: {Role.DIRECTOR: Scope.ANY},
    Action.MANAGE_USERS: {Role.ADMIN: Scope.ANY},
    Action.ACT_AS: {Role.ADMIN: Scope.ANY},
    Action.RESTORE_DATABASE: {Role.ADMIN: Scope.ANY},
    Action.CLOSE_MONTH: {Role.LINE_MANAGER: Scope.OWN_LINE, Role.PLANNER: Scope.ANY},
    Action.DISPOSE_STALE: {Role.LINE_MANAGER: Scope.OWN_LINE},
    Action.SET_STALE_LIMITS: {Role.LINE_MANAGER: Scope.ANY, Role.ADMIN: Scope.ANY},
    Action.SET_TIME_ZONE: {Role.ADMIN: Scope.ANY},
}
"""The one table of actions → roles (and how far each reaches); README "Roles" shows it."""


def role_phrase(role: Role) -> str:
    """``role`` as the subject or predicate of a sentence, in the user's language: "only
    {a sales manager} may …", "ivanov is {the director}"."""
    return say(role_said(role))


def role_said(role: Role) -> Message:
    """:func:`role_phrase` as a message to store (said in each reader's language)."""
    return {
        Role.SALES_MANAGER: stored("a sales manager"),
        Role.LINE_MANAGER: stored("a product-line manager"),
        Role.PLANNER: stored("a production planner"),
        Role.DIRECTOR: stored("the director"),
        Role.ADMIN: stored("an admin"),
    }[role]


def role_word(role: Role) -> str:
    """``role`` in words for a table cell or a header (``product-line manager``), in the
    user's language — never the stored value (``line_manager``)."""
    return {
        Role.SALES_MANAGER: _("sales manager"),
        Role.LINE_MANAGER: _("product-line manager"),
        Role.PLANNER: _("production planner"),
        Role.DIRECTOR: _("director"),
        Role.ADMIN: _("admin"),
    }[role]


@dataclass(frozen=True)
class Actor:
    """The person acting: OS ``login``, ``name``, ``role`` (``None`` when not registered),
    the product lines he owns, and ``open_store`` when no user is registered at all.

    ``store`` (not compared, not shown) is where :func:`require` writes a refusal made
    outside any unit of work.
    """

    login: str
    name: str
    role: Role | None
    lines: tuple[str, ...] = ()
    open_store: bool = False
    store: Store | None = field(default=None, repr=False, compare=False)

    @property
    def read_only(self) -> bool:
        """An unregistered login of a store that has users: may look, not change."""
        return self.role is None and not self.open_store

    @property
    def notice(self) -> str | None:
        """What an unregistered login is told (None for everyone else)."""
        if not self.read_only:
            return None
        return _(
            "{login} is not a millplan user: read-only access. Ask an admin to add you "
            "(millplan users add {login} --name … --role …)."
        ).format(login=self.login)

    def owns_line(self, line: str | None) -> bool:
        return line is not None and line in self.lines

    def owns_deal(self, deal: Deal | Position | None) -> bool:
        """True when ``deal`` (or a position's deal) is sold by this user (by name)."""
        return deal is not None and name_key(deal.sales_manager) == name_key(self.name)

    def may(self, action: Action, *, line: str | None = None, deal: Deal | Position | None = None) -> bool:
        """Whether this actor may do ``action`` on product ``line`` / ``deal`` (see RULES)."""
        if self.open_store:
            return True
        scope = RULES[action].get(self.role) if self.role else None
        if scope is Scope.ANY:
            return True
        if scope is Scope.OWN_LINE:
            return self.owns_line(line)
        if scope is Scope.OWN_DEAL:
            return self.owns_deal(deal)
        return False


def actor_in(repo: UnitOfWork, login: str, store: Store | None = None) -> Actor:
    """The :class:`Actor` for ``login`` read through an open repository."""
    user: User | None = repo.users.user(login)
    if user is not None:
        return Actor(user.login, user.name, user.role, user.lines, store=store)
    return Actor(login, login, None, open_store=repo.users.count_users() == 0, store=store)


def actor(store: Store, login: str) -> Actor:
    """The :class:`Actor` for ``login``: his registered role and lines; an unknown login
    gets a read-only actor (see :attr:`Actor.notice`), or — while no user is registered
    at all — an actor of an open store who may do everything."""
    with store.reading() as repo:
        return actor_in(repo, login, store)


def _who(action: Action, line: str | None, deal: Deal | Position | None) -> Message:
    """Who may do ``action`` here, as one phrase: "the product-line manager of ТБД or the director"."""
    parts = []
    for role, scope in RULES[action].items():
        if scope is Scope.OWN_LINE:
            parts.append(
                stored("the product-line manager of {line}", line=line)
                if line
                else stored("a product-line manager of the line")
            )
        elif scope is Scope.OWN_DEAL:
            parts.append(
                stored("the deal's sales manager ({name})", name=deal.sales_manager)
                if deal
                else stored("the deal's sales manager")
            )
        else:
            parts.append(role_said(role))
    who = parts[0]
    for other in parts[1:]:
        who = stored("{first} or {second}", first=who, second=other)
    return who


def require(
    actor: Actor,
    action: Action,
    *,
    line: str | None = None,
    deal: Deal | Position | None = None,
    target: str | None = None,
    subject: Param | None = None,
) -> None:
    """Return if ``actor`` may do ``action`` on ``line`` / ``deal``; else raise
    :class:`Forbidden`: "only the product-line manager of ТБД or the director may approve
    an assignment (2027-01/ТБД/r1); ivanov is a sales manager".

    ``target`` is the object's key in the audit log (default: the deal number, else the
    line, else the action); the refusal names it as people read it (:func:`key_said`), or
    as ``subject`` when given; the actor by his name. The refusal is written to the audit log: by the store when
    raised inside a unit of work (after its rollback), else here at once.
    """
    if actor.may(action, line=line, deal=deal):
        return
    deal_number = (deal.number if isinstance(deal, Deal) else deal.deal_number) if deal else None
    key = target or deal_number or line or action.name.lower()
    if actor.role is None:
        who_is = stored(
            "{login} is not a millplan user (read-only): an admin adds users with millplan users add", login=actor.name
        )
    elif actor.role is Role.LINE_MANAGER and actor.lines:
        who_is = stored("{login} is a product-line manager of {lines}", login=actor.name, lines=", ".join(actor.lines))
    elif actor.role is Role.LINE_MANAGER:
        who_is = stored("{login} is a product-line manager of no line", login=actor.name)
    else:
        who_is = stored("{login} is {role}", login=actor.name, role=role_said(actor.role))
    said = stored(
        "only {who} may {action} ({target}); {who_is}",
        who=_who(action, line, deal),
        action=action.phrase_said,
        target=subject if subject is not None else key_said(key),
        who_is=who_is,
    )
    refused = Forbidden(say(said), login=actor.login, action=action.name.lower(), target=key, said=said)
    if actor.store is not None and not actor.store.in_unit_of_work():
        actor.store.record_refusal(refused)
    raise refused
