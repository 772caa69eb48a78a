"""A person's own preferences, kept in a small TOML file in their configuration folder
(``~/.config/millplan/config.toml`` on Linux, by platformdirs): the language and the glyphs.

Plant-wide settings (the ledger's limits, the plant's time zone) live in the store; these
belong to the person at the terminal, so two people on one store may differ.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path

import platformdirs

CONFIG_ENV = "MILLPLAN_CONFIG"
"""Overrides the file's path (tests, a shared kiosk account)."""

KEYS = ("lang", "glyphs")
"""The preferences the file may hold; others are reported by :func:`load`'s caller, never used."""


def config_path() -> Path:
    """Where the preferences file is (it may not exist yet)."""
    named = os.environ.get(CONFIG_ENV)
    if named:
        return Path(named)
    return Path(platformdirs.user_config_dir("millplan", appauthor=False)) / "config.toml"


def load() -> dict[str, str]:
    """The preferences as ``{key: value}`` (strings); an absent or unreadable file reads as none
    (a broken preferences file must never stop the plant's software from starting)."""
    try:
        data = tomllib.loads(config_path().read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return {}
    return {key: str(data[key]) for key in KEYS if key in data}


def save(key: str, value: str | None) -> Path:
    """Set (or with ``None`` remove) one preference; returns the file's path.

    Raises ``ValueError`` for a key not in :data:`KEYS`; ``OSError`` when the file cannot
    be written."""
    if key not in KEYS:
        raise ValueError(key)
    values = load()
    if value is None:
        values.pop(key, None)
    else:
        values[key] = value
    path = config_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(f'{k} = "{v}"\n' for k, v in sorted(values.items())), encoding="utf-8")
    return path
