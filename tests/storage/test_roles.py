"""Who may do what, through core/: the actor of a login, require(), refusals in the audit log."""

from __future__ import annotations

import pytest

from millplan.core.access import users
from millplan.core.access.permissions import RULES, Action, actor, require
from millplan.core.domain.errors import ChangedMeanwhile, Forbidden
from millplan.core.domain.people import Role
from tests.plants import deal, staff, tiny_plant


@pytest.fixture
def staffed(store):
    tiny_plant(store)
    staff(store)
    return store


def test_registered_logins_get_their_role_and_lines(staffed):
    plm = actor(staffed, "plm")
    assert (plm.role, plm.lines, plm.read_only) == (Role.LINE_MANAGER, ("L",), False)
    assert actor(staffed, "ivanov").name == "Иванов А. С."


def test_an_unknown_login_is_read_only_and_told_so(staffed):
    stranger = actor(staffed, "stranger")
    assert stranger.read_only and stranger.role is None
    assert "stranger is not a millplan user: read-only access" in stranger.notice
    with pytest.raises(Forbidden, match="stranger is not a millplan user"):
        require(stranger, Action.PLAN, line="L")


def test_a_store_without_users_is_open_to_everyone(store):
    nobody = actor(store, "anyone")
    assert nobody.open_store and not nobody.read_only and nobody.notice is None
    for action in Action:
        require(nobody, action, line="L")  # raises nothing


def test_refusal_names_who_may_and_is_audited_once(staffed):
    with pytest.raises(Forbidden) as caught:
        require(actor(staffed, "ivanov"), Action.APPROVE, line="L", target="2027-01/L/r1")
    message = str(caught.value)
    assert message.startswith(
        "only the product-line manager of L or the director may approve an assignment (2027-01 L revision 1)"
    )
    assert "Иванов А. С. is a sales manager" in message
    assert caught.value.exit_code == 5
    with staffed.unit_of_work() as repo:
        [entry] = repo.audit.audit_entries("2027-01/L/r1")
    assert (entry.login, entry.action, entry.after, entry.reason) == (
        "ivanov",
        "refused",
        {"action": "approve"},
        message,
    )


@pytest.mark.both_backends
def test_a_refusal_inside_a_unit_of_work_survives_its_rollback(staffed):
    with pytest.raises(Forbidden):
        with staffed.unit_of_work() as repo:
            repo.audit.write("plm", "something", "test", "half-done")  # rolled back with the action
            require(actor(staffed, "petrov"), Action.EDIT_ASSIGNMENT, line="L", target="2027-01/L/r1")
    with staffed.unit_of_work() as repo:
        assert repo.audit.audit_entries("half-done") == []
        assert [e.action for e in repo.audit.audit_entries("2027-01/L/r1")] == ["refused"]


def test_line_managers_act_on_their_own_lines_only(staffed):
    plm = actor(staffed, "plm")
    require(plm, Action.APPROVE, line="L")
    with pytest.raises(Forbidden, match="only the product-line manager of N or the director"):
        require(plm, Action.APPROVE, line="N")


def test_sales_managers_act_on_their_own_deals_only(staffed):
    with staffed.unit_of_work() as repo:
        repo.plant.upsert_portfolio(
            {}, [deal("D6", "Other Co", "pending", sales_manager="Петров П.  П.")], [], "test", "fixture"
        )
        own, other = repo.plant.deal("D1"), repo.plant.deal("D6")
    ivanov = actor(staffed, "ivanov")
    require(ivanov, Action.REQUEST, deal=own)
    with pytest.raises(Forbidden, match=r"only the deal's sales manager \(Петров П.  П.\) may ask"):
        require(ivanov, Action.REQUEST, deal=other)
    require(actor(staffed, "petrov"), Action.REQUEST, deal=other)  # the portfolio's spacing does not matter


@pytest.mark.parametrize(
    ("login", "allowed"),
    [
        (
            "plm",
            {
                Action.IMPORT_MILLS,
                Action.IMPORT_PORTFOLIO,
                Action.DECIDE_DEAL,
                Action.PLAN,
                Action.EDIT_ASSIGNMENT,
                Action.SUBMIT,
                Action.APPROVE,
                Action.ANSWER_REQUEST,
                Action.RESOLVE_CONFLICT,
                Action.ESCALATE,
                Action.CLOSE_MONTH,
                Action.DISPOSE_STALE,
                Action.SET_STALE_LIMITS,
            },
        ),
        (
            "planner",
            {Action.IMPORT_MILLS, Action.IMPORT_ACTUALS, Action.REVIEW, Action.SET_CAPACITY, Action.CLOSE_MONTH},
        ),
        (
            "director",
            {
                Action.DECIDE_DEAL,
                Action.APPROVE,
                Action.APPROVE_OVER_OPEN,
                Action.APPROVE_DIRECTOR_CHAIN,
                Action.ANSWER_REQUEST,
                Action.DECIDE_ESCALATION,
            },
        ),
        (
            "admin",
            {
                Action.IMPORT_MILLS,
                Action.IMPORT_PORTFOLIO,
                Action.IMPORT_ACTUALS,
                Action.MANAGE_USERS,
                Action.ACT_AS,
                Action.RESTORE_DATABASE,
                Action.SET_STALE_LIMITS,
                Action.SET_TIME_ZONE,
            },
        ),
        ("ivanov", {Action.REQUEST, Action.WITHDRAW_REQUEST}),
    ],
)
def test_each_role_may_exactly_its_actions(staffed, login, allowed):
    with staffed.unit_of_work() as repo:
        own_deal = repo.plant.deal("D1")  # sold by Иванов
    who = actor(staffed, login)
    may = {a for a in Action if who.may(a, line="L", deal=own_deal)}
    assert may == allowed
    for action in set(Action) - allowed:
        with pytest.raises(Forbidden):
            require(who, action, line="L", deal=own_deal)


def test_every_action_has_a_rule():
    assert set(RULES) == set(Action)


@pytest.mark.both_backends
def test_a_user_changed_meanwhile_is_not_overwritten(staffed):
    # an admin's screen shows plm at version 1; another admin changes him first
    users.set_role(staffed, "plm", Role.LINE_MANAGER, ("L",), by="admin", email="plm@plant.example")
    with pytest.raises(ChangedMeanwhile, match=r"user plm was changed by admin at .* — reload"):
        users.set_role(staffed, "plm", Role.PLANNER, by="admin", version=1)
    assert actor(staffed, "plm").role is Role.LINE_MANAGER
