"""``millplan plan`` over a horizon with options, ``prices``, explanations and infeasible
input, through typer's CliRunner on the hand-checkable plant of tests/horizon_plant.py."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from typer.testing import CliRunner

from millplan.cli import app
from millplan.core.domain.states import solver_status_label as solver_status
from millplan.storage.store import open_store
from tests.horizon_plant import horizon_plant
from tests.identity import act_as
from tests.plants import PLAN_MONTH, position
from tests.promise_plant import one_mill

M0, M1 = str(PLAN_MONTH), str(PLAN_MONTH + 1)


@pytest.fixture
def db(tmp_path, monkeypatch) -> str:
    act_as(monkeypatch, "plm")
    url = f"sqlite:///{tmp_path / 'horizon.sqlite'}"
    store = open_store(url)
    horizon_plant(store)
    store.dispose()
    return url


def run(db: str, *args: str):
    return CliRunner().invoke(app, ["--db", db, *args])


def plan_json(db: str, *args: str) -> dict:
    result = run(db, "plan", "--month", M0, "--json", *args)
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def tonnes(document: dict, key: str, ref: str, month: str | None = None) -> float:
    return sum(l["tonnes"] for l in document[key] if l["position"] == ref and (month is None or l["month"] == month))


def test_two_month_horizon_makes_the_short_position_late_not_lost(db):
    document = plan_json(db, "--horizon", "2")
    assert document["status"] == "optimal" and document["gap"] == 0.0
    assert document["horizon"] == [M0, M1]
    # m0: K#1 800 t (key first) + A#1 200 t = M1's 1 000 t; m1: A#1's other 200 t, B#1 500 t
    assert tonnes(document, "lines", "K#1") == pytest.approx(800)
    assert tonnes(document, "lines", "A#1") == pytest.approx(200)
    assert tonnes(document, "forecast", "A#1", M1) == pytest.approx(200)
    assert tonnes(document, "forecast", "B#1", M1) == pytest.approx(500)
    [late] = document["excluded"]
    assert late["position"] == "A#1" and late["reason_code"] == "late" and late["tonnes_left_out"] == pytest.approx(200)
    assert f"200.0 t planned for {M1}" in late["reason"]
    # an M1 hour in m0 brings 10 t of A#1 forward, saving 10 × 3 000 RUB of lateness
    prices = {(p["mill"], p["month"]): Decimal(p["rub_per_hour"]) for p in document["shadow_prices"]}
    assert prices["M1", M0] == Decimal("30000.00") and prices["M1", M1] == 0
    assert late["explanation"] == {
        "code": "late",
        "mill": "M1",
        "month": M0,
        "shadow_price_rub_per_hour": "30000.00",
        "earns_rub_per_hour": "30000.00",
    }


def test_one_month_horizon_leaves_it_out_and_a_penalty_above_its_margin_drops_the_late_tonnes(db):
    one = plan_json(db, "--horizon", "1")
    assert one["horizon"] == [M0] and one["forecast"] == []
    assert {e["position"]: e["reason_code"] for e in one["excluded"]} == {"A#1": "capacity_key_accounts"}
    # 25 000 RUB/t·month of lateness is more than A#1's 20 000 RUB/t: late tonnes would lose money
    dear = plan_json(db, "--horizon", "2", "--lateness-penalty", "25000")
    assert tonnes(dear, "forecast", "A#1") == 0 and tonnes(dear, "forecast", "B#1") == pytest.approx(500)


def test_options_are_kept_with_the_revision_and_a_replan_keeps_them(db):
    first = plan_json(db, "--horizon", "2", "--lock", f"B#1=M2@{M1}", "--min-lot", "M1=50", "--stability", "100")
    # B#1 is held on M2 in m1 though M1 earns more per hour on it
    assert [(l["mill"], l["tonnes"]) for l in first["forecast"] if l["position"] == "B#1"] == [("M2", 500.0)]
    again = plan_json(db)
    options = again["assignments"][0]["options"]
    assert options["horizon"] == 2 and options["min_lot"] == {"M1": 50.0} and options["stability"] == "100.00"
    assert options["locks"] == [{"position": "B#1", "mill": "M2", "month": M1, "tonnes": None}]
    shown = run(db, "assignment", "show", "--month", M0, "--line", "L")
    assert shown.exit_code == 0 and f"locked B#1=M2@{M1}" in shown.stdout and "min lot M1 50 t" in shown.stdout
    reset = plan_json(db, "--clear-options", "--horizon", "1")
    assert reset["assignments"][0]["options"]["locks"] == [] and reset["forecast"] == []


def test_status_line_and_moved_lines_are_told(db):
    result = run(db, "plan", "--month", M0, "--horizon", "2")
    assert result.exit_code == 0, result.stderr
    assert "solver HiGHS: optimal" in result.stderr


def test_prices_command_lists_each_mill_month(db):
    plan_json(db, "--horizon", "2")
    result = run(db, "prices", "--month", M0, "--json")
    assert result.exit_code == 0, result.stderr
    [line] = json.loads(result.stdout)
    assert {(p["mill"], p["month"]) for p in line["shadow_prices"]} == {("M1", M0), ("M1", M1), ("M2", M0), ("M2", M1)}
    table = run(db, "prices", "--month", M0)
    assert "30 000" in table.stdout and "M2" in table.stdout


def test_mandatory_and_locked_beyond_capacity_are_named_not_a_traceback(db):
    result = run(db, "plan", "--month", M0, "--horizon", "2", "--mandatory", "A#1", "--lock", f"K#1=M1@{M0}", "--json")
    assert result.exit_code == 3
    document = json.loads(result.stdout)
    assert document["status"] == "infeasible"
    # K#1 800 t (80 h) and A#1 400 t (40 h) need 120 h of M1's 100 h in m0
    assert "K#1" in document["message"] and "A#1" in document["message"] and f"M1 in {M0}" in document["message"]
    assert "Traceback" not in result.stderr


def test_a_lock_on_a_mill_that_cannot_make_the_size_is_named(db):
    result = run(db, "plan", "--month", M0, "--lock", f"K#1=M2@{M0}")
    assert result.exit_code == 3
    assert f"K#1 is locked on M2 in {M0}, which cannot make it" in result.stderr


@pytest.mark.parametrize(
    "args, code, says",
    [
        (["--lock", "K#1@M1"], 2, "POSITION=MILL@YYYY-MM"),
        (["--min-lot", "M1"], 2, "MILL=TONNES"),
        (["--min-lot", "M9=5"], 2, "unknown mill M9"),
        (["--lock", f"K#1=M1@{PLAN_MONTH + 5}"], 2, "outside the horizon"),
        (["--mandatory", "P#1"], 1, "P#1 cannot be mandatory"),  # its deal is not accepted
        (["--mandatory", "Z#9"], 1, "position Z#9 is not in the store"),
    ],
)
def test_bad_options_get_a_message_naming_them(db, args, code, says):
    result = run(db, "plan", "--month", M0, *args)
    assert result.exit_code == code, result.stdout
    assert says in result.stderr


def test_mandatory_and_month_locks_as_assignment_edits_take_effect_at_the_replan(db):
    plan_json(db, "--horizon", "2")
    made = run(db, "assignment", "mandatory", "A#1", "--month", M0, "--line", "L")
    assert made.exit_code == 0, made.stderr
    again = run(db, "assignment", "mandatory", "A#1", "--month", M0, "--line", "L")
    assert again.exit_code == 1 and "already mandatory" in again.stderr
    locked = run(db, "assignment", "lock", "B#1", "--month", M0, "--line", "L", "--mill", "M2", "--in", M1)
    assert locked.exit_code == 0, locked.stderr
    document = plan_json(db)
    # A#1 mandatory: all 400 t in m0, so K#1 (key) gets the 600 t M1 has left and its
    # other 200 t go to m1; B#1 on M2 as locked
    assert tonnes(document, "lines", "A#1") == pytest.approx(400)
    assert tonnes(document, "lines", "K#1") == pytest.approx(600)
    assert [(l["mill"], l["tonnes"]) for l in document["forecast"] if l["position"] == "B#1"] == [("M2", 500.0)]
    assert document["assignments"][0]["options"]["mandatory"] == ["A#1"]
    released = run(db, "assignment", "unlock", "B#1", "--month", M0, "--line", "L", "--months")
    optional = run(db, "assignment", "optional", "A#1", "--month", M0, "--line", "L")
    assert released.exit_code == 0 and optional.exit_code == 0
    options = plan_json(db)["assignments"][0]["options"]
    assert options["mandatory"] == [] and options["locks"] == []
    nothing = run(db, "assignment", "unlock", "B#1", "--month", M0, "--line", "L", "--months")
    assert nothing.exit_code == 1 and "no month lock" in nothing.stderr


def test_promise_a_deal_and_a_typed_position_saves_nothing(db):
    plan_json(db, "--horizon", "2")
    before = run(db, "history", "--json", "--limit", "500").stdout
    result = run(db, "promise", "P", "--month", M0, "--horizon", "1", "--json")
    assert result.exit_code == 1, result.stderr  # no month within the horizon: not a date to promise
    document = json.loads(result.stdout)
    # see tests/storage/test_promise.py: 200 t fit beside K#1 in m0, displacing A#1's 200 t
    assert document["earliest"] is None and document["made"] == pytest.approx(200) and document["saved"] is False
    assert (document["requested"], document["meets_request"], document["on_free_hours"]) == (M0, False, False)
    assert document["displaced"] == [
        {
            "position": "A#1",
            "deal": "A",
            "key_account": False,
            "sales_manager": "Иванов А. С.",
            "tonnes": 200.0,
            "before": M0,
            "after": None,
            "late_tonne_months": 0.0,
            "lateness_penalty_rub": "0.00",
            "out_of_horizon_tonnes": 200.0,
            "margin_lost_rub": "4000000.00",
        }
    ]
    # 200 t × 30 000 RUB/t for P#1 less A#1's 200 t × 20 000 RUB/t lost out of the horizon
    assert document["margin_change_rub"] == "2000000.00" and document["lateness_penalty_rub"] == "0.00"
    assert document["margin_lost_rub"] == "4000000.00" and document["lowers_marginal_income_by_rub"] is None
    people = run(db, "promise", "P", "--month", M0, "--horizon", "2")
    said = " ".join(people.stdout.split())  # as wrapped at 80 columns
    assert f"deal P: the requested {M0} cannot be met; the earliest month for all 700.0 t is {M1}" in said
    assert "nothing saved" in said
    typed = run(
        db,
        "promise",
        "--line",
        "L",
        "--od",
        "200",
        "--wall",
        "10",
        "--grade",
        "09Г2С",
        "--standard",
        "ГОСТ 8732",
        "--tonnes",
        "150",
        "--price",
        "40000",
        "--metal-cost",
        "30000",
        "--month",
        M0,
        "--requested",
        M1,
        "--json",
    )
    assert typed.exit_code == 0, typed.stderr
    # M2 is idle in m0: wanted in m1, all 150 t are made a month earlier on free hours
    assert {k: json.loads(typed.stdout)[k] for k in ("requested", "earliest", "on_free_hours", "meets_request")} == {
        "requested": M1,
        "earliest": M0,
        "on_free_hours": True,
        "meets_request": True,
    }
    assert run(db, "history", "--json", "--limit", "500").stdout == before
    beyond = run(
        db,
        "promise",
        "--line",
        "L",
        "--od",
        "500",
        "--wall",
        "10",
        "--grade",
        "20",
        "--standard",
        "ГОСТ 8732",
        "--tonnes",
        "10",
        "--price",
        "40000",
        "--metal-cost",
        "30000",
        "--month",
        M0,
    )
    assert beyond.exit_code == 1 and beyond.stdout.count("no compatible mill") == 1
    half = run(db, "promise", "--line", "L", "--od", "200")
    assert half.exit_code == 2 and "--wall" in half.stderr


def test_a_promise_that_loses_money_is_told_in_text_and_json(tmp_path, monkeypatch):
    # A#1 (20 000 RUB/t) fills M1 in m0; P#1's 300 t at 1 000 RUB/t, wanted in m0, push 300 t
    # of A#1 out of the one-month horizon: 300 × 1 000 − 300 × 20 000 = −5 700 000 RUB
    act_as(monkeypatch, "plm")
    url = f"sqlite:///{tmp_path / 'loss.sqlite'}"
    store = open_store(url)
    one_mill(store, [position("A", 1, "20", 1000, 51_000), position("P", 1, "20", 300, 32_000)], horizon=1)
    store.dispose()
    document = json.loads(run(url, "promise", "P", "--month", M0, "--horizon", "1", "--json").stdout)
    assert (document["meets_request"], document["margin_change_rub"]) == (True, "-5700000.00")
    assert document["lowers_marginal_income_by_rub"] == "5700000.00"
    said = " ".join(run(url, "promise", "P", "--month", M0, "--horizon", "1").stdout.split())
    assert "warning: accepting it would lower the plant's marginal income by 5 700 000 RUB" in said


@pytest.mark.parametrize(
    "status, gap, said",
    [
        ("optimal", 0.0, "optimal"),
        ("feasible", 0.0123, "feasible, gap 1.2 %"),
        ("feasible", None, "feasible, gap unknown"),
    ],
)
def test_the_status_line_says_optimal_or_feasible_with_its_gap(status, gap, said):
    assert solver_status(status, gap) == said
