"""No one acts as another (SQLite store, CliRunner): the login is the passwd entry of the
process's uid — not LOGNAME/USER/USERNAME, not MILLPLAN_TEST — and ``--as`` is an admin's
alone, audited either way. PostgreSQL: tests/storage/test_identity_pg.py."""

from __future__ import annotations

import json
import os
import pwd

import pytest
from typer.testing import CliRunner

from millplan import cli
from millplan.core.access import identity
from millplan.core.domain.errors import UnknownIdentity
from millplan.storage.store import open_store
from millplan.tui.app import MillplanApp
from tests.identity import act_as
from tests.plants import PLAN_MONTH, STAFF, staff, tiny_plant

MONTH = str(PLAN_MONTH)
SPOOF = {"LOGNAME": "admin", "USER": "admin", "USERNAME": "admin"}


@pytest.fixture
def db(tmp_path) -> str:
    """The tiny plant with :data:`STAFF` registered (``admin`` is the admin)."""
    url = f"sqlite:///{tmp_path / 'identity.sqlite'}"
    store = open_store(url)
    tiny_plant(store)
    staff(store)
    store.dispose()
    return url


def run(db: str, *args: str, env: dict[str, str] | None = None):
    return CliRunner().invoke(cli.app, ["--db", db, *args], env=env)


def audit(db: str, key: str) -> list[tuple[str, str]]:
    """(login, action) of the audit entries under ``key``, newest first."""
    store = open_store(db)
    with store.reading() as repo:
        entries = [(e.login, e.action) for e in repo.audit.audit_entries(key)]
    store.dispose()
    return entries


def test_the_login_is_the_passwd_entry_of_the_uid_whatever_the_environment_says(db):
    real = pwd.getpwuid(os.getuid()).pw_name
    assert real not in {u.login for u in STAFF}, "this test needs an OS account that is not in STAFF"
    me = json.loads(run(db, "whoami", "--json", env=SPOOF).stdout)
    assert (me["login"], me["read_only"]) == (real, True)
    refused = run(db, "users", "add", "mole", "--name", "Mole", "--role", "admin", env=SPOOF)
    assert refused.exit_code == 5 and f"{real} is not a millplan user" in refused.stderr
    assert audit(db, "user mole") == [(real, "refused")]


@pytest.mark.parametrize("env", [{}, {"MILLPLAN_TEST": "1"}], ids=["plain", "MILLPLAN_TEST=1"])
def test_as_by_a_non_admin_is_refused_and_audited(db, monkeypatch, env):
    act_as(monkeypatch, "plm")
    refused = run(db, "--as", "admin", "users", "add", "mole", "--name", "Mole", "--role", "admin", env=env)
    assert refused.exit_code == 5
    assert (
        "only an admin may act as another user (--as) (user Admin); Line Manager is a product-line manager of L"
        in refused.stderr
    )
    assert audit(db, "user admin") == [("plm", "refused"), ("setup", "created")]
    assert audit(db, "user mole") == []  # the command itself never ran
    assert run(db, "--as", "director", "approve", "--month", MONTH, "--line", "L", env=env).exit_code == 5


def test_as_by_an_admin_acts_as_that_user_and_is_audited_under_the_admin(db, monkeypatch):
    act_as(monkeypatch, "admin")
    me = json.loads(run(db, "--as", "plm", "whoami", "--json").stdout)
    assert (me["login"], me["role"]) == ("plm", "line_manager")
    planned = run(db, "--as", "plm", "plan", "--month", MONTH, "--line", "L", "--horizon", "1")
    assert planned.exit_code == 0, planned.stderr
    assert audit(db, "user plm") == [("admin", "acted_as"), ("admin", "acted_as"), ("setup", "created")]
    assert audit(db, f"{MONTH}/L/r1") == [("plm", "drafted")]  # the action is plm's
    history = json.loads(run(db, "--as", "plm", "history", "--object", "user plm", "--json").stdout)
    acted = [(h["who"], h["changes"]) for h in history if h["action"] == "acted_as"]
    assert acted == [  # newest first
        (
            "Admin",
            [
                {"field": "acted as", "before": None, "after": "Line Manager"},
                {"field": "command", "before": None, "after": f"plan --month {MONTH} --line L --horizon 1"},
            ],
        ),
        (
            "Admin",
            [
                {"field": "acted as", "before": None, "after": "Line Manager"},
                {"field": "command", "before": None, "after": "whoami --json"},
            ],
        ),
    ]
    assert run(db, "--as", "admin", "whoami").stdout.startswith("admin (Admin)")  # oneself: nothing to record
    assert audit(db, "user admin") == [("setup", "created")]


def test_a_uid_without_a_passwd_entry_is_refused_naming_the_uid(db, monkeypatch):
    uid = next(u for u in range(54321, 64000) if not _has_passwd_entry(u))
    monkeypatch.setattr(os, "getuid", lambda: uid)
    with pytest.raises(UnknownIdentity, match=f"user id {uid} has no entry in the passwd database"):
        identity.os_login()
    refused = run(db, "whoami", env=SPOOF)
    assert refused.exit_code == 5 and f"user id {uid} has no entry" in refused.stderr
    assert "admin" not in refused.stdout


def _has_passwd_entry(uid: int) -> bool:
    try:
        pwd.getpwuid(uid)
    except KeyError:
        return False
    return True


def test_the_workstation_opens_as_the_same_identity(db, monkeypatch):
    opened: list[str] = []
    monkeypatch.setattr(MillplanApp, "run", lambda app: opened.append(app.actor.login))
    act_as(monkeypatch, "plm")
    assert run(db, "tui", env=SPOOF).exit_code == 0
    refused = run(db, "--as", "director", env=SPOOF)  # no command: the workstation
    assert refused.exit_code == 5 and "only an admin may act as another user" in refused.stderr
    act_as(monkeypatch, "admin")
    assert run(db, "--as", "director", "tui").exit_code == 0
    assert run(db, "--as", "director").exit_code == 0  # no command: the workstation too
    assert opened == ["plm", "director", "director"]
    store = open_store(db)
    with store.reading() as repo:
        commands = [e.after["command"] for e in repo.audit.audit_entries("user director") if e.action == "acted_as"]
    store.dispose()
    assert commands == ["tui", "tui"]  # never the global options (--db may hold a password)


def test_an_accepted_deal_names_who_accepted_it_by_name(db, monkeypatch):
    act_as(monkeypatch, "plm")
    accepted = run(db, "deal", "accept", "D4")
    assert accepted.exit_code == 0 and "deal D4 accepted by Line Manager" in accepted.stdout  # not the login plm
