"""Translation of user-facing text (gettext, domain ``millplan``) and the choice of language.

Every string a person reads is written in English in the code and wrapped in ``_()`` (or
``ngettext`` where it counts things: Russian has three plural forms). The Russian catalogue
is ``core/domain/locale/ru/LC_MESSAGES/millplan.po``, kept in the repository; ``pip install``
compiles it to ``millplan.mo`` (``setup.py``), and a catalogue newer than its ``.mo`` (an
engineer's edit) is compiled in memory with Babel as it loads. Update it with::

    python -m millplan.commands.catalogue /tmp/millplan.pot
    pybabel update -i /tmp/millplan.pot -d core/domain/locale -D millplan --no-fuzzy-matching

The template holds everything a user reads: what the code wraps (the same extraction as
``pybabel extract -F babel.cfg -k _ -k ngettext:1,2 --no-location --ignore-dirs='.venv tests
benchmarks' -k stored -k stored_n:1,2 .``), every help text of the command line (typer keeps them unwrapped;
:mod:`millplan.commands.catalogue` walks the command tree and translates them as the
command line runs), and typer's own words that go through the standard library's gettext
(``Options``, ``Commands``, ``Error``; :mod:`millplan.commands.typer_words` sends them, and
click's, here).

The language is chosen once, before the commands and the workstation load (their help and
key labels are read as they load): ``--lang``, else ``MILLPLAN_LANG``, else the ``lang``
preference (``millplan config lang ru``), else the locale (``LC_ALL``, ``LC_MESSAGES``,
``LANG``): Russian when it is Russian, English otherwise.
"""

from __future__ import annotations

import gettext
import io
import os
from collections.abc import Mapping, Sequence
from pathlib import Path

from millplan.core.domain import preferences

LOCALE_DIR = Path(__file__).with_name("locale")
DOMAIN = "millplan"
LANGUAGES = ("ru", "en")
"""The languages millplan speaks; English is the code's own text."""
LANG_ENV = "MILLPLAN_LANG"

_translations: dict[str, gettext.NullTranslations] = {}
_current: gettext.NullTranslations = gettext.NullTranslations()
_language = "en"


def _(message: str) -> str:
    """``message`` in the current language (the English text where the catalogue lacks it)."""
    return _current.gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """The form of ``singular``/``plural`` for the count ``n`` in the current language
    (Russian: ``1 позиция``, ``3 позиции``, ``5 позиций``). Tonnes and money are not
    counted this way: ``2,5 т`` has no plural."""
    return _current.ngettext(singular, plural, n)


def language() -> str:
    """The current language: ``"ru"`` or ``"en"``."""
    return _language


def use(lang: str) -> None:
    """Speak ``lang`` (one of :data:`LANGUAGES`) from now on.

    Raises ``ValueError`` for a language millplan does not speak."""
    global _current, _language
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}: one of {', '.join(LANGUAGES)}")
    if lang not in _translations:
        _translations[lang] = _load(lang)
    _current, _language = _translations[lang], lang


def _load(lang: str) -> gettext.NullTranslations:
    """The compiled catalogue of ``lang``; the ``.po`` compiled in memory when it is newer
    than its ``.mo`` or the ``.mo`` is missing (a checkout never installed, an edit)."""
    folder = LOCALE_DIR / lang / "LC_MESSAGES"
    po, mo = folder / f"{DOMAIN}.po", folder / f"{DOMAIN}.mo"
    if mo.exists() and (not po.exists() or mo.stat().st_mtime >= po.stat().st_mtime):
        with mo.open("rb") as stream:
            return gettext.GNUTranslations(stream)
    if not po.exists():
        return gettext.NullTranslations()
    return gettext.GNUTranslations(io.BytesIO(compile_po(po)))


def compile_po(po: Path) -> bytes:
    """The ``.mo`` bytes of the catalogue ``po`` (Babel; fuzzy entries left out, as msgfmt does)."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    with po.open("rb") as stream:
        catalog = read_po(stream)
    out = io.BytesIO()
    write_mo(out, catalog)
    return out.getvalue()


def _from_locale(environ: Mapping[str, str]) -> str | None:
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = environ.get(name)
        if value:  # the first one set decides, as in POSIX
            return "ru" if value.lower().startswith("ru") else "en"
    return None


def _from_argv(argv: Sequence[str]) -> str | None:
    for i, arg in enumerate(argv):
        if arg == "--lang" and i + 1 < len(argv):
            return argv[i + 1]
        if arg.startswith("--lang="):
            return arg.split("=", 1)[1]
    return None


def detect(argv: Sequence[str] = (), environ: Mapping[str, str] | None = None) -> str:
    """The language to speak: ``--lang`` in ``argv``, ``MILLPLAN_LANG``, the ``lang``
    preference, the locale — the first that names one of :data:`LANGUAGES`; else English."""
    environ = os.environ if environ is None else environ
    for choice in (_from_argv(argv), environ.get(LANG_ENV), preferences.load().get("lang")):
        if choice in LANGUAGES:
            return choice
    return _from_locale(environ) or "en"
