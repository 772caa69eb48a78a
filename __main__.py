"""``millplan`` and ``python -m millplan``: choose the language, then load the command line.

The language is chosen before :mod:`millplan.cli` loads, because the commands' help and the
workstation's key labels are read as their modules load (:func:`millplan.core.domain.i18n.detect`).
"""

from __future__ import annotations

import gettext
import sys

from millplan.core.domain import i18n


def speak_for_typer() -> None:
    """Let typer say its own words (``Options``, ``Commands``, ``Arguments``, ``Error``,
    ``[default: …]``, ``Try '… --help' for help.``, ``No such command``) in millplan's
    language: typer calls the standard library's ``gettext``, imported as it loads (its panel
    titles are read at import), so that is pointed at millplan's catalogue first. Unlike
    binding the global domain to the ``.mo`` (``textdomain``), this follows :func:`i18n.use`
    rather than the locale's variables, and reads an edited ``.po`` as
    :mod:`millplan.core.domain.i18n` does. Another library's words not in the catalogue stay
    as they are. (The copy of click that typer carries has no gettext: ``Usage:`` and its
    parsing errors, ``Missing option``, ``Invalid value``, stay English.)"""
    gettext.gettext = i18n._
    gettext.ngettext = i18n.ngettext


def main() -> None:
    """Console-script entry point: :func:`millplan.cli.main` in the chosen language."""
    i18n.use(i18n.detect(sys.argv[1:]))
    speak_for_typer()
    from millplan.cli import main as cli_main  # after the language: see the module's docstring

    cli_main()


if __name__ == "__main__":
    main()
