"""`millplan request|conflict|escalation|review …` through typer's CliRunner: each role
allowed or refused, JSON documents, exit codes. The acting user is the OS login
(tests/identity.py). Figures: tests/levers.py."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from millplan.cli import app
from millplan.storage.store import open_store
from tests.identity import act_as
from tests.levers import conflict_plant
from tests.plants import PLAN_MONTH

MONTH = str(PLAN_MONTH)


@pytest.fixture
def db(tmp_path) -> str:
    url = f"sqlite:///{tmp_path / 'levers.sqlite'}"
    store = open_store(url)
    conflict_plant(store)
    store.dispose()
    return url


def run(db: str, login: str, *args: str):
    with pytest.MonkeyPatch.context() as patch:
        act_as(patch, login)
        return CliRunner().invoke(app, ["--db", db, *args])


def document(result):
    return json.loads(result.stdout)


def test_a_sales_manager_raises_and_the_line_manager_grants(db):
    raised = run(db, "ivanov", "request", "priority", "D6#1", "--raise", "--why", "the client's line stops", "--json")
    assert raised.exit_code == 0, raised.stderr
    request = document(raised)
    assert (request["state"], request["kind"], request["month"]) == ("open", "priority_raise", MONTH)
    assert request["margin_at_stake_rub"] == "-500000.00"
    assert [(s["position"], s["tonnes_after"]) for s in request["effect"]["displaced"]] == [("D1#1", 600.0)]

    listed = run(db, "plm", "request", "list", "--mine", "--open", "--json")
    assert [r["id"] for r in document(listed)] == [request["id"]]

    granted = run(db, "plm", "request", "grant", str(request["id"]), "--json")
    assert granted.exit_code == 0, granted.stderr
    answer = document(granted)
    assert answer["state"] == "granted" and answer["answered_by"] == "plm"
    assert sum(x["tonnes"] for x in answer["assignment"]["lines"] if x["position"] == "D6#1") == 600
    assert answer["effect"]["margin_change_rub"] == "-500000.00"

    again = run(db, "director", "request", "refuse", str(request["id"]), "--reason", "no", "--json")
    assert again.exit_code == 3
    assert document(again)["status"] == "error" and "changed by plm" in document(again)["message"]


def test_someone_elses_position_is_refused_with_exit_5_and_a_json_error(db):
    result = run(db, "petrov", "request", "priority", "D6#1", "--raise", "--why", "mine now", "--json")
    assert result.exit_code == 5
    error = document(result)
    assert error["exit_code"] == 5 and "only the deal's sales manager (Иванов А. С.)" in error["message"]
    assert "Петров П. П. is a sales manager" in result.stderr  # by name, not login


def test_usage_errors_exit_2(db):
    no_direction = run(db, "ivanov", "request", "priority", "D6#1", "--why", "x")
    assert no_direction.exit_code == 2
    bad_month = run(db, "plm", "conflict", "later", "1", "--month", "next spring")
    assert bad_month.exit_code == 2 and "--month" in bad_month.stderr
    no_why = run(db, "ivanov", "request", "replace", "D6#1", "--by", "D3#1", "--why", " ")
    assert no_why.exit_code == 2 and "justification" in no_why.stderr


def test_conflict_dry_run_escalation_and_the_directors_decision(db):
    listed = run(db, "plm", "conflict", "list", "--month", MONTH, "--line", "L", "--open", "--json")
    [conflict] = document(listed)
    assert (conflict["position"], conflict["tonnes_short"], conflict["margin_at_stake_rub"]) == (
        "D6#1",
        100.0,
        "1400000.00",
    )

    assert [c["id"] for c in document(run(db, "ivanov", "conflict", "list", "--mine", "--json"))] == [conflict["id"]]
    assert document(run(db, "petrov", "conflict", "list", "--mine", "--json")) == []
    dry = run(db, "ivanov", "conflict", "force", str(conflict["id"]), "--dry-run", "--json")
    assert dry.exit_code == 0 and document(dry)["assignment"] is None
    assert document(dry)["effect"]["margin_change_rub"] == "-500000.00"

    refused = run(db, "ivanov", "conflict", "force", str(conflict["id"]))
    assert refused.exit_code == 5 and "only the product-line manager of L may resolve a conflict" in refused.stderr

    escalated = run(db, "plm", "conflict", "escalate", str(conflict["id"]), "--why", "two key accounts", "--json")
    assert escalated.exit_code == 0, escalated.stderr
    escalation = document(escalated)

    not_director = run(db, "plm", "escalation", "decide", str(escalation["id"]), "--force", "--reason", "x")
    assert not_director.exit_code == 5
    decided = run(
        db,
        "director",
        "escalation",
        "decide",
        str(escalation["id"]),
        "--later",
        str(PLAN_MONTH + 1),
        "--reason",
        "Key Co waits",
        "--json",
    )
    assert decided.exit_code == 0, decided.stderr
    outcome = document(decided)
    assert outcome["outcome"] == "later_month" and outcome["conflict"]["agreed_month"] == str(PLAN_MONTH + 1)
    people = run(db, "director", "escalation", "list")
    assert {"decided", "later", "month", "director:", "waits"} <= set(people.stdout.split())


def test_the_planner_reviews_and_the_line_manager_answers(db):
    agreed = run(db, "planner", "review", "agree", "--month", MONTH, "--line", "L", "--json")
    assert agreed.exit_code == 0 and document(agreed)["verdict"] == "agree"
    objected = run(
        db, "planner", "review", "object", "D2#1", "--month", MONTH, "--line", "L", "--reason", "week 3 only", "--json"
    )
    objection = document(objected)
    assert objection["open"] and objection["position"] == "D2#1"
    assert run(db, "plm", "review", "agree", "--month", MONTH, "--line", "L").exit_code == 5
    answered = run(db, "plm", "review", "answer", str(objection["id"]), "--reply", "week 2 is free", "--json")
    assert answered.exit_code == 0 and not document(answered)["open"]
    table = run(db, "plm", "review", "list", "--month", MONTH, "--line", "L")
    assert {"agree", "object", "D2#1", "plm:", "free"} <= set(table.stdout.split())


def test_a_reapproval_round_and_a_replacement_through_the_cli(db):
    round_ = run(
        db, "ivanov", "request", "reapproval", "--month", MONTH, "--line", "L", "--why", "prices changed", "--json"
    )
    assert round_.exit_code == 0, round_.stderr
    granted = run(db, "plm", "request", "grant", str(document(round_)["id"]), "--json")
    assert document(granted)["escalation"]["request"] == document(round_)["id"]
    replace = run(db, "ivanov", "request", "replace", "D6#1", "--by", "D3#1", "--why", "D3 pays cash")
    assert replace.exit_code == 0, replace.stderr
    assert "replace D6#1 by D3#1" in replace.stdout
    refused = run(db, "plm", "request", "refuse", "2", "--reason", "D6 is a key account")
    assert refused.exit_code == 0 and "request 2 refused" in refused.stdout
    lower = run(db, "ivanov", "request", "priority", "D1#1", "--lower", "--why", "can wait", "--json")
    assert document(lower)["margin_at_stake_rub"] != "0.00"
    assert run(db, "petrov", "request", "withdraw", str(document(lower)["id"])).exit_code == 5
    withdrawn = run(db, "ivanov", "request", "withdraw", str(document(lower)["id"]), "--json")
    assert withdrawn.exit_code == 0 and document(withdrawn)["state"] == "withdrawn"
