"""The Russian catalogue is complete: every message a user can read has a Russian translation
with the same placeholders and all three plural forms (core/domain/locale/ru/LC_MESSAGES/millplan.po).

When this fails after a change: run ``python -m millplan.commands.catalogue /tmp/millplan.pot``, then
``pybabel update -i /tmp/millplan.pot -d core/domain/locale -D millplan --no-fuzzy-matching`` and
translate the new entries (see core/domain/i18n.py)."""

from __future__ import annotations

import re

import pytest
import typer
from babel.messages.pofile import read_po

from millplan.cli import app
from millplan.commands.catalogue.template import template
from millplan.core.domain import i18n

PO = i18n.LOCALE_DIR / "ru" / "LC_MESSAGES" / "millplan.po"
PLACEHOLDER = re.compile(r"(?<!\{)\{([^{}]*)\}(?!\})")


def _placeholders(text: str) -> set[str]:
    return set(PLACEHOLDER.findall(text))


@pytest.fixture(scope="module")
def catalogue():
    with PO.open("rb") as stream:
        return read_po(stream, locale="ru")


@pytest.fixture(scope="module")
def messages():
    return [m for m in template(typer.main.get_command(app)) if m.id]


def test_every_message_has_a_russian_translation(catalogue, messages):
    missing = []
    for message in messages:
        entry = catalogue.get(message.id)
        strings = () if entry is None else entry.string if isinstance(entry.string, tuple) else (entry.string,)
        if entry is None or entry.fuzzy or not strings or not all(strings):
            missing.append(message.id if isinstance(message.id, str) else message.id[0])
    assert not missing, f"{len(missing)} messages lack Russian: " + "; ".join(map(repr, missing[:20]))


def test_translations_keep_the_placeholders_and_plural_forms(catalogue, messages):
    wrong = []
    for message in messages:
        entry = catalogue.get(message.id)
        if entry is None or not entry.string:
            continue
        if isinstance(message.id, tuple):
            forms = entry.string if isinstance(entry.string, tuple) else (entry.string,)
            expected = _placeholders(message.id[1]) | _placeholders(message.id[0])
            if len(forms) != 3:
                wrong.append((message.id[0], "needs 3 plural forms"))
            # a form may leave the count out ("одна позиция"), never invent a placeholder
            if any(not _placeholders(form) <= expected for form in forms):
                wrong.append((message.id[0], forms))
        elif _placeholders(entry.string) != _placeholders(message.id):
            wrong.append((message.id, entry.string))
    assert not wrong, f"{len(wrong)} translations change placeholders: {wrong[:10]}"


def test_the_catalogue_holds_no_stale_entries(catalogue, messages):
    ids = {m.id for m in messages}
    stale = [m.id for m in catalogue if m.id and m.id not in ids]
    assert not stale, f"{len(stale)} entries no code uses (pybabel update drops them): {stale[:10]}"


def test_russian_counts_take_three_forms(russian):
    from millplan.core.domain.i18n import ngettext

    forms = {
        n: ngettext("displaces {count} position", "displaces {count} positions", n).format(count=n)
        for n in (1, 3, 5, 11, 21)
    }
    assert forms == {
        1: "вытесняет 1 позицию",
        3: "вытесняет 3 позиции",
        5: "вытесняет 5 позиций",
        11: "вытесняет 11 позиций",
        21: "вытесняет 21 позицию",
    }
