"""The CLI's tables as a Russian reads them, and drawn in ASCII on the Linux console."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from millplan.cli import app
from millplan.core.domain import glyphs
from millplan.core.domain.months import month_text
from millplan.core.domain.numbers import NBSP
from millplan.storage.store import open_store
from tests.plants import PLAN_MONTH, tiny_plant


@pytest.fixture
def planned(tmp_path, monkeypatch) -> str:
    """tiny_plant planned for PLAN_MONTH; Unicode symbols unless a test says otherwise."""
    monkeypatch.delenv(glyphs.GLYPHS_ENV, raising=False)
    monkeypatch.setenv("TERM", "xterm")
    db = f"sqlite:///{tmp_path / 'formats.sqlite'}"
    store = open_store(db)
    tiny_plant(store)
    store.dispose()
    assert run(db, "plan", "--month", str(PLAN_MONTH)).exit_code == 0
    return db


def run(db: str, *args: str):
    return CliRunner().invoke(app, ["--db", db, *args])


def test_the_load_table_in_russian_has_its_months_and_numbers_as_russians_write_them(planned, russian):
    shown = run(planned, "load").stdout
    assert month_text(PLAN_MONTH) in shown and str(PLAN_MONTH) not in shown  # «янв 2027», not 2027-01
    lines = run(planned, "assignment", "show", "--month", str(PLAN_MONTH), "--line", "L").stdout
    assert "600,0" in lines  # D2#1's 600 t with a decimal comma
    assert (
        f"1{NBSP}200" in lines and "1 200" not in lines
    )  # 1 200 t in all: thousands apart by a space that never breaks


def test_the_linux_console_gets_ascii_bars(planned, monkeypatch):
    assert "█" in run(planned, "load").stdout
    monkeypatch.setenv("TERM", "linux")
    shown = run(planned, "load").stdout
    assert "#" in shown and not {"█", "▏", "▎", "▍", "▌", "▋", "▊", "▉"} & set(shown)
