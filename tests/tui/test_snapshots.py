"""Snapshots of the workstation at 80×24, in English and in Russian: each pane — mill load
(F2), deals (F3), assignment (F4), approval (F10), plan vs actual (5), stale deals (6) — the
inbox (i) and the keys screen (F1 over the assignment pane), over the fixed plant of
tests/snapshot_plant.py.

A test fails when what a screen shows changed: the picture kept in
``tests/tui/__snapshots__/test_snapshots/`` (one SVG per screen and language) differs from
the one taken now; ``snapshot_report.html`` shows both. After a deliberate change to a
pane, take every picture again and look at the changed ones before committing them::

    .venv/bin/python -m pytest -q -n 2 tests/tui/test_snapshots.py --snapshot-update

The pictures are the same on every machine and day: the plant is built in the test with
fixed dates and stamps, the plant's date is fixed (``today_set``), the time zone is UTC, the
store's file has the same name (the header shows it), the header has no clock, the pilot
runs no animations, and nobody writes meanwhile, so the live poll changes nothing.
"""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest
from pytest_textual_snapshot import SVGImageExtension

from millplan.core.domain import glyphs, i18n
from millplan.core.domain.months import TIMEZONE_ENV, today_set
from millplan.storage.store import open_store
from millplan.tui.app import MillplanApp
from millplan.tui.ascii_screen import KEPT
from tests.snapshot_plant import TODAY, snapshot_plant
from tests.tui.pilot import SIZE, screen_text, settle

# pytest-textual-snapshot 1.0 names its extension the syrupy 4 way (``_file_extension``);
# syrupy 5 and later read ``file_extension``, else the pictures are kept as ``.raw``
SVGImageExtension.file_extension = "svg"

SCREENS = {
    "load": ("f2",),
    "deals": ("f3",),
    "assignment": ("f4",),
    "approval": ("f10",),
    "actuals": ("5",),
    "stale": ("6",),
    "inbox": ("i",),
    "keys": ("f4", "f1"),  # over the pane with the most keys
}
"""Each screen pictured → the keys that show it."""

LANGUAGES = ("en", "ru")

PLANT_FILE = "plant.sqlite"
"""The store's file, opened by a relative URL in the test's own folder: the header names
the store, and a temporary folder's name differs on every run."""


@pytest.fixture(scope="session")
def built_plants(tmp_path_factory: pytest.TempPathFactory, migrated_sqlite: Path) -> dict[str, Path]:
    """Language → the snapshot plant's file, built in that language (its notifications and
    reasons are written in words) once a session by each xdist worker; a test works on a copy."""
    files = {}
    for language in LANGUAGES:
        file = files[language] = tmp_path_factory.mktemp(f"snapshot_plant_{language}") / PLANT_FILE
        shutil.copyfile(migrated_sqlite, file)
        with pytest.MonkeyPatch.context() as patch:
            patch.setenv(TIMEZONE_ENV, "UTC")
            i18n.use(language)
            store = open_store(f"sqlite:///{file}")
            try:
                snapshot_plant(store)
            finally:
                store.dispose()
                i18n.use("en")
        with sqlite3.connect(file) as connection:  # all in the file itself: copying it copies the store
            connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return files


@pytest.fixture(params=LANGUAGES)
def language(request: pytest.FixtureRequest) -> str:
    """The language the workstation speaks."""
    return request.param


@pytest.fixture
def plant(built_plants: dict[str, Path], language: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """A copy of the snapshot plant built in ``language``, open at the plant's fixed date and time zone."""
    shutil.copyfile(built_plants[language], tmp_path / PLANT_FILE)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv(TIMEZONE_ENV, "UTC")
    store = open_store(f"sqlite:///{PLANT_FILE}")
    with today_set(TODAY):
        yield store
    store.dispose()


@pytest.mark.parametrize("screen", list(SCREENS))
def test_screen_looks_as_approved(screen: str, language: str, plant, snap_compare) -> None:
    """The screen ``screen`` of the line manager ``plm`` in ``language``, once every read is in."""
    i18n.use(language)  # before the app is built: it translates the bindings as it starts
    try:

        async def show(pilot) -> None:
            await settle(pilot)
            await pilot.press(*SCREENS[screen])
            await settle(pilot)

        assert snap_compare(MillplanApp(plant, "plm"), terminal_size=SIZE, run_before=show)
    finally:
        i18n.use("en")


async def test_every_screen_is_ascii_in_ascii_mode(language: str, plant, monkeypatch: pytest.MonkeyPatch) -> None:
    """With ASCII glyphs chosen (as on ``TERM=linux``), every screen — each pane, the approval
    chart, the inbox, the keys, the command palette, the filter box — shows ASCII only, bar
    the Russian words and quotes («»): Textual's header icon, tab underline, borders and scrollbars, Plotext's
    frames and the punctuation of texts and data included."""
    monkeypatch.setenv(glyphs.GLYPHS_ENV, "ascii")
    i18n.use(language)
    try:
        async with MillplanApp(plant, "plm").run_test(size=SIZE) as pilot:
            for keys in (*SCREENS.values(), ("escape", "f10", "c"), ("escape", "ctrl+p"), ("escape", "slash")):
                await pilot.press("escape", *keys)
                await settle(pilot)
                shown = screen_text(pilot.app)
                foreign = {c for c in shown if not (c.isascii() or "\u0400" <= c <= "\u04ff" or c in KEPT)}
                assert not foreign, f"{keys}: {sorted(foreign)}\n{shown}"
                assert "??" not in shown, (
                    f"{keys}: a symbol with no ASCII form of its own\n{shown}"
                )  # the palette's icon
                assert len(shown.splitlines()) == SIZE[1]
    finally:
        i18n.use("en")
