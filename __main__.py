"""``millplan`` and ``python -m millplan``: choose the language, then load the command line.

The language is chosen before :mod:`millplan.cli` loads, because the commands' help and the
workstation's key labels are read as their modules load (:func:`millplan.core.domain.i18n.detect`).
"""

from __future__ import annotations

import sys

from millplan.core.domain import i18n


def main() -> None:
    """Console-script entry point: :func:`millplan.cli.main` in the chosen language."""
    i18n.use(i18n.detect(sys.argv[1:]))
    from millplan.cli import main as cli_main  # after the language: see the module's docstring

    cli_main()


if __name__ == "__main__":
    main()
