"""The plant's date set by ``--today`` or ``MILLPLAN_TODAY`` (CliRunner on the tiny plant):
every "today" and "current month" reads it; audit times stay the real UTC instant."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from typer.testing import CliRunner

from millplan.cli import app
from millplan.core.domain.months import Month
from millplan.storage.store import open_store
from tests.plants import PLAN_MONTH, tiny_plant

LATER = PLAN_MONTH + 3
"""A plant date three months after the tiny plant's plan month: that month is past then."""


@pytest.fixture
def db(tmp_path) -> str:
    url = f"sqlite:///{tmp_path / 'today.sqlite'}"
    store = open_store(url)
    tiny_plant(store)
    store.dispose()
    return url


def run(db: str, *args: str, env: dict[str, str] | None = None):
    return CliRunner().invoke(app, ["--db", db, *args], env=env)


def test_today_moves_the_load_window(db):
    day = f"{LATER}-17"
    report = json.loads(run(db, "--today", day, "load", "--months", "2", "--json").stdout)
    assert report["today"] == day
    assert report["months"] == [str(LATER), str(LATER + 1)]
    from_env = json.loads(run(db, "load", "--json", env={"MILLPLAN_TODAY": day}).stdout)
    assert from_env["today"] == day


def test_the_current_month_follows_the_plants_date(db):
    past = run(db, "--today", f"{LATER}-01", "plan", "--month", str(PLAN_MONTH))
    assert past.exit_code == 1
    assert f"{PLAN_MONTH} is past ({LATER} is the current month)" in past.stderr
    earlier = Month.current() - 1  # before the real month, but the plant's own month then
    done = run(db, "--today", f"{earlier}-28", "plan", "--month", str(earlier), "--json")
    assert done.exit_code == 0, done.stderr
    assert json.loads(done.stdout)["month"] == str(earlier)


def test_the_option_wins_over_the_environment(db):
    report = json.loads(
        run(db, "--today", f"{LATER}-02", "load", "--json", env={"MILLPLAN_TODAY": "2001-01-01"}).stdout
    )
    assert report["today"] == f"{LATER}-02"


def test_audit_times_stay_the_real_instant(db):
    assert run(db, "--today", "2031-06-15", "deal", "accept", "D4").exit_code == 0
    entry = json.loads(run(db, "history", "--object", "D4", "--json").stdout)[0]
    at = datetime.fromisoformat(entry["at"])
    assert abs(at - datetime.now(UTC)) < timedelta(minutes=5)


@pytest.mark.parametrize(
    ("args", "env", "named"),
    [
        (["--today", "2031-13-01"], None, "--today='2031-13-01'"),
        ([], {"MILLPLAN_TODAY": "15.06.2031"}, "MILLPLAN_TODAY='15.06.2031'"),
    ],
)
def test_a_date_that_is_not_one_is_a_usage_error_naming_its_source(db, args, env, named):
    refused = run(db, *args, "load", env=env)
    assert refused.exit_code == 2
    assert named in refused.stderr and "YYYY-MM-DD" in refused.stderr
