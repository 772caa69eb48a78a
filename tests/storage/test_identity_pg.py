"""On PostgreSQL the identity is the role the connection logged in as, and the README's
setup ("Running millplan for many people") holds: its SQL is run here as written (role
and database names made unique), then people connect as their own roles."""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

from millplan import cli
from millplan.core.access import identity, users
from millplan.core.domain.people import Role
from millplan.storage.store import open_store
from tests.identity import act_as
from tests.plants import PLAN_MONTH, tiny_plant

pytestmark = pytest.mark.pg

README = Path(__file__).resolve().parents[2] / "README.md"
SECTION = "## Running millplan for many people"
NAMES = ("millplan_owner", "millplan_people", "millplan_admins", "millplan", "sidorov", "petrova")
SPOOF = {"LOGNAME": "admin", "USER": "admin", "USERNAME": "admin"}
MONTH = str(PLAN_MONTH)


def readme_sql(names: dict[str, str]) -> list[list[str]]:
    """The SQL blocks of the README's section, each as its statements, names replaced."""
    text = README.read_text(encoding="utf-8")
    section = text[text.index(SECTION) :]
    section = section[: section.index("\n## ", len(SECTION))]
    pattern = re.compile(r"\b(" + "|".join(NAMES) + r")\b")
    blocks = []
    for block in re.findall(r"```sql\n(.*?)```", section, re.S):
        code = "\n".join(line.split("--")[0] for line in pattern.sub(lambda m: names[m.group(1)], block).splitlines())
        blocks.append([statement.strip() for statement in code.split(";") if statement.strip()])
    return blocks


@pytest.fixture
def plant(pg_database: str) -> Iterator[tuple[dict[str, str], Callable[..., str]]]:
    """The README's roles and database (unique names), tables made by the owner, the tiny
    plant in them, grants given; yields the names and ``url(role, **query)``."""
    suffix = uuid.uuid4().hex[:8]
    names = {name: f"{name}_{suffix}" for name in NAMES}
    superuser = sa.create_engine(pg_database, isolation_level="AUTOCOMMIT")
    base = sa.engine.make_url(pg_database).set(database=names["millplan"])

    def url(role: str, **query: str) -> str:
        return base.set(username=names[role], query=query).render_as_string(hide_password=False)

    once, grants = readme_sql(names)
    try:
        with superuser.connect() as connection:
            for statement in once:
                connection.execute(sa.text(statement))
        owned = open_store(url("millplan_owner"))  # the owner's first run makes the tables
        tiny_plant(owned)
        owned.dispose()
        owner = sa.create_engine(url("millplan_owner"))
        with owner.begin() as connection:
            for statement in grants:
                connection.execute(sa.text(statement))
        owner.dispose()
        yield names, url
    finally:
        with superuser.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{names["millplan"]}" WITH (FORCE)'))
            for role in ("sidorov", "petrova", "millplan_admins", "millplan_people", "millplan_owner"):
                connection.execute(sa.text(f'DROP ROLE IF EXISTS "{names[role]}"'))
        superuser.dispose()


@pytest.fixture
def staffed(plant):
    """``sidorov`` registers himself as the first admin and ``petrova`` as the manager of line L."""
    names, url = plant
    admin = open_store(url("sidorov"))
    assert identity.login_of(admin) == names["sidorov"]
    users.add_user(admin, names["sidorov"], "Сидоров П. П.", Role.ADMIN, by=identity.login_of(admin))
    users.add_user(admin, names["petrova"], "Петрова Е. В.", Role.LINE_MANAGER, ("L",), by=names["sidorov"])
    admin.dispose()
    return plant


def run(url: str, *args: str):
    return CliRunner().invoke(cli.app, ["--db", url, *args], env=SPOOF)


def audit(url: str, key: str) -> list[tuple[str, str]]:
    store = open_store(url)
    with store.reading() as repo:
        entries = [(e.login, e.action) for e in repo.audit.audit_entries(key)]
    store.dispose()
    return entries


def test_the_identity_is_the_role_postgresql_logged_in_not_the_os_nor_set_role(staffed, monkeypatch):
    names, url = staffed
    petrova, sidorov = names["petrova"], names["sidorov"]
    act_as(monkeypatch, sidorov)  # the OS says sidorov, and so do LOGNAME, USER, USERNAME
    me = json.loads(run(url("petrova"), "whoami", "--json").stdout)
    assert (me["login"], me["role"]) == (petrova, "line_manager")
    grouped = open_store(url("petrova", options=f"-c role={names['millplan_people']}"))  # SET ROLE to her group
    with grouped.engine.connect() as connection:
        assert connection.execute(sa.text("SELECT current_user")).scalar_one() == names["millplan_people"]
    assert identity.login_of(grouped) == petrova
    grouped.dispose()

    refused = run(url("petrova"), "--as", sidorov, "users", "add", "mole", "--name", "Mole", "--role", "admin")
    assert (
        refused.exit_code == 5
        and "only an admin may act as another user (--as) (user Сидоров П. П.); Петрова Е. В. is" in refused.stderr
    )
    assert audit(url("sidorov"), f"user {sidorov}")[0] == (petrova, "refused")

    act_as(monkeypatch, petrova)  # now the OS says petrova: the admin's role still decides
    acting = run(url("sidorov"), "--as", petrova, "whoami", "--json")
    assert json.loads(acting.stdout)["login"] == petrova
    assert audit(url("sidorov"), f"user {petrova}")[0] == (sidorov, "acted_as")


def test_a_person_does_his_work_but_cannot_change_users_or_the_audit_log_around_millplan(staffed):
    names, url = staffed
    petrova = names["petrova"]
    planned = run(url("petrova"), "plan", "--month", MONTH, "--line", "L")
    assert planned.exit_code == 0, planned.stderr  # the grants are enough for millplan's work
    assert run(url("petrova"), "submit", "--month", MONTH, "--line", "L").exit_code == 0

    person = sa.create_engine(url("petrova"))
    for statement in (
        f"UPDATE users SET role = 'admin' WHERE login = '{petrova}'",
        "INSERT INTO users (login, name, role, version) VALUES ('mole', 'Mole', 'admin', 1)",
        "DELETE FROM user_lines",
        "UPDATE audit_log SET login = 'someone'",
        "DELETE FROM audit_log",
    ):
        with pytest.raises(sa.exc.ProgrammingError, match="permission denied"), person.begin() as connection:
            connection.execute(sa.text(statement))
    person.dispose()
    # not an admin either; the owner may, but the trigger refuses
    for role, refusal in (("sidorov", "permission denied"), ("millplan_owner", "audit_log is append-only")):
        engine = sa.create_engine(url(role))
        with pytest.raises(sa.exc.DatabaseError, match=refusal), engine.begin() as connection:
            connection.execute(sa.text("DELETE FROM audit_log"))
        engine.dispose()

    store = open_store(url("sidorov"))  # through millplan the admin manages users
    changed = users.set_role(store, petrova, Role.PLANNER, by=names["sidorov"])
    assert changed.role is Role.PLANNER
    store.dispose()
