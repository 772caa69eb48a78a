"""Opening the store named by ``--db`` / ``MILLPLAN_DB`` (CliRunner): an SQLite file that
does not exist is an error naming it for every command — found by walking the app, so a
new command is covered too — and nothing is created; imports and ``db restore`` create it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import typer.main
from typer.testing import CliRunner

from millplan import cli
from millplan.core.demo import generate
from millplan.storage.store import open_store
from tests.plants import tiny_plant

CREATORS = {"import mills", "import portfolio", "db restore", "demo"}
"""Commands that make a store (``demo`` keeps its own file and refuses ``--db``)."""
NO_STORE = {"import fields", "config lang", "config glyphs", "config show"}
"""Commands that never open one (a person's own preferences live in a file of theirs)."""

VALUES = {
    "month": "2027-01",
    "line": "L",
    "position": "D1#1",
    "by": "D2#1",
    "number": "D1",
    "mill": "M1",
    "hours": "100",
    "login": "someone",
    "name": "Someone",
    "role": "planner",
    "file": "backup.sqlite",
}
"""A value for each required parameter, by name (ids and free text get ``1`` and ``x``)."""
CHOICES = {"promise": ["D1"], "inbox read": ["--all"], "mail retry": ["--all"], "request priority": ["--raise"]}
"""Options a command needs one of before it opens the store."""


def _commands() -> list[tuple[str, list[str]]]:
    """(command path, arguments) of every command and of each group that runs on its own,
    with its required parameters filled in."""
    found: list[tuple[str, list[str]]] = [("", [])]  # no command: the workstation

    def walk(command, path: list[str]) -> None:
        if hasattr(command, "commands"):
            if path and getattr(command, "invoke_without_command", False):
                found.append((" ".join(path), list(path)))
            for name, sub in command.commands.items():
                walk(sub, [*path, name])
            return
        args = list(path)
        for param in command.params:
            if not param.required:
                continue
            value = VALUES.get(param.name, "1" if param.name.endswith("_id") else "x")
            args += [value] if param.param_type_name == "argument" else [param.opts[0], value]
        found.append((" ".join(path), args + CHOICES.get(" ".join(path), [])))

    walk(typer.main.get_command(cli.app), [])
    return [(name, args) for name, args in found if name not in CREATORS | NO_STORE]


@pytest.mark.parametrize(("name", "args"), _commands(), ids=lambda v: v if isinstance(v, str) else None)
@pytest.mark.parametrize("how", ["--db", "MILLPLAN_DB"])
def test_a_named_sqlite_file_that_does_not_exist_is_an_error_and_stays_absent(tmp_path, monkeypatch, name, args, how):
    monkeypatch.chdir(tmp_path)  # a relative file argument lands here
    monkeypatch.setenv("MILLPLAN_SMTP_HOST", "127.0.0.1")  # `mail send` checks e-mail is on first
    missing = tmp_path / "typo" / "plant.sqlite"
    url = f"sqlite:///{missing}"
    if how == "--db":
        done = CliRunner().invoke(cli.app, ["--db", url, *args])
    else:
        done = CliRunner().invoke(cli.app, args, env={"MILLPLAN_DB": url})
    assert done.exit_code not in (0, 2), (name, done.exit_code, done.stderr)  # 2 would be our arguments' fault
    assert str(missing) in done.stderr
    assert not missing.parent.exists()


def test_imports_create_the_named_store(tmp_path):
    files = generate(tmp_path / "files", 12, mills=2)
    url = f"sqlite:///{tmp_path / 'new' / 'plant.sqlite'}"
    mills = CliRunner().invoke(cli.app, ["--db", url, "import", "mills", str(files.mills)])
    assert mills.exit_code == 0, mills.stderr
    other = f"sqlite:///{tmp_path / 'other.sqlite'}"
    portfolio = CliRunner().invoke(
        cli.app, ["--db", other, "import", "portfolio", str(files.portfolio), "--skip-invalid"]
    )
    assert (tmp_path / "other.sqlite").exists(), portfolio.stderr
    assert len(json.loads(CliRunner().invoke(cli.app, ["--db", url, "load", "--json"]).stdout)["mills"]) == 2


def test_a_refused_import_leaves_no_new_store_behind_but_keeps_an_existing_one(tmp_path):
    junk = tmp_path / "junk.xlsx"
    junk.write_bytes(b"not a workbook at all")
    typo = tmp_path / "typo.sqlite"
    refused = CliRunner().invoke(cli.app, ["--db", f"sqlite:///{typo}", "import", "portfolio", str(junk)])
    assert refused.exit_code != 0 and str(junk.name) in refused.stderr
    assert not list(tmp_path.glob("typo.sqlite*"))  # no empty plant for the next command to open
    plant = tmp_path / "plant.sqlite"
    store = open_store(f"sqlite:///{plant}")
    tiny_plant(store)
    store.dispose()
    again = CliRunner().invoke(cli.app, ["--db", f"sqlite:///{plant}", "import", "portfolio", str(junk)])
    assert again.exit_code != 0 and plant.exists()
    deals = json.loads(CliRunner().invoke(cli.app, ["--db", f"sqlite:///{plant}", "deals", "--json"]).stdout)
    assert [d["deal"] for d in deals] == ["D4"]


def test_db_restore_creates_the_named_store(tmp_path):
    source = f"sqlite:///{tmp_path / 'plant.sqlite'}"
    store = open_store(source)
    tiny_plant(store)
    store.dispose()
    copy = tmp_path / "copy.sqlite"
    assert CliRunner().invoke(cli.app, ["--db", source, "db", "backup", str(copy)]).exit_code == 0
    target = tmp_path / "restored" / "plant.sqlite"
    restored = CliRunner().invoke(cli.app, ["--db", f"sqlite:///{target}", "db", "restore", str(copy)])
    assert restored.exit_code == 0, restored.stderr
    deals = json.loads(CliRunner().invoke(cli.app, ["--db", f"sqlite:///{target}", "deals", "--json"]).stdout)
    assert [d["deal"] for d in deals] == ["D4"]  # the tiny plant's one waiting deal


def test_the_default_file_is_still_made_on_first_use(tmp_path, monkeypatch):
    monkeypatch.setattr(cli, "default_url", lambda: f"sqlite:///{tmp_path / 'data' / 'millplan.sqlite'}")
    monkeypatch.delenv("MILLPLAN_DB", raising=False)
    first = CliRunner().invoke(cli.app, ["load"])
    assert first.exit_code == 0, first.stderr
    assert "No mills yet" in first.stderr
    assert Path(tmp_path / "data" / "millplan.sqlite").exists()


def test_a_plain_file_path_names_an_sqlite_store(tmp_path, monkeypatch):
    files = generate(tmp_path / "files", 12, mills=2)
    monkeypatch.chdir(tmp_path)
    made = CliRunner().invoke(cli.app, ["--db", "plant.sqlite", "import", "mills", str(files.mills)])
    assert made.exit_code == 0, made.stderr
    assert (tmp_path / "plant.sqlite").exists()
    by_env = CliRunner().invoke(cli.app, ["load", "--json"], env={"MILLPLAN_DB": str(tmp_path / "plant.sqlite")})
    assert len(json.loads(by_env.stdout)["mills"]) == 2
    typo = CliRunner().invoke(cli.app, ["--db", "plnat.sqlite", "load"])
    assert typo.exit_code == 4 and str(tmp_path / "plnat.sqlite") in typo.stderr
