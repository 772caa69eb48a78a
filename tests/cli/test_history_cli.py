"""``millplan history`` (CliRunner): the table people read names customers, mills and
users and gives plant times; a position's history holds the revisions' edits of it."""

from __future__ import annotations

from rich.console import Console
from typer.testing import CliRunner

from millplan import cli
from millplan.commands import common
from millplan.core.planning import run as planning
from millplan.core.workflow import assignments
from millplan.storage.store import open_store
from tests.plants import PLAN_MONTH, staff, tiny_plant


def test_the_table_reads_names_and_a_positions_edits(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'history.sqlite'}"
    store = open_store(url)
    tiny_plant(store)
    staff(store)
    planning.plan(store, PLAN_MONTH, login="plm", first_horizon=1)
    assignments.set_locked(store, PLAN_MONTH, "L", "D2#1", True, login="plm")  # its 500 t on M1
    assignments.set_excluded(store, PLAN_MONTH, "L", "D2#1", True, login="plm", reason="client waits")
    store.dispose()
    # one line a row, to read it whole: tables are rendered by commands.common's console
    monkeypatch.setattr(common, "out", Console(highlight=False, markup=False, width=200))
    deal = CliRunner().invoke(cli.app, ["--db", url, "history", "--object", "D2"])
    assert deal.exit_code == 0, deal.stderr
    assert "When (plant time)" in deal.stdout
    assert "customer: Other Co" in deal.stdout and "customer_id" not in deal.stdout
    position = CliRunner().invoke(cli.app, ["--db", url, "history", "--object", "D2#1"]).stdout
    [edit] = [line for line in position.splitlines() if "excluded" in line]
    assert (
        "Line Manager" in edit
        and f"{PLAN_MONTH} L revision 1" in edit  # the key as people read it
        and "client waits · position: D2#1; left out: 600 t" in edit
    )
    [lock] = [line for line in position.splitlines() if " locked " in line]
    assert f"position: D2#1; mill: M1; month: {PLAN_MONTH}; tonnes: 500 t" in lock  # where, when and how much
