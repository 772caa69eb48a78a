"""``python -m millplan.commands.catalogue OUT.pot``: write millplan's whole message template
(:mod:`millplan.commands.catalogue.template`) for ``pybabel update``. The entry point of a
tool, above the command line it reads: the only module here that imports :mod:`millplan.cli`."""

from __future__ import annotations

import sys
from pathlib import Path

import typer

from millplan.cli import app
from millplan.commands.catalogue.template import write_template


def main(argv: list[str] | None = None) -> None:
    """Write the template to the one path in ``argv`` (default: the command line's)."""
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        sys.exit("usage: python -m millplan.commands.catalogue OUT.pot")
    count = write_template(typer.main.get_command(app), Path(args[0]))
    print(f"{count} messages written to {args[0]}", file=sys.stderr)


if __name__ == "__main__":
    main()
