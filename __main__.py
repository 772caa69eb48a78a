"""``millplan`` and ``python -m millplan``: choose the language, then load the command line.

The language is chosen before :mod:`millplan.cli` loads, because the commands' help and the
workstation's key labels are read as their modules load (:func:`millplan.core.domain.i18n.detect`).
"""

from __future__ import annotations

import gettext
import sys

from millplan.core.domain import i18n


def speak_for_click() -> None:
    """Let click and typer say their own words (``Usage``, ``Options``, ``Show this message and
    exit.``, ``Missing option``, ``Invalid value``) in millplan's language: they call the
    standard library's ``gettext``/``ngettext`` (the global domain), imported as they load —
    typer reads its panel titles at import — so these are pointed at millplan's catalogue
    first. Unlike binding the global domain to the ``.mo`` (``textdomain``), this follows
    :func:`i18n.use` rather than the locale's variables, and reads an edited ``.po`` as
    :mod:`millplan.core.domain.i18n` does. Another library's words that are not in the
    catalogue stay as they are written."""
    gettext.gettext = i18n._
    gettext.ngettext = i18n.ngettext


def main() -> None:
    """Console-script entry point: :func:`millplan.cli.main` in the chosen language."""
    i18n.use(i18n.detect(sys.argv[1:]))
    speak_for_click()
    from millplan.cli import main as cli_main  # after the language: see the module's docstring

    cli_main()


if __name__ == "__main__":
    main()
