"""``millplan stale`` from the command line (CliRunner): the ledger with filters and sort, its
JSON, the batch actions with their JSON, refusals and exit codes, and the limits."""

from __future__ import annotations

import json

import pytest
from rich.console import Console
from sqlalchemy import text
from typer.testing import CliRunner

from millplan import cli
from millplan.commands import common
from millplan.core.domain.errors import ExitCode
from millplan.core.domain.months import today_set
from millplan.storage.store import open_store
from tests.identity import act_as
from tests.stale_plant import TODAY, stale_plant


@pytest.fixture
def db(tmp_path) -> str:
    url = f"sqlite:///{tmp_path / 'stale.sqlite'}"
    store = open_store(url)
    with today_set(TODAY):
        stale_plant(store)
    store.dispose()
    return url


def run(db: str, *args: str, login: str = "plm"):
    """``millplan --db DB --today 2027-06-15 ARGS…`` run by the OS login ``login``."""
    with pytest.MonkeyPatch.context() as patch:
        act_as(patch, login)
        return CliRunner().invoke(cli.app, ["--db", db, "--today", TODAY.isoformat(), *args])


def test_the_ledger_as_json_has_the_columns_and_reason_codes(db):
    result = run(db, "stale", "--json", "--sort", "tonnes_left", "--desc")
    assert result.exit_code == 0, result.stderr
    document = json.loads(result.stdout)
    assert document["limits"] == {"months_overdue": 2, "accepted_days": 90, "idle_days": 60}
    rows = document["positions"]
    assert [r["position"] for r in rows] == ["C#1", "B#1", "A#1", "F#1", "D#1"]
    f = rows[3]
    assert f["reasons"] == ["overdue", "unplanned", "no_mill"]
    assert (f["key_account"], f["sales_manager"], f["months_overdue"], f["age_days"]) == (True, "Иванов А. С.", 5, 196)
    assert (f["tonnes_ordered"], f["tonnes_made"], f["tonnes_left"], f["margin_at_stake_rub"]) == (
        60.0,
        0.0,
        60.0,
        None,
    )
    assert rows[2]["margin_at_stake_rub"] == "1900000.00" and rows[2]["mill_hours"] == {"M1": 10.0}


def test_the_ledger_table_filters_by_reason_and_key_flag(db):
    result = run(db, "stale", "--reason", "no_mill", "--no-key")
    assert result.exit_code == 0, result.stderr
    assert "D#1" in result.stdout and "F#1" not in result.stdout and "A#1" not in result.stdout
    assert "no mill" in result.stdout


def test_an_unknown_sort_column_names_the_choices(db):
    result = run(db, "stale", "--sort", "colour")
    assert result.exit_code == ExitCode.USAGE and "choose one of position, deal" in result.stderr


def test_cancel_a_deal_and_restore_a_position_as_json(db):
    result = run(db, "stale", "cancel", "C", "A#1", "--reason", "clean-up", "--json")
    assert result.exit_code == 0, result.stderr
    document = json.loads(result.stdout)
    assert document["action"] == "cancel" and document["told"] == ["ivanov"]
    assert [(p["position"], p["tonnes_cancelled"], p["tonnes_left"]) for p in document["positions"]] == [
        ("A#1", 100.0, 0.0),
        ("C#1", 270.0, 0.0),
    ]
    assert "C#1" not in run(db, "stale").stdout
    restored = run(db, "stale", "restore", "C#1", "--reason", "client is back")
    assert restored.exit_code == 0 and "C#1" in restored.stdout
    assert "C#1" in run(db, "stale").stdout


def test_extend_priority_and_close(db):
    extended = run(db, "stale", "extend", "A#1", "--to", "2027-08", "--reason", "asked", "--confirmation", "call")
    assert extended.exit_code == 0, extended.stderr
    assert "2027-08" in extended.stdout
    assert run(db, "stale", "priority", "B#1", "--to", "1", "--reason", "r", "--json").exit_code == 0
    assert (
        json.loads(run(db, "stale", "priority", "B#1", "--to", "none", "--reason", "r", "--json").stdout)["positions"][
            0
        ]["manual_priority"]
        is None
    )
    closed = json.loads(run(db, "stale", "close", "D#1", "--reason", "done", "--json").stdout)
    assert closed["positions"][0]["completed"] is True


def test_a_refusal_changes_nothing_and_exits_with_the_refusal_code(db):
    refused = run(db, "stale", "cancel", "A#1", "B#1", "--reason", "x", login="ivanov")
    assert refused.exit_code == ExitCode.FORBIDDEN
    assert "only the product-line manager of L may" in refused.stderr
    unknown = run(db, "stale", "cancel", "A#1", "Z#9", "--reason", "x", "--json")
    assert unknown.exit_code == ExitCode.NOT_DONE and json.loads(unknown.stdout)["status"] == "error"
    assert "A#1" in run(db, "stale").stdout


def test_past_month_and_bad_priority_are_bad_input(db):
    assert run(db, "stale", "extend", "A#1", "--to", "2027-01", "--reason", "x").exit_code == ExitCode.USAGE
    assert run(db, "stale", "priority", "A#1", "--to", "top", "--reason", "x").exit_code == ExitCode.USAGE


def test_settings_are_shown_and_changed_by_a_line_manager_not_a_sales_manager(db):
    shown = run(db, "stale", "settings", "--json", login="ivanov")
    assert json.loads(shown.stdout) == {"months_overdue": 2, "accepted_days": 90, "idle_days": 60}
    assert run(db, "stale", "settings", "--months", "6", login="ivanov").exit_code == ExitCode.FORBIDDEN
    changed = run(db, "stale", "settings", "--months", "6", "--json")
    assert json.loads(changed.stdout)["months_overdue"] == 6
    assert "A#1" not in run(db, "stale").stdout


def test_disposed_lists_cancelled_and_closed_positions_whole_at_80_columns(db):
    assert run(db, "stale", "cancel", "A#1", "--reason", "x").exit_code == 0
    assert run(db, "stale", "close", "C#1", "--reason", "y").exit_code == 0
    document = json.loads(run(db, "stale", "--disposed", "--json").stdout)
    assert [(p["position"], p["state"], p["tonnes_cancelled"], p["by"]) for p in document["positions"]] == [
        ("A#1", "cancelled", 100.0, "plm"),
        ("C#1", "closed", 0.0, "plm"),
    ]
    assert document["positions"][1]["completed_at"] and document["positions"][0]["at"]
    shown = CliRunner().invoke(
        cli.app, ["--db", db, "--today", TODAY.isoformat(), "stale", "--disposed"], env={"COLUMNS": "80"}
    )
    assert shown.exit_code == 0, shown.stderr
    for header in ("Position", "State", "Canc., t", "Made, t", "When", "By", "Customer"):
        assert header in shown.stdout
    assert "A#1" in shown.stdout and "cancelled" in shown.stdout and "restore" in shown.stdout
    assert "Line M." in shown.stdout  # who did it by name (surname, initials), not the login "plm"
    assert max(len(line) for line in shown.stdout.splitlines()) <= 80
    assert run(db, "stale", "restore", "A#1", "--reason", "z").exit_code == 0
    assert [p["position"] for p in json.loads(run(db, "stale", "--disposed", "--json").stdout)["positions"]] == ["C#1"]


def test_nothing_disposed_says_so(db):
    result = run(db, "stale", "--disposed")
    assert result.exit_code == 0 and "No position is cancelled or closed." in result.stderr


@pytest.mark.parametrize("extra", [("--reason", "idle"), ("--sort", "left_t"), ("--desc",)])
def test_the_ledger_s_own_options_are_refused_with_disposed_not_ignored(db, extra):
    result = run(db, "stale", "--disposed", *extra)
    said = " ".join(result.stderr.replace("│", " ").split())  # the usage box wraps the message
    assert result.exit_code == ExitCode.USAGE and "are for stale positions, not the cancelled and closed ones" in said


@pytest.mark.parametrize("extra", [(), ("--disposed",)])
def test_an_unknown_line_is_an_error_naming_the_known_lines(db, extra):
    result = run(db, "stale", "--line", "ZZZ", *extra)
    assert result.exit_code != 0
    assert "product line ZZZ is not in the plant (known: L)" in result.stderr


def test_a_bad_month_to_extend_to_names_the_to_option(db):
    result = run(db, "stale", "extend", "A#1", "--to", "2027-13", "--reason", "x")
    assert result.exit_code == ExitCode.USAGE and "--to:" in result.stderr and "--month" not in result.stderr


def test_positions_show_a_cancelled_remainder_and_a_closed_position(db):
    assert run(db, "stale", "cancel", "A#1", "--reason", "x").exit_code == 0
    assert run(db, "stale", "close", "C#1", "--reason", "y").exit_code == 0
    shown = run(db, "positions")
    assert shown.exit_code == 0, shown.stderr
    assert "A#1: remainder of 100 t cancelled" in shown.stdout and "C#1: closed as complete" in shown.stdout
    rows = {p["position"]: p for p in json.loads(run(db, "positions", "--json").stdout)}
    assert (rows["A#1"]["tonnes_cancelled"], rows["A#1"]["completed"]) == (100.0, False)
    assert (rows["C#1"]["tonnes_cancelled"], rows["C#1"]["completed"]) == (0.0, True)
    assert (rows["B#1"]["tonnes_cancelled"], rows["B#1"]["completed"]) == (0.0, False)


def test_at_80_columns_every_header_is_whole_and_each_row_on_one_line(db, monkeypatch):
    monkeypatch.setattr(common, "out", Console(highlight=False, markup=False, width=80))
    result = run(db, "stale", "--sort", "position")
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    header = "Position Key Why stale Left, t MI, kRUB Customer Manager Late, mo"
    assert any(" ".join(line.split()) == header for line in lines), result.stdout
    rows = [line.split() for line in lines if line.split() and line.split()[0].endswith("#1")]
    # one line each, key flag shown, several reasons as the first and how many more,
    # the manager as surname and initials
    assert [r[0] for r in rows] == ["A#1", "B#1", "C#1", "D#1", "F#1"]
    assert rows[0][:3] == ["A#1", "yes", "overdue"] and rows[1][1] == "unplanned"
    assert rows[4][:4] == ["F#1", "yes", "overdue", "+2"] and rows[4][-2:] == ["А.С.", "5"]
    assert max(len(line) for line in lines) <= 80


def test_a_long_customer_is_cut_with_an_ellipsis_never_wrapped(db, monkeypatch):
    monkeypatch.setattr(common, "out", Console(highlight=False, markup=False, width=80))
    store = open_store(db)
    with store.unit_of_work() as repo:
        repo.session.execute(
            text("UPDATE customers SET name = 'Трубная торговая компания Север' WHERE name = 'Key Co'")
        )
    store.dispose()
    result = run(db, "stale", "--key")
    assert result.exit_code == 0, result.stderr
    rows = [line for line in result.stdout.splitlines() if "#1" in line]
    # cut with …, on one line, using the room the table has left (wider than its hint of 10)
    assert len(rows) == 2 and all(" Трубная торгова… " in line for line in rows), result.stdout


@pytest.mark.parametrize(
    ("targets", "title"), [(("A#1",), "Cancelled: 1 position (x)"), (("A#1", "B#1"), "Cancelled: 2 positions (x)")]
)
def test_the_batch_title_says_position_or_positions(db, targets, title):
    result = run(db, "stale", "cancel", *targets, "--reason", "x")
    assert result.exit_code == 0, result.stderr
    assert title in result.stdout


def test_an_extension_shows_months_as_russians_write_them(db, russian):
    extended = run(db, "stale", "extend", "A#1", "--to", "2027-08", "--reason", "x")
    assert extended.exit_code == 0, extended.stderr
    assert "авг 2027" in extended.stdout and "2027-08" not in extended.stdout
    past = run(db, "stale", "extend", "A#1", "--to", "2027-01", "--reason", "x")
    assert "янв 2027" in past.stderr and "июн 2027" in past.stderr and "2027-0" not in past.stderr
