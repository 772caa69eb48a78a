"""``millplan config``: a person's language and glyphs, kept in their preferences file."""

from __future__ import annotations

import json
import subprocess
import sys

from typer.testing import CliRunner

from millplan.cli import app
from millplan.core.domain import i18n, preferences

runner = CliRunner()


def test_config_lang_is_kept_and_auto_removes_it(tmp_path, monkeypatch):
    monkeypatch.setenv(preferences.CONFIG_ENV, str(tmp_path / "config.toml"))
    assert runner.invoke(app, ["config", "lang", "ru"]).exit_code == 0
    assert preferences.load() == {"lang": "ru"}
    assert i18n.detect([], {}) == "ru"
    shown = json.loads(runner.invoke(app, ["config", "show", "--json"]).stdout)
    assert shown["lang"] == "ru" and shown["glyphs"] == "auto"
    assert runner.invoke(app, ["config", "lang", "auto"]).exit_code == 0
    assert preferences.load() == {}


def test_config_refuses_a_language_it_does_not_speak(tmp_path, monkeypatch):
    monkeypatch.setenv(preferences.CONFIG_ENV, str(tmp_path / "config.toml"))
    result = runner.invoke(app, ["config", "lang", "fr"])
    assert result.exit_code == 2
    assert not (tmp_path / "config.toml").exists()


def test_lang_option_refuses_an_unknown_language():
    result = runner.invoke(app, ["--lang", "fr", "config", "show"])
    assert result.exit_code == 2 and "--lang" in result.output


def test_the_entry_point_chooses_the_language_before_the_commands_load(tmp_path):
    # a fresh process: --lang is read by millplan.__main__ before millplan.cli is imported
    code = "import sys; sys.argv = ['millplan', '--lang', 'ru', 'config', 'show']; from millplan.__main__ import main; main()"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    probe = "from millplan.__main__ import main; from millplan.core.domain import i18n; import sys; sys.argv=['m','--lang','ru','--help']\ntry:\n    main()\nexcept SystemExit:\n    pass\nprint(i18n.language(), file=sys.stderr)"
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60)
    assert done.stderr.strip().endswith("ru")
