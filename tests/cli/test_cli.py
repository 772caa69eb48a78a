"""The command line through typer's CliRunner, and one real process for --json purity."""

from __future__ import annotations

import json
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from millplan.cli import app
from millplan.storage.store import open_store
from tests.plants import PLAN_MONTH, tiny_plant

ROOT = Path(__file__).resolve().parents[2]
MONTH = str(PLAN_MONTH)


@pytest.fixture
def db(tmp_path) -> str:
    return f"sqlite:///{tmp_path / 'millplan.cli.sqlite'}"


@pytest.fixture
def tiny_db(db) -> str:
    store = open_store(db)
    tiny_plant(store)
    store.dispose()
    return db


def run(db: str, *args: str):
    return CliRunner().invoke(app, ["--db", db, *args])


def test_import_both_shared_files_then_plan_json(db, shared_data):
    mills = run(db, "import", "mills", str(shared_data / "mills.xlsx"))
    assert mills.exit_code == 0, mills.stderr
    assert "mills: 8 new" in mills.stdout
    portfolio = run(db, "import", "portfolio", str(shared_data / "portfolio-2026-12.xlsx"))
    assert portfolio.exit_code == 0, portfolio.stderr
    assert "positions: 700 new" in portfolio.stdout
    again = run(db, "import", "portfolio", str(shared_data / "portfolio-2026-12.xlsx"))
    assert "positions: 0 new, 0 updated, 700 unchanged" in again.stdout

    result = run(db, "plan", "--month", MONTH, "--json")
    assert result.exit_code == 0, result.stderr
    document = json.loads(result.stdout)
    assert document["status"] == "optimal" and document["month"] == MONTH
    lines = document["lines"]
    assert document["totals"]["tonnes"] == pytest.approx(sum(l["tonnes"] for l in lines), abs=0.01)
    assert document["totals"]["key_account_tonnes"] == pytest.approx(
        sum(l["tonnes"] for l in lines if l["key_account"]), abs=0.01
    )
    assert Decimal(document["totals"]["marginal_income_rub"]) == sum(Decimal(l["marginal_income_rub"]) for l in lines)
    assert {a["product_line"] for a in document["assignments"]} == {"БШТ", "ТБД", "ХДТ", "ЭСТ"}
    assert all(e["reason"] and e["reason_code"] for e in document["excluded"])


def test_json_stdout_is_one_document_even_from_a_real_process(tiny_db, tmp_path):
    # The HiGHS banner is written by C++ to descriptor 1 on the first solve of a process;
    # only a real process shows whether it leaks into --json output.
    command = [
        sys.executable,
        "-c",
        "from cli import main; main()",
        "--db",
        tiny_db,
        "plan",
        "--month",
        MONTH,
        "--json",
    ]
    done = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert done.returncode == 0, done.stderr
    document = json.loads(done.stdout)  # fails on any banner or message in stdout
    assert document["totals"]["key_account_tonnes"] == 700
    assert "Running HiGHS" not in done.stdout + done.stderr


def test_plan_prints_tables_for_people(tiny_db):
    result = run(tiny_db, "plan", "--month", MONTH, "--line", "L")
    assert result.exit_code == 0
    assert f"{MONTH} L — revision 1, draft" in result.stdout
    assert "no compatible mill" in result.stdout
    assert "optimal" in result.stderr


def test_lock_exclude_approve_cycle(tiny_db):
    assert run(tiny_db, "plan", "--month", MONTH, "--horizon", "1").exit_code == 0  # the month alone, as computed
    locked = run(tiny_db, "assignment", "lock", "D1#1", "--month", MONTH, "--line", "L", "--json")
    assert locked.exit_code == 0
    assert all(l["locked"] for l in json.loads(locked.stdout)["lines"] if l["position"] == "D1#1")
    excluded = run(
        tiny_db, "assignment", "exclude", "D2#1", "--month", MONTH, "--line", "L", "--reason", "waits for steel"
    )
    assert excluded.exit_code == 0
    shown = json.loads(run(tiny_db, "assignment", "show", "--month", MONTH, "--line", "L", "--json").stdout)
    manual = [e for e in shown["excluded"] if e["manual"]]
    assert [e["position"] for e in manual] == ["D2#1"] and "waits for steel" in manual[0]["reason"]
    # the life cycle: approval needs the revision submitted for review first
    assert run(tiny_db, "approve", "--month", MONTH, "--line", "L").exit_code == 1
    assert run(tiny_db, "submit", "--month", MONTH, "--line", "L").exit_code == 0
    approved = run(tiny_db, "approve", "--month", MONTH, "--line", "L", "--json")
    assert approved.exit_code == 0 and json.loads(approved.stdout)["state"] == "approved"
    refused = run(tiny_db, "assignment", "lock", "D3#1", "--month", MONTH, "--line", "L")
    assert refused.exit_code == 1 and f"D3#1 has no line in {MONTH} L revision 1" in refused.stderr
    reopened = run(tiny_db, "assignment", "unlock", "D1#1", "--month", MONTH, "--line", "L", "--json")
    assert reopened.exit_code == 0  # a change after approval opens revision 2; revision 1 stays frozen
    assert (json.loads(reopened.stdout)["revision"], json.loads(reopened.stdout)["state"]) == (2, "re_approval")
    history = run(tiny_db, "history", "--object", f"{MONTH}/L/r1", "--json")
    assert [e["action"] for e in json.loads(history.stdout)] == [
        "approved",
        "submitted",
        "excluded",
        "locked",
        "drafted",
    ]


def test_deal_acceptance_from_the_command_line(tiny_db):
    waiting = json.loads(run(tiny_db, "deals", "--json").stdout)
    assert [d["deal"] for d in waiting] == ["D4"]
    # D4#1: 500 t at 10 t/h on M1 = 50 h; margin 90 000 − 30 000 − 1 000 = 59 000 RUB/t
    assert waiting[0]["mill_hours"] == {"M1": 50.0}
    assert waiting[0]["marginal_income_rub"] == "29500000.00"
    reject = run(tiny_db, "deal", "reject", "D4")
    assert reject.exit_code == 2  # --reason is required
    accepted = run(tiny_db, "deal", "accept", "D4")
    assert accepted.exit_code == 0 and "D4 accepted" in accepted.stdout
    again = run(tiny_db, "deal", "accept", "D4")
    assert again.exit_code == 1 and "not waiting for acceptance" in again.stderr
    assert json.loads(run(tiny_db, "deals", "--json").stdout) == []


def test_load_and_positions_json(tiny_db):
    load = json.loads(run(tiny_db, "load", "--months", "3", "--json").stdout)
    assert len(load["months"]) == 3
    assert {m["mill"] for m in load["mills"]} == {"M1", "M2"}
    positions = json.loads(run(tiny_db, "positions", "--deal", "D3", "--json").stdout)
    by_ref = {p["position"]: p for p in positions}
    assert [m["mill"] for m in by_ref["D3#1"]["mills"]] == ["M1", "M2"]
    assert by_ref["D3#1"]["mills"][0]["unit_marginal_income_rub_per_t"] == "9000.00"
    assert by_ref["D3#2"]["mills"] == [] and "OD 400" in by_ref["D3#2"]["no_mill_reason"]


def test_bad_import_names_the_cell_and_writes_nothing(db, shared_data, tmp_path):
    assert run(db, "import", "mills", str(shared_data / "mills.xlsx")).exit_code == 0
    book = openpyxl.load_workbook(shared_data / "portfolio-2026-12.xlsx")
    sheet = book.active
    sheet["O10"] = -5  # tonnes of the 7th position
    broken = tmp_path / "broken.xlsx"
    book.save(broken)
    result = run(db, "import", "portfolio", str(broken))
    assert result.exit_code == 1
    assert "broken.xlsx" in result.stderr and "row 10" in result.stderr and "column O" in result.stderr
    assert "negative" in result.stderr
    as_json = run(db, "import", "portfolio", str(broken), "--json")
    document = json.loads(as_json.stdout)
    assert document["status"] == "rejected" and "nothing imported" in document["message"] and document["exit_code"] == 1
    problem = document["problems"][0]
    assert (problem["sheet"], problem["row"], problem["column"], problem["value"]) == ("Портфель", 10, "O", "-5")
    assert json.loads(run(db, "deals", "--json").stdout) == []  # nothing was written


def test_usage_and_store_errors_have_their_exit_codes(tiny_db):
    assert run(tiny_db, "plan", "--month", "January").exit_code == 2
    unreachable = CliRunner().invoke(app, ["--db", "postgresql+psycopg://u:pw@127.0.0.1:1/x", "load"])
    assert unreachable.exit_code == 4 and "cannot open the database" in unreachable.stderr
    assert "pw@" not in unreachable.stderr


def test_demo_builds_its_own_plant_once_and_refuses_another_database(tmp_path, monkeypatch):
    monkeypatch.setattr(
        "millplan.commands.workstation.demo_paths",
        lambda: (tmp_path / "demo" / "demo.sqlite", tmp_path / "demo" / "files"),
    )
    first = CliRunner().invoke(app, ["demo", "--no-tui"])
    assert first.exit_code == 0, first.stderr
    assert "Building the demo plant" in first.stderr
    assert (tmp_path / "demo" / "files" / "portfolio.xlsx").exists()
    again = CliRunner().invoke(app, ["demo", "--no-tui"])
    assert "Building" not in again.stderr
    db = f"sqlite:///{tmp_path / 'demo' / 'demo.sqlite'}"
    assert len(json.loads(run(db, "deals", "--json").stdout)) > 0
    planned = json.loads(run(db, "assignment", "show", "--month", MONTH, "--line", "ТБД", "--json").stdout)
    assert planned["state"] == "draft" and planned["lines"]
    refused = CliRunner().invoke(app, ["--db", "sqlite:///elsewhere.sqlite", "demo", "--no-tui"])
    assert refused.exit_code == 2 and "own database" in refused.stderr


def test_deal_decisions_as_json(tiny_db):
    rejected = json.loads(run(tiny_db, "deal", "reject", "D4", "--reason", "no capacity", "--json").stdout)
    assert (rejected["status"], rejected["rejection_reason"], rejected["accepted_by"]) == (
        "rejected",
        "no capacity",
        None,
    )
    again = run(tiny_db, "deal", "accept", "D4", "--json")  # a rejected deal cannot be accepted
    failure = json.loads(again.stdout)
    assert again.exit_code == 1 and failure["status"] == "error" and "D4 is rejected" in failure["message"]


def test_every_json_command_answers_with_one_document_even_when_it_fails(tiny_db):
    bad_month = run(tiny_db, "plan", "--month", "2027-13", "--json")
    assert bad_month.exit_code == 2 and json.loads(bad_month.stdout)["status"] == "error"
    unplanned = run(tiny_db, "assignment", "show", "--month", MONTH, "--line", "L", "--json")
    assert unplanned.exit_code == 1 and "run the prioritiser first" in json.loads(unplanned.stdout)["message"]
