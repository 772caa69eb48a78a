"""The stale-deal ledger on the hand-built plant of tests/stale_plant.py: each reason, the
limits as settings, every disposition and its undoing, who is told, who is refused, the
all-or-nothing batch, and a cancelled remainder leaving the plan's inputs and the load."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from millplan.core.domain.actuals import ActualRecord
from millplan.core.domain.assignment import AssignmentLine
from millplan.core.domain.errors import Forbidden, InvalidInput, NotFound, StateError
from millplan.core.domain.months import Month, today_set
from millplan.core.domain.stale import StaleReason
from millplan.core.mail.inbox import inbox
from millplan.core.planning import load
from millplan.core.planning.inputs import line_inputs
from millplan.core.views.stale import stale_view
from millplan.core.views.tables import cell_text
from millplan.core.workflow import stale, stale_actions
from tests.stale_plant import TODAY, stale_plant

R = StaleReason


@pytest.fixture
def plant(store):
    with today_set(TODAY):
        stale_plant(store)
        yield store


def reasons(store, **filters) -> dict[str, tuple[StaleReason, ...]]:
    return {row.position.ref: row.reasons for row in stale.ledger(store, **filters).rows}


def test_each_reason_is_found_and_all_reasons_of_a_position_are_listed(plant):
    assert reasons(plant) == {
        "A#1": (R.OVERDUE,),
        "B#1": (R.UNPLANNED,),
        "C#1": (R.IDLE,),
        "D#1": (R.NO_MILL,),
        "F#1": (R.OVERDUE, R.UNPLANNED, R.NO_MILL),
    }


def test_a_row_holds_age_lateness_tonnes_income_at_stake_and_hours(plant):
    rows = {r.position.ref: r for r in stale.ledger(plant).rows}
    a = rows["A#1"]
    assert (a.age_days, a.months_overdue, a.tonnes_left) == (45, 3, 100.0)
    # best mill M1: 50 000 − 30 000 − 1 000 = 19 000 RUB/t × 100 t; 100 t at 10 t/h on M1
    assert a.margin_at_stake == Decimal("1900000.00")
    assert a.mill_hours == {"M1": pytest.approx(10.0)}
    c = rows["C#1"]
    # 30 t made of 300: 270 t left; 100 t are in the approved June plan (10 h), 170 t on M1 (17 h)
    assert (c.tonnes_left, c.last_made.isoformat()) == (270.0, "2027-04-01")
    assert c.hours == pytest.approx(27.0)
    assert rows["D#1"].margin_at_stake is None and rows["D#1"].mill_hours == {}


def test_filters_keep_what_they_name(plant):
    assert set(reasons(plant, key_account=True)) == {"A#1", "F#1"}
    assert set(reasons(plant, manager="петров")) == {"B#1"}
    assert set(reasons(plant, reasons=[R.NO_MILL])) == {"D#1", "F#1"}
    assert set(reasons(plant, customer="key")) == {"A#1", "F#1"}
    assert set(reasons(plant, text="C#")) == {"C#1"}
    assert set(reasons(plant, line="L")) == {"A#1", "B#1", "C#1", "D#1", "F#1"}


@pytest.mark.parametrize("listing", [stale.ledger, stale.disposed])
def test_an_unknown_line_is_refused_naming_the_known_ones(plant, listing):
    with pytest.raises(NotFound, match=r"product line ZZZ is not in the plant \(known: L\)"):
        listing(plant, line="ZZZ")


def test_a_position_not_due_yet_is_never_unplanned(plant):
    # H#1 (requested 2027-08) and B#1 (2027-06) were both accepted 165 days ago and never planned
    assert "H#1" not in reasons(plant) and reasons(plant)["B#1"] == (R.UNPLANNED,)
    stale_actions.extend(plant, ["B#1"], Month(2027, 7), login="plm", reason="client asked")
    assert "B#1" not in reasons(plant)  # due next month: not unplanned yet
    with today_set(date(2027, 8, 1)):
        assert reasons(plant)["H#1"] == (R.UNPLANNED,)  # due now


def test_changed_limits_change_the_ledger_and_are_audited(plant):
    limits = stale.set_limits(plant, login="plm", months_overdue=3, accepted_days=200, idle_days=80)
    assert (limits.months_overdue, limits.accepted_days, limits.idle_days) == (3, 200, 80)
    assert reasons(plant) == {"D#1": (R.NO_MILL,), "F#1": (R.OVERDUE, R.NO_MILL)}
    assert stale.limits(plant) == limits
    with plant.reading() as repo:
        entry = repo.audit.audit_entries("stale.months_overdue")[0]
    assert (entry.login, entry.before, entry.after) == ("plm", None, {"value": 3})


def test_limits_are_refused_to_a_sales_manager_and_must_be_whole_and_not_negative(plant):
    with pytest.raises(Forbidden, match="set the stale-deal ledger's limits"):
        stale.set_limits(plant, login="ivanov", months_overdue=1)
    with pytest.raises(InvalidInput, match="months_overdue"):
        stale.set_limits(plant, login="admin", months_overdue=-1)
    assert stale.limits(plant).months_overdue == 2


def positions(store, *refs):
    with store.reading() as repo:
        return {p.ref: p for p in repo.plant.positions() if p.ref in refs}


def test_cancel_keeps_the_tonnes_as_cancelled_and_restore_brings_them_back(plant):
    done = stale_actions.cancel(plant, ["A#1"], login="plm", reason="client went bankrupt")
    a = positions(plant, "A#1")["A#1"]
    assert (a.tonnes_cancelled, a.remaining_tonnes, a.tonnes_ordered) == (100.0, 0.0, 100.0)
    assert done.told == ("ivanov",)
    assert "A#1" not in reasons(plant)
    stale_actions.restore(plant, ["A#1"], login="plm", reason="client paid after all")
    a = positions(plant, "A#1")["A#1"]
    assert (a.tonnes_cancelled, a.remaining_tonnes) == (0.0, 100.0)
    assert reasons(plant)["A#1"] == (R.OVERDUE,)
    with plant.reading() as repo:
        audit = repo.audit.audit_entries("A#1")
    assert [(e.action, e.reason) for e in audit[:2]] == [
        ("stale_restore", "client paid after all"),
        ("stale_cancel", "client went bankrupt"),
    ]
    assert (audit[1].before, audit[1].after) == ({"tonnes_cancelled": 0.0}, {"tonnes_cancelled": 100.0})


def test_close_as_complete_and_restore(plant):
    stale_actions.close(plant, ["C#1"], login="plm", reason="client takes 30 t, the rest is off")
    c = positions(plant, "C#1")["C#1"]
    assert c.completed and c.remaining_tonnes == 0.0
    with pytest.raises(StateError, match="C#1 closed as complete"):
        stale_actions.cancel(plant, ["C#1"], login="plm", reason="again")
    stale_actions.restore(plant, ["C#1"], login="plm", reason="mistake")
    assert positions(plant, "C#1")["C#1"].remaining_tonnes == 270.0


def test_extend_notes_the_confirmation_and_tells_the_sales_manager(plant):
    done = stale_actions.extend(
        plant, ["A#1"], Month(2027, 9), login="plm", reason="client asked", confirmation="letter 17/05"
    )
    assert positions(plant, "A#1")["A#1"].requested_month == Month(2027, 9)
    assert done.confirmation == "letter 17/05"
    assert "A#1" not in reasons(plant)
    with plant.reading() as repo:
        entry = repo.audit.audit_entries("A#1")[0]
    assert entry.after == {"requested_month": "2027-09", "confirmation": "letter 17/05"}
    (note,) = inbox(plant, "ivanov")
    assert note.kind == "stale_extend"
    assert "A#1: requested month 2027-03 → 2027-09" in note.body and "letter 17/05" in note.body
    # reversible by a later extension
    stale_actions.extend(plant, ["A#1"], Month(2027, 6), login="plm", reason="back")
    assert positions(plant, "A#1")["A#1"].requested_month == Month(2027, 6)


def test_extend_to_a_past_month_is_refused(plant):
    with pytest.raises(InvalidInput, match="2027-05: it is past"):
        stale_actions.extend(plant, ["A#1"], Month(2027, 5), login="plm", reason="x")


def test_priority_is_set_and_unset(plant):
    stale_actions.prioritise(plant, ["B#1"], 1, login="plm", reason="strategic client")
    assert positions(plant, "B#1")["B#1"].manual_priority == 1
    stale_actions.prioritise(plant, ["B#1"], None, login="plm", reason="no longer")
    assert positions(plant, "B#1")["B#1"].manual_priority is None
    with pytest.raises(InvalidInput, match="1, 2, 3 or none"):
        stale_actions.prioritise(plant, ["B#1"], 5, login="plm", reason="x")


def test_one_notification_per_sales_manager_per_batch(plant):
    done = stale_actions.cancel(plant, ["A#1", "C", "B#1"], login="plm", reason="clean-up")
    assert sorted(done.told) == ["ivanov", "petrov"]
    (mine,) = inbox(plant, "ivanov")
    assert [i.ref for i in mine.items] == ["A#1", "C#1"]
    assert "2 of your positions" in mine.subject and "clean-up" in mine.body
    (his,) = inbox(plant, "petrov")
    assert [i.ref for i in his.items] == ["B#1"]


@pytest.mark.parametrize("login", ["klm", "ivanov"])
def test_another_lines_manager_and_a_sales_manager_are_refused_and_nothing_changes(plant, login):
    with pytest.raises(Forbidden, match="only the product-line manager of L may extend, re-prioritise, cancel"):
        stale_actions.cancel(plant, ["A#1"], login=login, reason="x")
    assert positions(plant, "A#1")["A#1"].tonnes_cancelled == 0.0
    with plant.reading() as repo:
        assert repo.audit.audit_entries("A#1")[0].action == "refused"


def test_a_batch_is_all_or_nothing(plant):
    with pytest.raises(NotFound, match="Z#1"):
        stale_actions.cancel(plant, ["A#1", "Z#1"], login="plm", reason="x")
    with pytest.raises(NotFound, match="NODEAL"):
        stale_actions.cancel(plant, ["A#1", "NODEAL"], login="plm", reason="x")
    stale_actions.close(plant, ["B#1"], login="plm", reason="done")
    with pytest.raises(StateError, match="B#1"):
        stale_actions.cancel(plant, ["A#1", "B#1"], login="plm", reason="x")
    assert positions(plant, "A#1")["A#1"].tonnes_cancelled == 0.0
    assert inbox(plant, "ivanov") == []


def test_a_reason_is_required(plant):
    with pytest.raises(InvalidInput, match="reason"):
        stale_actions.cancel(plant, ["A#1"], login="plm", reason="  ")


def test_a_cancelled_remainder_leaves_the_plan_inputs_and_the_load(plant):
    def hours_on_m1():
        report = load.mill_load(plant, today=TODAY)
        return report.horizons["M1"].booked_hours

    def planned_refs():
        with plant.reading() as repo:
            (inputs,), _elsewhere = line_inputs(repo, repo.plant.whole(), Month(2027, 7), ["L"], Month(2027, 6))
        return {p.ref for p in inputs.positions}

    def july_hours():  # a plan of June, the current month, counts the hours July's plan holds
        with plant.reading() as repo:
            options = {"horizon": 2}
            (inputs,), _elsewhere = line_inputs(
                repo, repo.plant.whole(), Month(2027, 6), ["L"], Month(2027, 6), options
            )
        return inputs.booked.get(("M1", Month(2027, 7)), 0.0)

    with plant.unit_of_work() as repo:  # July's draft gives C#1 another 50 t (5 h) on M1
        c1 = repo.plant.position("C", 1)
        line = AssignmentLine(c1.id, c1.ref, "M1", 50.0, 5.0, Decimal(950_000))
        repo.assignments.save_draft(
            Month(2027, 7), "L", [line], [], login="t", solver_status="optimal", solver_name="test", solve_seconds=0.0
        )
    before = hours_on_m1()
    assert "C#1" in planned_refs() and july_hours() == pytest.approx(5.0)
    stale_actions.cancel(plant, ["C#1"], login="plm", reason="x")
    # C#1 held 27 h on M1: 10 h in the approved June plan, 5 h in July's draft and 12 h of its rest (120 t)
    assert hours_on_m1() == pytest.approx(before - 27.0)
    assert "C#1" not in planned_refs()
    assert july_hours() == 0.0  # a plan no longer counts the hours another month's plan gave a cancelled remainder
    stale_actions.restore(plant, ["C#1"], login="plm", reason="x")
    assert hours_on_m1() == pytest.approx(before)


@pytest.mark.both_backends
def test_cancel_and_restore_on_each_backend(plant):
    stale_actions.cancel(plant, ["F"], login="plm", reason="no mill will ever make it")
    with plant.reading() as repo:
        disposed = repo.dispositions.disposed()
    (entry,) = disposed.values()
    assert (entry.position_ref, entry.tonnes_cancelled, entry.by) == ("F#1", 60.0, "plm")
    assert "F#1" not in reasons(plant)
    stale_actions.restore(plant, ["F"], login="plm", reason="a mill was certified")
    assert reasons(plant)["F#1"] == (R.OVERDUE, R.UNPLANNED, R.NO_MILL)


@pytest.mark.parametrize(("made", "stale_still"), [(99.9, False), (99.4, True)])
def test_a_remainder_under_half_a_tonne_is_not_stale(plant, made, stale_still):
    # A#1 (100 t, overdue): 0.1 t left reads as 0 t — a mill's tolerance, not a deal waiting;
    # 0.6 t left reads as 1 t and stays in the ledger
    with plant.unit_of_work() as repo:
        a1 = repo.plant.position("A", 1)
        repo.actuals.replace([ActualRecord(date(2027, 4, 1), "M1", a1.id, made)], "setup", "test")
    assert ("A#1" in reasons(plant)) is stale_still


def test_the_ledger_shows_months_and_dates_as_russians_write_them_and_tells_the_manager_so(plant, russian):
    view = stale_view(stale.ledger(plant), wide=True)
    columns = {c.key: c for c in view.columns}
    a = next(row for row in view.rows if row["key"] == "A#1")
    assert cell_text(a["requested_month"], columns["requested_month"]) == "мар 2027"
    assert cell_text(a["accepted_at"], columns["accepted_at"]) == "01.05.2027"
    stale_actions.extend(plant, ["A#1"], Month(2027, 9), login="plm", reason="client asked")
    (note,) = inbox(plant, "ivanov")
    assert "мар 2027 → сен 2027" in note.body
