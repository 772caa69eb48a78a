"""``millplan plan --progress-hours``: how a re-plan of the month in progress counts each
mill's hours left, kept with the revision (the April plant of tests/progress_plant.py,
re-planned on the 16th with half of April made)."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from millplan.cli import app
from millplan.storage.store import open_store
from tests.progress_plant import APRIL, TODAY, approve_april, april_plant, write_actuals


@pytest.fixture
def db(tmp_path) -> str:
    url = f"sqlite:///{tmp_path / 'progress.sqlite'}"
    store = open_store(url)
    april_plant(store)
    approve_april(store)
    write_actuals(store)
    store.dispose()
    return url


def _plan(db: str, *args: str):
    return CliRunner().invoke(app, ["--db", db, "--today", str(TODAY), "plan", "--month", str(APRIL), *args])


def _new_hours(document) -> dict[str, float]:
    hours: dict[str, float] = {}
    for line in document["lines"]:
        part = line["hours"] * (1 - line["tonnes_made"] / line["tonnes"])
        hours[line["mill"]] = round(hours.get(line["mill"], 0.0) + part, 3)
    return hours


def test_progress_hours_is_an_option_of_the_plan_kept_with_the_revision(db):
    by_actuals = _plan(db, "--progress-hours", "actuals", "--json")
    assert by_actuals.exit_code == 0, by_actuals.stderr
    document = json.loads(by_actuals.stdout)
    assert document["assignments"][0]["options"]["progress_hours"] == "actuals"
    assert _new_hours(document) == {"M1": 190.0, "M2": 100.0}  # the month's hours less those the actuals used
    made = {(l["position"], l["mill"]): l["tonnes_made"] for l in document["lines"] if l["tonnes_made"]}
    assert made == {("D1#1", "M1"): 600, ("D2#1", "M1"): 500, ("D3#1", "M2"): 100}
    kept = json.loads(_plan(db, "--json").stdout)  # not given again: the revision's option holds
    assert _new_hours(kept) == {"M1": 190.0, "M2": 100.0}
    by_calendar = json.loads(_plan(db, "--progress-hours", "calendar", "--json").stdout)
    assert _new_hours(by_calendar) == {"M1": 150.0, "M2": 60.0}  # 15 of 30 days left
    shown = CliRunner().invoke(
        app, ["--db", db, "--today", str(TODAY), "assignment", "show", "-m", str(APRIL), "-l", "L"]
    )
    assert shown.exit_code == 0 and "Made" in shown.stdout


def test_an_unknown_progress_basis_is_refused_naming_the_choices(db):
    refused = _plan(db, "--progress-hours", "weekly")
    assert refused.exit_code == 2
    assert "calendar" in refused.stderr and "actuals" in refused.stderr
