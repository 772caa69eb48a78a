"""The approval workflow from the command line (CliRunner): users, the life cycle
with refusals, capacity, diff, history of users, and database backup and restore."""

from __future__ import annotations

import json
import threading

import pytest
from typer.testing import CliRunner

from millplan import cli
from millplan.core.database import check_backup
from millplan.storage import migrate
from millplan.storage.store import open_store
from tests.identity import act_as
from tests.plants import PLAN_MONTH, staff, tiny_plant

MONTH = str(PLAN_MONTH)


@pytest.fixture
def db(tmp_path) -> str:
    """The tiny plant with no users yet."""
    url = f"sqlite:///{tmp_path / 'flow.sqlite'}"
    store = open_store(url)
    tiny_plant(store)
    store.dispose()
    return url


@pytest.fixture
def staffed(db) -> str:
    store = open_store(db)
    staff(store)
    store.dispose()
    return db


def run(db: str, *args: str, login: str = "osuser"):
    """``millplan --db DB ARGS…`` run by the OS login ``login``."""
    with pytest.MonkeyPatch.context() as patch:
        act_as(patch, login)
        return CliRunner().invoke(cli.app, ["--db", db, *args])


def test_the_first_admin_bootstraps_the_users_then_only_admins_manage_them(db):
    assert "no users are registered yet" in run(db, "whoami").stdout
    early = run(db, "users", "add", "plm", "--name", "PLM", "--role", "line_manager", "--line", "L")
    assert early.exit_code == 1 and "no admin is registered yet: add one first" in early.stderr
    first = run(db, "users", "add", "boss", "--name", "Boss", "--role", "admin")
    assert first.exit_code == 0, first.stderr
    assert "you (osuser) are not registered" in first.stderr  # warned before he locks himself out
    refused = run(db, "users", "add", "plm", "--name", "PLM", "--role", "line_manager", "--line", "L")
    assert refused.exit_code == 5 and "only an admin may manage users and roles" in refused.stderr
    assert "osuser is not a millplan user (read-only)" in refused.stderr
    added = run(
        db,
        "users",
        "add",
        "plm",
        "--name",
        "PLM",
        "--role",
        "line-manager",
        "--line",
        "L",
        "--email",
        "plm@plant.example",
        login="boss",
    )
    assert added.exit_code == 0, added.stderr
    bad = run(db, "users", "add", "x", "--name", "X", "--role", "line_manager", login="boss")
    assert bad.exit_code == 2 and "give the lines he owns" in bad.stderr
    wrong_line = run(db, "users", "add", "y", "--name", "Y", "--role", "line_manager", "--line", "NOPE", login="boss")
    assert wrong_line.exit_code == 2 and "product line NOPE has no mills" in wrong_line.stderr
    listed = json.loads(run(db, "users", "list", "--json").stdout)
    assert listed == [
        {"login": "boss", "name": "Boss", "role": "admin", "lines": [], "email": None},
        {"login": "plm", "name": "PLM", "role": "line_manager", "lines": ["L"], "email": "plm@plant.example"},
    ]
    me = json.loads(run(db, "whoami", "--json", login="plm").stdout)
    assert (me["role"], me["lines"], me["read_only"]) == ("line_manager", ["L"], False)
    assert "osuser is not a millplan user: read-only access" in run(db, "whoami").stdout
    last = run(db, "users", "set-role", "boss", "--role", "director", login="boss")
    assert last.exit_code == 1 and "boss is the only admin" in last.stderr
    assert run(db, "users", "set-role", "plm", "--role", "planner", login="boss").exit_code == 0
    assert run(db, "users", "remove", "plm", login="boss").exit_code == 0
    mistyped = run(db, "history", "--object", "user nobody")
    assert mistyped.exit_code == 1 and "nothing in the audit log under 'user nobody'" in mistyped.stderr
    history = json.loads(run(db, "history", "--object", "user plm", "--json").stdout)
    assert [e["action"] for e in history] == ["removed", "updated", "created", "refused"]  # osuser's try too
    assert history[1]["before"]["role"] == "line_manager" and history[1]["after"]["role"] == "planner"


def test_the_whole_cycle_with_roles(staffed):
    assert run(staffed, "plan", "--month", MONTH, login="ivanov").exit_code == 5
    assert run(staffed, "plan", "--month", MONTH, "--horizon", "1", login="plm").exit_code == 0  # re-plans keep it
    assert run(staffed, "submit", "--month", MONTH, "--line", "L", login="plm").exit_code == 0
    hours = run(staffed, "capacity", "set", "M1", MONTH, "60", "--reason", "roll change", login="planner")
    assert hours.exit_code == 0, hours.stderr
    assert "M1 " + MONTH + ": 100 h → 60 h" in hours.stdout and "is stale" in hours.stderr
    stale = run(staffed, "submit", "--month", MONTH, "--line", "L", login="plm")
    assert stale.exit_code == 1 and "is stale — M1 hours" in stale.stderr
    assert run(staffed, "plan", "--month", MONTH, "--line", "L", login="plm").exit_code == 0
    assert run(staffed, "submit", "--month", MONTH, "--line", "L", login="plm").exit_code == 0
    refused = run(staffed, "approve", "--month", MONTH, "--line", "L", "--json", login="planner")
    assert refused.exit_code == 5
    document = json.loads(refused.stdout)
    assert (
        document["status"] == "error"
        and "only the product-line manager of L or the director may approve" in document["message"]
    )
    approved = run(staffed, "approve", "--month", MONTH, "--line", "L", "--reason", "as agreed", login="plm")
    assert approved.exit_code == 0 and "approved by Line Manager" in approved.stdout  # his name, not "plm"
    changed = run(
        staffed,
        "assignment",
        "exclude",
        "D2#1",
        "--month",
        MONTH,
        "--line",
        "L",
        "--reason",
        "client waits",
        "--json",
        login="plm",
    )
    assert (json.loads(changed.stdout)["revision"], json.loads(changed.stdout)["state"]) == (2, "re_approval")
    assert (
        f"{MONTH} L — revision 2, re-approval"
        in run(staffed, "assignment", "show", "--month", MONTH, "--line", "L").stdout
    )
    diff = json.loads(run(staffed, "diff", "--month", MONTH, "--line", "L", "--json").stdout)
    assert (diff["from_revision"], diff["to_revision"]) == (1, 2)
    assert [(p["position"], p["change"]) for p in diff["positions"]] == [("D2#1", "removed")]
    shown = run(staffed, "diff", "--month", MONTH, "--line", "L")
    assert "D2#1" in shown.stdout and "removed" in shown.stdout and "By mill" in shown.stdout
    history = json.loads(run(staffed, "history", "--object", f"{MONTH}/L/r1", "--json").stdout)
    assert [e["action"] for e in history] == [
        "approved",
        "refused",
        "submitted",
        "replanned",
        "marked stale",
        "submitted",
        "drafted",
    ]
    assert history[1]["login"] == "planner"


def test_backup_while_others_write_and_restore(staffed, tmp_path):
    store = open_store(staffed)
    stop = threading.Event()

    def write() -> None:  # another user's work, one short transaction after another
        while not stop.is_set():
            with store.unit_of_work() as repo:
                repo.audit.write("colleague", "noted", "test", "busy")

    writer = threading.Thread(target=write)
    writer.start()
    try:
        copy = tmp_path / "copy.sqlite"
        done = run(staffed, "db", "backup", str(copy))
    finally:
        stop.set()
        writer.join()
    assert done.exit_code == 0, done.stderr
    assert check_backup(copy) == migrate.head_revision()
    again = run(staffed, "db", "backup", str(copy))
    assert again.exit_code == 1 and "exists: back up to a new file" in again.stderr

    assert run(staffed, "plan", "--month", MONTH, login="plm").exit_code == 0  # made after the backup
    refused = run(staffed, "db", "restore", str(copy), login="plm")
    assert refused.exit_code == 5 and "only an admin may restore the database" in refused.stderr
    restored = run(staffed, "db", "restore", str(copy), login="admin")
    assert restored.exit_code == 0, restored.stderr
    with store.unit_of_work() as repo:
        assert repo.assignments.assignment(PLAN_MONTH, "L") is None  # the plan made after the backup is gone
        assert repo.audit.audit_entries("database")[0].action == "restored"
    store.dispose()

    junk = tmp_path / "junk.sqlite"
    junk.write_text("not a database")
    bad = run(staffed, "db", "restore", str(junk), login="admin")
    assert bad.exit_code == 2 and "is not an SQLite database" in bad.stderr


def test_restore_into_a_new_file_is_done_by_the_os_login_and_an_admin_may_name_another(staffed, tmp_path):
    # a new file replaces no one's store: nothing to prove --as on, so the OS login acts;
    # over an existing store --as is proven on it (an admin may, a planner may not)
    copy = tmp_path / "copy.sqlite"
    assert run(staffed, "db", "backup", str(copy)).exit_code == 0
    fresh = f"sqlite:///{tmp_path / 'new' / 'fresh.sqlite'}"
    done = run(fresh, "--as", "plm", "db", "restore", str(copy))
    assert done.exit_code == 0, done.stderr
    store = open_store(fresh)
    with store.unit_of_work() as repo:
        assert repo.audit.audit_entries("database")[0].login == "osuser"
    store.dispose()
    refused = run(fresh, "--as", "admin", "db", "restore", str(copy), login="planner")
    assert refused.exit_code == 5
    by_admin = run(fresh, "--as", "plm", "db", "restore", str(copy), login="admin")
    assert by_admin.exit_code == 5 and "only an admin may restore the database" in by_admin.stderr


def test_postgresql_backup_is_advice_without_connecting():
    url = "postgresql+psycopg://planner:secret@127.0.0.1:1/plant"
    advice = CliRunner().invoke(cli.app, ["--db", url, "db", "backup", "plant.dump"])
    assert advice.exit_code == 1  # not 4: nothing was connected
    assert "pg_dump --format=custom --file plant.dump --dbname postgresql://planner@127.0.0.1:1/plant" in advice.stderr
    assert "secret" not in advice.stderr
    refused = CliRunner().invoke(cli.app, ["--db", url, "db", "restore", "plant.dump"])
    assert refused.exit_code == 1 and "pg_restore" in refused.stderr
