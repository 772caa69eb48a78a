"""`millplan import` says what it read: columns read under another name, ignored columns,
plan-driving fields not found, and what a re-import changes in them (text and --json)."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from millplan.cli import app
from tests.portfolio_files import POSITIONS, SPELLED, protected_by_an_unknown_attribute, rewrite, write_portfolio


@pytest.fixture
def db(tmp_path, shared_data) -> str:
    url = f"sqlite:///{tmp_path / 'millplan.cli.sqlite'}"
    assert run(url, "import", "mills", str(shared_data / "mills.xlsx")).exit_code == 0
    return url


def run(db: str, *args: str):
    return CliRunner().invoke(app, ["--db", db, *args])


def test_text_report_names_how_columns_were_read_and_what_changed(db, tmp_path):
    first = run(db, "import", "portfolio", str(write_portfolio(tmp_path / "a.xlsx", SPELLED, POSITIONS)))
    assert first.exit_code == 0, first.stderr
    text = " ".join(first.stderr.split())  # Rich wraps long lines at the terminal's width
    assert "portfolio: sheet 'Заказы', header row 2; 16 of 18 columns read" in text
    assert "column H 'Д нар., мм' read as 'Диаметр, мм'" in text
    assert "column A '№ сделки' read as" not in text  # a header that is the label goes without saying
    assert "note: sheet 'Заказы', column Q 'Вагоны': ignored" in text
    assert "note: 'Приоритет': not found, taken as none for new positions" in text

    demoted = [{**p, "is_key_account": "нет"} if p["customer"] == "ООО А" else p for p in POSITIONS]
    second = run(db, "import", "portfolio", str(write_portfolio(tmp_path / "b.xlsx", SPELLED, demoted)))
    assert second.exit_code == 0, second.stderr
    assert "note: 'Ключевой клиент' turned off on 1 customer: ООО А (yes → no)" in " ".join(second.stderr.split())
    assert "customers: 0 new, 1 updated, 1 unchanged" in second.stdout


def test_json_report_holds_every_column_and_the_changes(db, tmp_path):
    run(db, "import", "portfolio", str(write_portfolio(tmp_path / "a.xlsx", SPELLED, POSITIONS)))
    lowered = [
        {**p, "tonnes_produced": 10} if (p["deal_number"], p["position_no"]) == ("Д-1", 2) else p for p in POSITIONS
    ]

    result = run(db, "import", "portfolio", str(write_portfolio(tmp_path / "b.xlsx", SPELLED, lowered)), "--json")

    assert result.exit_code == 0, result.stderr
    document = json.loads(result.stdout)
    assert [c["header"] for c in document["columns"]] == list(SPELLED)
    assert [c["field"] for c in document["columns"]] == list(SPELLED.values())
    assert (
        "sheet 'Заказы', column R 'Комментарий логиста': ignored, millplan reads no field of that name"
        in document["notes"]
    )
    assert document["changes"] == [
        {
            "object_type": "position",
            "object": "Д-1#2",
            "field": "tonnes_produced",
            "label": "Произведено, т",
            "before": 40.0,
            "after": 10.0,
            "direction": "lowered",
        },
    ]
    assert "'Произведено, т' lowered on 1 position: Д-1#2 (40 → 10)" in document["notes"]
    assert {m["field"] for m in document["missing"]} == {"manual_priority", "accepted_at"}


def test_a_damaged_workbook_is_one_json_document_and_the_bad_file_exit_code(db, tmp_path):
    valid = write_portfolio(tmp_path / "valid.xlsx", SPELLED, POSITIONS)
    damaged = tmp_path / "damaged.xlsx"
    rewrite(valid, damaged, "xl/workbook.xml", protected_by_an_unknown_attribute)
    not_a_book = tmp_path / "notes.xlsx"
    not_a_book.write_text("не книга", encoding="utf-8")

    result = run(db, "import", "portfolio", str(damaged), "--json")

    assert result.exit_code == run(db, "import", "portfolio", str(not_a_book), "--json").exit_code != 0
    document = json.loads(result.stdout)
    assert (document["status"], document["file"]) == ("rejected", str(damaged))
    [problem] = document["problems"]
    assert "damaged or not a workbook millplan can read: its part xl/workbook.xml" in problem["why"]
    assert "Traceback" not in result.stdout + result.stderr


def test_a_column_without_a_header_counts_among_the_columns_and_is_named(db, tmp_path):
    import openpyxl

    path = write_portfolio(tmp_path / "a.xlsx", SPELLED, POSITIONS)
    book = openpyxl.load_workbook(path)
    for row in (3, 4, 5):
        book.active[f"V{row}"] = "важно: не отгружать"
    book.save(path)

    result = run(db, "import", "portfolio", str(path))

    assert result.exit_code == 0, result.stderr
    text = " ".join(result.stderr.split())
    assert "portfolio: sheet 'Заказы', header row 2; 16 of 19 columns read" in text
    assert "note: sheet 'Заказы', column V (no header, 3 values, e.g. 'важно: не отгружать'): ignored" in text
