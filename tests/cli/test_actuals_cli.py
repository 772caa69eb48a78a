"""``millplan actuals`` (CliRunner): the tables people read — by mill, by position, the
carry-over and the notes — and the --json document's keys and figures."""

from __future__ import annotations

import json

import openpyxl
from rich.console import Console
from typer.testing import CliRunner

from millplan import cli
from millplan.commands import common
from millplan.storage.store import open_store
from tests.fulfilment_plant import planned_month
from tests.month_loop import approved_month, produce, second_line
from tests.plants import PLAN_MONTH


def _store(tmp_path, approve: bool = True) -> str:
    url = f"sqlite:///{tmp_path / 'actuals.sqlite'}"
    store = open_store(url)
    planned_month(store, approve=approve)
    store.dispose()
    return url


def test_json_holds_month_totals_mills_positions_and_carry_over(tmp_path):
    url = _store(tmp_path)
    result = CliRunner().invoke(cli.app, ["--db", url, "actuals", "--month", str(PLAN_MONTH), "--line", "L", "--json"])
    assert result.exit_code == 0, result.stderr
    document = json.loads(result.stdout)
    assert {"month", "totals", "mills", "positions", "carry_over"} <= document.keys()
    assert document["month"] == str(PLAN_MONTH)
    assert set(document["totals"]) == {
        "planned_t",
        "actual_t",
        "credited_t",
        "off_plan_t",
        "fulfilment_pct",
        "marginal_income_planned_rub",
        "marginal_income_earned_rub",
    }
    assert document["totals"]["marginal_income_earned_rub"] == "12140000.00"  # money as text, to the kopeck
    m1 = next(m for m in document["mills"] if m["mill"] == "M1")
    assert (m1["credited_t"], m1["off_plan_t"], m1["hours_used"], m1["hours_available"]) == (400.0, 80.0, 48.0, 100.0)
    assert document["carry_over"] == [{"position": "D2#1", "tonnes": 300.0}, {"position": "D3#1", "tonnes": 30.0}]


def test_the_tables_name_mills_positions_carry_over_and_a_missing_approval(tmp_path, monkeypatch):
    url = _store(tmp_path, approve=False)
    monkeypatch.setattr(common, "out", Console(highlight=False, markup=False, width=200))
    result = CliRunner().invoke(cli.app, ["--db", url, "actuals", "-m", str(PLAN_MONTH)])
    assert result.exit_code == 0, result.stderr
    assert f"line L has no approved assignment for {PLAN_MONTH}" in result.stdout
    assert "Plan against actual by mill" in result.stdout
    tonnes, hours = [line.split() for line in result.stdout.splitlines() if line.strip().startswith("M1 ")]
    assert tonnes == ["M1", "0", "480", "0", "480"]  # all it made is off plan; no fulfilment without a plan
    assert hours[:4] == ["M1", "48", "100", "48"]  # 480 t at 10 t/h of its 100 h
    assert "Carry-over" not in result.stdout  # nothing was planned, so nothing carries over


def test_an_unknown_line_or_month_is_a_user_error(tmp_path):
    url = _store(tmp_path)
    unknown = CliRunner().invoke(cli.app, ["--db", url, "actuals", "-m", str(PLAN_MONTH), "-l", "XX"])
    assert unknown.exit_code == 1 and "product line XX" in unknown.stderr
    bad = CliRunner().invoke(cli.app, ["--db", url, "actuals", "-m", "2027-13"])
    assert bad.exit_code != 0 and "--month" in bad.stderr


def test_xlsx_writes_each_table_as_a_sheet_of_real_numbers(tmp_path):
    url = _store(tmp_path)
    file = tmp_path / "plan-vs-actual.xlsx"
    after = f"{PLAN_MONTH + 1}-01"  # the month is over: what it left unmade is a carry-over
    result = CliRunner().invoke(
        cli.app, ["--db", url, "--today", after, "actuals", "-m", str(PLAN_MONTH), "--xlsx", str(file)]
    )
    assert result.exit_code == 0, result.stderr
    assert f"written to {file}" in result.stderr
    book = openpyxl.load_workbook(file)
    assert book.sheetnames == [
        "Plan against actual by mill",
        "Hours and marginal income by mi",  # Excel's 31 characters
        "Plan against actual by position",
        "Carry-over",
    ]
    mills = book["Plan against actual by mill"]
    assert mills["A1"].value == "Plan against actual by mill"
    assert mills["A2"].value.startswith(f"{PLAN_MONTH} · report of ")  # what and when
    assert (mills.freeze_panes, mills.auto_filter.ref) == ("A4", "A3:F5")
    assert [c.value for c in mills[3]] == ["Mill", "Plan, t", "Actual, t", "Credited, t", "Off plan, t", "Fulf., %"]
    assert [c.value for c in mills[4]][:5] == ["M1", 700, 480, 400, 80]  # numbers, not text
    positions = book["Plan against actual by position"]
    assert [c.value for c in positions[3]][-3:] == ["Carry, t", "Planned on", "Made on"]  # Excel has the detail
    key = {row[0].value: row[1].value for row in positions.iter_rows(min_row=4)}
    assert key == {"D2#1": None, "D3#1": None, "D1#1": "yes"}
    assert [[c.value for c in row] for row in book["Carry-over"].iter_rows(min_row=4)] == [["D2#1", 300], ["D3#1", 30]]


def test_xlsx_to_a_folder_that_does_not_exist_is_a_user_error(tmp_path):
    url = _store(tmp_path)
    file = tmp_path / "missing" / "out.xlsx"
    result = CliRunner().invoke(cli.app, ["--db", url, "actuals", "-m", str(PLAN_MONTH), "--xlsx", str(file)])
    assert result.exit_code != 0 and f"cannot write {file}" in result.stderr
    assert not file.exists()


def test_every_table_fits_80_columns_with_its_headers_whole(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'two-lines.sqlite'}"
    store = open_store(url)
    produce(store, approved_month(store))
    second_line(store)  # two lines: every mill table has a Line column
    store.dispose()
    monkeypatch.setattr(common, "out", Console(highlight=False, markup=False, width=80))
    during = f"{PLAN_MONTH}-15"  # the month in progress: the to-date table too
    result = CliRunner().invoke(cli.app, ["--db", url, "--today", during, "actuals", "-m", str(PLAN_MONTH)])
    assert result.exit_code == 0, result.stderr
    for title, header in (
        ("Plan against actual by mill", "Mill Line Plan, t Actual, t Credited, t Off plan, t Fulf., %"),
        ("Plan against actual to date by mill", "Mill Line Plan to date, t Actual to date, t Made of plan, %"),
        ("Hours and marginal income by mill", "Mill Line Used, h Avail., h Used, % MI plan, k RUB MI earned, k RUB"),
        ("Plan against actual by position", "Position Key Plan, t Actual, t Credited, t Fulf., % To make, t"),
        ("Left to make", "Position Line Left to make, t"),  # the month in progress: nothing carried over yet
    ):
        assert title in result.stdout
        assert any(" ".join(line.split()) == header for line in result.stdout.splitlines()), header
    assert "…" not in result.stdout and max(len(line) for line in result.stdout.splitlines()) <= 80
