"""``db backup`` / ``db restore`` on PostgreSQL print a ``pg_dump`` / ``pg_restore`` command
that works as printed: run through a shell against the local server, a dump of one
database restores into a fresh one and over the live one, rows and all."""

from __future__ import annotations

import shutil
import subprocess
import uuid

import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

from millplan import cli
from millplan.core.domain.portfolio import DealStatus
from millplan.storage.store import open_store
from tests.conftest import PG_ADMIN_URL, _fresh_pg
from tests.plants import tiny_plant

pytestmark = pytest.mark.pg


def printed_command(url: str, verb: str, file: str, tool: str) -> str:
    """The command line ``millplan db VERB FILE`` prints for ``url`` (it exits 1: nothing to do itself)."""
    advice = CliRunner().invoke(cli.app, ["--db", url, "db", verb, file])
    assert advice.exit_code == 1, advice.stderr
    lines = [line.strip() for line in advice.stderr.splitlines() if line.strip().startswith(tool + " ")]
    assert len(lines) == 1, advice.stderr
    return lines[0]


def run_in_shell(start_process, command: str, folder) -> None:
    """Run ``command`` with ``/bin/sh`` in ``folder`` through the ``start_process`` fixture
    (the shell and its pg_dump killed should the test end early); it must succeed."""
    shell = start_process(
        ["/bin/sh", "-c", command], cwd=folder, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    _, stderr = shell.communicate(timeout=120)
    assert shell.returncode == 0, f"{command}\n{stderr}"


@pytest.fixture
def scratch_database():
    """URL of a second, empty PostgreSQL database, dropped afterwards."""
    admin = sa.create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    name = f"millplan_restore_{uuid.uuid4().hex[:10]}"
    with admin.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    yield sa.engine.make_url(PG_ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    with admin.connect() as connection:
        connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.mark.skipif(
    shutil.which("pg_dump") is None or shutil.which("pg_restore") is None, reason="pg_dump/pg_restore not installed"
)
def test_the_printed_pg_dump_and_pg_restore_work_as_printed(pg_database, scratch_database, tmp_path, start_process):
    _fresh_pg(pg_database)
    store = open_store(pg_database)
    tiny_plant(store)
    store.dispose()
    file = "plant 2027-01.dump"  # a space: the printed command must quote it

    run_in_shell(start_process, printed_command(pg_database, "backup", file, "pg_dump"), tmp_path)
    assert (tmp_path / file).stat().st_size > 0

    run_in_shell(start_process, printed_command(scratch_database, "restore", file, "pg_restore"), tmp_path)
    copy = open_store(scratch_database)
    with copy.reading() as repo:
        assert repo.plant.deal("D4").status is DealStatus.PENDING
        assert repo.plant.position("D1", 1).tonnes_ordered == 700
    copy.dispose()

    live = open_store(pg_database)  # changed after the dump, then restored over
    with live.unit_of_work() as repo:
        repo.plant.set_deal_status("D4", DealStatus.ACCEPTED, "plm")
    live.dispose()
    run_in_shell(start_process, printed_command(pg_database, "restore", file, "pg_restore"), tmp_path)
    live = open_store(pg_database)
    with live.reading() as repo:
        assert repo.plant.deal("D4").status is DealStatus.PENDING
    live.dispose()
