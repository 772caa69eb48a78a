"""``millplan settings time-zone``: the plant's time zone kept in the store (admin only,
audited), and every time shown on the plant's clock by it."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

import pytest
from typer.testing import CliRunner

from millplan import cli
from millplan.core.domain.errors import ExitCode
from millplan.core.domain.months import TIME_ZONE_KEY, use_zone
from millplan.storage.store import open_store
from tests.identity import act_as
from tests.people import add_user


@pytest.fixture
def db(tmp_path, monkeypatch) -> str:
    """A store with an admin (acting) and a product-line manager; no zone set anywhere."""
    url = f"sqlite:///{tmp_path / 'zone.sqlite'}"
    store = open_store(url)
    add_user(store, "admin", "Админов", role="admin")
    add_user(store, "petrova", "Петрова Е. В.", role="line_manager")
    store.dispose()
    act_as(monkeypatch, "admin")
    monkeypatch.delenv("MILLPLAN_TIMEZONE", raising=False)
    yield url
    use_zone(None)  # the zone a command applied must not follow the next test


def run(db: str, *args: str):
    return CliRunner().invoke(cli.app, ["--db", db, *args])


def test_the_zone_is_stored_audited_and_every_time_is_shown_in_it(db):
    shown = json.loads(run(db, "settings", "time-zone", "--json").stdout)
    assert shown["time_zone"] is None and shown["source"] == "machine"

    done = run(db, "settings", "time-zone", "Asia/Yekaterinburg", "--json")  # UTC+5 all year
    assert done.exit_code == 0, done.stderr
    assert json.loads(done.stdout) == {
        "time_zone": "Asia/Yekaterinburg",
        "in_force": "Asia/Yekaterinburg",
        "source": "store",
        "utc_offset": "+05:00",
    }
    store = open_store(db)
    with store.reading() as repo:
        assert repo.settings.get(TIME_ZONE_KEY) == "Asia/Yekaterinburg"
    store.dispose()
    use_zone(None)  # a new command reads it from the store again

    [entry] = json.loads(run(db, "history", "--limit", "1", "--json").stdout)
    assert entry["object_key"] == TIME_ZONE_KEY and entry["after"] == {"value": "Asia/Yekaterinburg"}
    at = datetime.fromisoformat(entry["at"])
    assert at.utcoffset() == timedelta(0)  # stored and given to scripts in UTC
    assert f"{at + timedelta(hours=5):%Y-%m-%d %H:%M}" in run(db, "history", "--limit", "1").stdout
    assert "Asia/Yekaterinburg (UTC+05:00)" in run(db, "settings", "time-zone").stdout

    back = json.loads(run(db, "settings", "time-zone", "local", "--json").stdout)
    assert back["time_zone"] is None and back["source"] == "machine"


def test_the_environment_still_wins_and_says_so(db, monkeypatch):
    assert run(db, "settings", "time-zone", "Europe/Moscow").exit_code == 0
    monkeypatch.setenv("MILLPLAN_TIMEZONE", "Asia/Yekaterinburg")
    shown = json.loads(run(db, "settings", "time-zone", "--json").stdout)
    assert (shown["time_zone"], shown["in_force"], shown["source"]) == (
        "Europe/Moscow",
        "Asia/Yekaterinburg",
        "environment",
    )


def test_only_an_admin_sets_it_and_only_a_real_zone(db, monkeypatch):
    wrong = run(db, "settings", "time-zone", "Mars/Olympus")
    assert wrong.exit_code == ExitCode.USAGE and "'Mars/Olympus' is not a time zone" in wrong.stderr
    act_as(monkeypatch, "petrova")
    refused = run(db, "settings", "time-zone", "Europe/Moscow")
    assert refused.exit_code == ExitCode.FORBIDDEN and "set the plant's time zone" in refused.stderr
    store = open_store(db)
    with store.reading() as repo:
        assert repo.settings.get(TIME_ZONE_KEY) is None
    store.dispose()
