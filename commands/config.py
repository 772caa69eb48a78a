"""``millplan config``: a person's own preferences (language, glyphs), kept in their
configuration file (:mod:`millplan.core.domain.preferences`)."""

from __future__ import annotations

import typer

from millplan.commands.common import JsonOption, emit, out
from millplan.core.domain import preferences
from millplan.core.domain.i18n import LANGUAGES, _

app = typer.Typer(help="Your own preferences: language, glyphs.", no_args_is_help=True)

CHOICES = {"lang": (*LANGUAGES, "auto"), "glyphs": ("unicode", "ascii", "auto")}
"""What each preference may be set to; ``auto`` removes it (the locale, the terminal decide)."""


def _set(key: str, value: str) -> None:
    if value not in CHOICES[key]:
        raise typer.BadParameter(_("one of: {choices}").format(choices=", ".join(CHOICES[key])))
    path = preferences.save(key, None if value == "auto" else value)
    out.print(_("{key} = {value} (in {path})").format(key=key, value=value, path=path))


@app.command("lang")
def lang(value: str = typer.Argument(..., metavar="LANGUAGE", help="ru, en, or auto (by the locale).")) -> None:
    """Set the language millplan speaks to you (the next command or workstation uses it)."""
    _set("lang", value)


@app.command("glyphs")
def glyphs(
    value: str = typer.Argument(..., metavar="SYMBOLS", help="unicode, ascii, or auto (ascii on TERM=linux)."),
) -> None:
    """Draw with Unicode symbols or plain ASCII (for a terminal that draws some symbols double)."""
    _set("glyphs", value)


@app.command("show")
def show(as_json: bool = JsonOption) -> None:
    """Show your preferences and where they are kept."""
    values = preferences.load()
    if as_json:
        emit({"path": str(preferences.config_path()), **{key: values.get(key, "auto") for key in CHOICES}})
        return
    for key in CHOICES:
        out.print(f"{key} = {values.get(key, 'auto')}")
    out.print(_("(in {path})").format(path=preferences.config_path()))
