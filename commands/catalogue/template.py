"""The whole message template (``.pot``) of millplan: what the code wraps in ``_()`` and
``ngettext()``, every help text of the command line (``--help``'s own among them), and
typer's words that go through the standard library's gettext (``Options``, ``Commands``,
``Error``, ``[default: {}]``, ``Missing command.`` …; :mod:`millplan.commands.typer_words`
sends them, and the words of the click typer carries (``Usage:``, ``Missing option``), to
millplan's catalogue)."""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import typer
from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.pofile import write_po

from millplan.commands.catalogue import Command, help_texts

SOURCE = Path(__file__).resolve().parents[2]
"""The folder of the ``millplan`` package (the repository's root in a checkout)."""
LEFT_OUT = frozenset({"tests", "benchmarks", "build"})
"""Folders under :data:`SOURCE` that hold no text a user reads (hidden ones are left out too)."""
KEYWORDS = {**DEFAULT_KEYWORDS, "stored": None, "stored_n": (1, 2)}
"""Babel's default keywords and the texts millplan stores to say later in the reader's language
(:mod:`millplan.core.domain.stored_text`)."""


def _wanted(path: str) -> bool:
    name = os.path.basename(path)
    return not name.startswith((".", "_")) and name not in LEFT_OUT  # .venv, __pycache__, …


def _extract(
    catalog: Catalog, folder: Path, directory_filter: Callable[[str], bool], comment: str | None, keywords: dict
) -> None:
    """Add what the Python files under ``folder`` wrap in one of ``keywords`` (Babel's default
    ones, as ``pybabel extract -k _ -k ngettext:1,2`` has them, or :data:`KEYWORDS`)."""
    for filename, lineno, message, comments, context in extract_from_dir(
        str(folder), [("**.py", "python")], keywords=keywords, directory_filter=directory_filter
    ):
        notes = [*comments, comment] if comment else comments
        catalog.add(message, None, [(filename, lineno)], auto_comments=notes, context=context)


def template(root: Command) -> Catalog:
    """The template: the code under :data:`SOURCE`, then the help texts of ``root``'s tree
    (each with the place it is used, ``#. help: millplan plan --horizon``), then click's and
    typer's words (``#. typer``). Raises ``OSError`` if a source cannot be read."""
    catalog = Catalog(project="millplan", charset="utf-8", creation_date=datetime.now(UTC), fuzzy=False)
    _extract(catalog, SOURCE, _wanted, None, KEYWORDS)
    for text, where in help_texts(root):
        catalog.add(text, None, auto_comments=[f"help: {where}"])
    _extract(catalog, Path(typer.__file__).parent, lambda path: True, "typer", DEFAULT_KEYWORDS)
    return catalog


def write_template(root: Command, out: Path) -> int:
    """Write :func:`template` of ``root`` to ``out`` as a ``.pot`` (no source locations, as the
    catalogue keeps none); the number of messages. Raises ``OSError`` if ``out`` cannot be written."""
    catalog = template(root)
    with out.open("wb") as stream:
        write_po(stream, catalog, no_location=True)
    return len(catalog)
