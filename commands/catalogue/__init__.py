"""The command line's help in the user's language, and the whole message template.

typer keeps help texts (a command's docstring, ``help=`` of an option, an argument or a
group, an argument's or option's ``metavar=``: ``MONTH``, ``FILE``) as plain English strings on the
click command tree it builds from :data:`millplan.cli.app`; they are not wrapped in ``_()``
(that would be ``_()`` run at import, which the house avoids). :func:`translate_help` puts each through ``_()`` on a freshly built
tree — :func:`millplan.cli.main` runs every command that way — and :func:`help_texts` lists
them for the template (:mod:`millplan.commands.catalogue.template`,
``python -m millplan.commands.catalogue OUT.pot``), so both read the same walk.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import typer

from millplan.core.domain.i18n import _

Command = Any
"""A command or group as ``typer.main.get_command`` builds it (typer carries a click of its own)."""

COMMAND_TEXTS = ("help", "short_help", "epilog")
"""The attributes of a command (or group) that hold text a user reads in ``--help``."""


def _texts(command: Command, path: str) -> Iterator[tuple[str, object, str]]:
    """``(where, holder, attribute)`` of every help text under ``command``: ``where`` names it
    as typed (``millplan plan --horizon``), ``holder`` is the command or the parameter —
    ``--help`` among them (made here as the command would make it, and kept by it)."""
    for attribute in COMMAND_TEXTS:
        yield path, command, attribute
    helper = command.get_help_option(typer.Context(command))
    for param in [*command.params, *([helper] if helper else [])]:
        where = f"{path} {param.opts[0] if param.param_type_name == 'option' else param.metavar or param.name.upper()}"
        yield where, param, "help"
        if param.param_type_name == "argument" or param.metavar:  # an option's own metavar: STATUS
            yield where, param, "metavar"  # how usage, help and errors name it: MONTH, FILE
    for name, sub in getattr(command, "commands", {}).items():  # a group's commands
        yield from _texts(sub, f"{path} {name}")


def help_texts(command: Command, path: str = "millplan") -> list[tuple[str, str]]:
    """Every help text of the tree under ``command`` as ``(text, where)``, in the order
    ``--help`` meets them, each text once (``where``: the first place it is used, e.g.
    ``millplan plan --horizon``)."""
    found: dict[str, str] = {}
    for where, holder, attribute in _texts(command, path):
        text = getattr(holder, attribute, None)
        if isinstance(text, str) and text.strip():
            found.setdefault(text, where)
    return list(found.items())


def translate_help(command: Command) -> Command:
    """``command`` with every help text of its tree in the current language (changed in
    place: build the tree afresh, ``typer.main.get_command(app)``, for each language)."""
    for _where, holder, attribute in _texts(command, ""):
        text = getattr(holder, attribute, None)
        if isinstance(text, str) and text.strip():
            setattr(holder, attribute, _(text))
    return command
