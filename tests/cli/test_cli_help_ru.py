"""The command line in Russian: every help text of the command tree and typer's own words
come from the catalogue (needs the Russian catalogue merged: it fails for a help text
the catalogue lacks)."""

from __future__ import annotations

import os
import subprocess
import sys

from typer.main import get_command

from millplan.cli import app
from millplan.commands.catalogue import help_texts, translate_help
from millplan.core.domain.i18n import _


def test_every_help_text_has_a_russian_translation(russian):
    command = get_command(app)
    english = help_texts(command)
    translated = dict(
        zip((text for text, _where in english), (text for text, _where in help_texts(translate_help(command))))
    )
    untranslated = [f"{where}: {text}" for text, where in english if translated[text] == text]
    assert untranslated == []
    assert command.commands["assignment"].help == _("Show and edit a month's draft assignment.")


def test_millplan_lang_ru_help_is_russian(russian):
    # a fresh process, as people run it: the language is chosen before typer and the commands load
    env = {**os.environ, "COLUMNS": "250"}  # no wrapping inside a phrase
    done = subprocess.run(
        [sys.executable, "-m", "millplan", "--lang", "ru", "--help"],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )
    assert done.returncode == 0, done.stderr
    for english in ("Options", "Commands", "Show this message and exit.", "Back up and restore the database."):
        assert _(english) != english and _(english) in done.stdout, english
