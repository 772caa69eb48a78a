"""``millplan import actuals FILE``: what it says to a person, its --json document, a file
refused whole, and the refusal of a role that may not import actuals."""

from __future__ import annotations

import json
from datetime import date

import pytest
from typer.testing import CliRunner

from millplan.cli import app
from millplan.storage.store import open_store
from tests.actuals_data import SAMPLE_TODAY, by_position, mes_rows, shop_rows, write_mes
from tests.identity import act_as
from tests.people import add_user


@pytest.fixture
def db(tmp_path, shared_data, monkeypatch) -> str:
    monkeypatch.setenv("MILLPLAN_TODAY", SAMPLE_TODAY)
    url = f"sqlite:///{tmp_path / 'millplan.cli.sqlite'}"
    assert run(url, "import", "mills", str(shared_data / "mills.xlsx")).exit_code == 0
    assert run(url, "import", "portfolio", str(shared_data / "portfolio-2026-12.xlsx")).exit_code == 0
    return url


def run(db: str, *args: str):
    return CliRunner().invoke(app, ["--db", db, *args])


def test_the_text_report_says_days_mills_tonnes_and_the_columns_not_used(db, shared_data):
    rows = shop_rows(shared_data / "actuals-2026-12.xlsx")

    result = run(db, "import", "actuals", str(shared_data / "actuals-2026-12.xlsx"))

    assert result.exit_code == 0, result.stderr
    out = " ".join(result.stdout.split()).replace("\u00a0", " ")
    assert f"actuals: {len(rows)} new, 0 updated, 0 unchanged" in out
    assert f"4 days (2026-12-01 – 2026-12-04), 8 mills: {len(rows)} rows read, {len(rows)} stored" in out
    total = f"{sum(t for *_, t in rows):,.1f}".replace(",", " ")
    assert f"0.0 t before, {total} t now; stored rows: 0 replaced by the file's, 0 removed" in out
    assert "REMOVED" not in out
    assert f"produced tonnes changed on {len(by_position(rows))} positions" in out
    err = " ".join(result.stderr.split())
    assert "actuals: sheet 'Факт производства', header row 4; 5 of 9 columns read" in err
    assert "column I 'Принято ОТК, т' read as 'Произведено, т'" in err
    assert "note: sheet 'Факт производства', column B 'Смена': ignored" in err


def test_json_holds_the_figures_and_nothing_else_on_stdout(db, shared_data):
    rows = mes_rows(shared_data / "actuals-2026-12.csv")

    result = run(db, "import", "actuals", str(shared_data / "actuals-2026-12.csv"), "--json")

    assert result.exit_code == 0, result.stderr
    document = json.loads(result.stdout)
    figures = document["figures"]
    assert figures["tonnes_after"] == pytest.approx(sum(t for *_, t in rows))
    assert figures["days"] == ["2026-12-01", "2026-12-02", "2026-12-03", "2026-12-04"]
    assert len(figures["mills"]) == 8
    assert {c["position"] for c in figures["produced_changed"]} == set(by_position(rows))
    assert document["counts"]["actuals"]["created"] == len(rows)
    assert document["rejected"] == []


def test_a_bad_file_is_refused_whole_with_exit_code_1_and_its_problems(db, shared_data, tmp_path):
    rows = mes_rows(shared_data / "actuals-2026-12.csv")
    path = write_mes(tmp_path / "bad.csv", [*rows[:3], (date(2026, 12, 9), rows[0][1], rows[0][2], 5.0)])

    result = run(db, "import", "actuals", str(path), "--json")

    assert result.exit_code == 1
    document = json.loads(result.stdout)
    (problem,) = document["problems"]
    assert (problem["row"], problem["column"], problem["header"]) == (5, "A", "Дата")
    assert "is after today (2026-12-05)" in problem["why"]
    with open_store(db).reading() as repo:
        assert repo.actuals.days(date(2026, 12, 1), date(2026, 12, 31)) == set()


def test_a_line_manager_is_refused_with_exit_code_5(db, shared_data, monkeypatch):
    store = open_store(db)
    add_user(store, "root", "Админов", "admin")
    add_user(store, "plm", "Петров", "line_manager")
    store.dispose()
    act_as(monkeypatch, "plm")

    result = run(db, "import", "actuals", str(shared_data / "actuals-2026-12.csv"))

    assert result.exit_code == 5
    assert "only a production planner or an admin may import the daily actuals" in " ".join(result.stderr.split())


def test_import_fields_lists_the_actuals_columns():
    result = CliRunner().invoke(app, ["import", "fields", "actuals"])

    assert result.exit_code == 0, result.stderr
    text = " ".join(result.stdout.split())
    for header in ("Дата", "Агрегат", "№ сделки", "№ поз.", "Позиция", "Произведено, т"):
        assert header in text


def test_a_day_imported_again_with_one_shift_says_it_removed_the_other_rows(db, shared_data, tmp_path):
    refs = list(
        dict.fromkeys(ref for _, mill, ref, _ in mes_rows(shared_data / "actuals-2026-12.csv") if mill == "ТПЦ8-102")
    )
    day = date(2026, 12, 3)
    first = [(day, "ТПЦ8-102", refs[0], 50.0), (day, "ТПЦ8-102", refs[1], 188.8)]
    assert run(db, "import", "actuals", str(write_mes(tmp_path / "day.csv", first))).exit_code == 0

    result = run(db, "import", "actuals", str(write_mes(tmp_path / "shift.csv", first[:1])))

    assert result.exit_code == 0, result.stderr
    out = " ".join(result.stdout.split()).replace("\u00a0", " ")
    assert "actuals: 0 new, 1 updated, 0 unchanged, 1 REMOVED" in out
    assert "REMOVED 1 stored row not in the file (a file replaces the whole day of each mill it holds" in out
    assert f"2026-12-03 ТПЦ8-102: {refs[1]} 188.8 t" in out
