"""A plan made in English, read by a Russian in the CLI: the reasons it left positions out are
Russian on screen and in the Excel export; ``--json`` keeps its fields (``reason_code``,
``reason`` in the CLI's language)."""

from __future__ import annotations

import json

import openpyxl
import pytest
from typer.testing import CliRunner

from millplan import cli
from millplan.core.planning import run as planning
from millplan.storage.store import open_store
from tests.plants import PLAN_MONTH, tiny_plant

MONTH = str(PLAN_MONTH)


@pytest.fixture
def db(tmp_path) -> str:
    url = f"sqlite:///{tmp_path / 'texts.sqlite'}"
    store = open_store(url)
    tiny_plant(store)
    planning.plan(store, PLAN_MONTH, login="plm")  # in English, as the tests speak by default
    store.dispose()
    return url


def _run(db, *args):
    result = CliRunner().invoke(cli.app, ["--db", db, *args])
    assert result.exit_code == 0, result.stderr
    return result


def test_reasons_written_in_english_read_in_russian_on_screen_in_excel_and_json(db, tmp_path, russian):
    shown = _run(db, "assignment", "show", "-m", MONTH, "-l", "L").stdout
    assert "нет подходящего агрегата" in shown and "no compatible mill" not in shown
    file = tmp_path / "assignment.xlsx"
    _run(db, "assignment", "show", "-m", MONTH, "-l", "L", "--xlsx", str(file))
    cells = [c.value for row in openpyxl.load_workbook(file).worksheets[2].iter_rows() for c in row]
    assert any(isinstance(v, str) and v.startswith("нет подходящего агрегата: M1: диаметр 400 мм") for v in cells)
    document = json.loads(_run(db, "assignment", "show", "-m", MONTH, "-l", "L", "--json").stdout)
    [excluded] = [e for e in document["excluded"] if e["position"] == "D3#2"]
    assert excluded["reason_code"] == "no_compatible_mill"
    assert excluded["reason"].startswith("нет подходящего агрегата")
