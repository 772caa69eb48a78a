"""typer's and click's own words in millplan's language, read as they are shown.

typer carries a copy of click whose words are English f-strings (``Usage:``, ``No such
option: --x``, ``Missing option '--month'.``, ``Invalid value for '--horizon': …``, ``Got
unexpected extra argument(s) (…)``), validates values with pydantic (``Input should be a
valid integer …``), and reads its own gettext words (``Options``, ``Error``, ``[default: {}]``)
into constants as it loads. :func:`speak` puts one translating layer over all of them, read
at call time, so a command line that switched language (``--lang``, the ``russian`` fixture
of the tests) speaks it at once:

- the messages of click's exceptions (``format_message``): each field they know (the
  option's hint, the kind of parameter, the cause of a bad value) put into a sentence of the
  catalogue; a message click built as text is matched against :func:`_sentences`;
- the reason pydantic gave for a bad value, by its kind (:func:`_validation_reason`);
- typer's words that Rich prints (the panels' titles, ``[required]``, ``Try '… --help' for
  help.``), set afresh before typer draws a help page or an error;
- the usage line (``Usage:``, ``[OPTIONS]``, ``COMMAND [ARGS]...``) and the type of a value
  in words (``<integer>``, ``<text>``, ``<file>``; a flag, which takes no value, shows none).

A message this layer does not know stays as typer wrote it. Its msgids are in the template
as any code's are; typer's gettext words are extracted from typer itself
(:mod:`millplan.commands.catalogue.template`).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from typing import Any

import typer.core
from pydantic import ValidationError
from rich import box
from rich.panel import Panel
from typer import rich_utils
from typer._click import Context, exceptions, formatting
from typer._click.exceptions import _join_param_hints

from millplan.core.domain import glyphs
from millplan.core.domain.i18n import _
from millplan.core.domain.numbers import plain

_RICH_WORDS = {
    "DEPRECATED_STRING": "(deprecated) ",
    "DEFAULT_STRING": "[default: {}]",
    "ENVVAR_STRING": "[env var: {}]",
    "REQUIRED_LONG_STRING": "[required]",
    "ARGUMENTS_PANEL_TITLE": "Arguments",
    "OPTIONS_PANEL_TITLE": "Options",
    "COMMANDS_PANEL_TITLE": "Commands",
    "ERRORS_PANEL_TITLE": "Error",
    "ABORTED_TEXT": "Aborted.",
    "RICH_HELP": "Try [blue]'{command_path} {help_option}'[/] for help.",
}
"""typer's constants in :mod:`typer.rich_utils` and their English msgids (typer's own gettext words)."""


def _type_words() -> dict[str, str]:
    """The words for typer's type labels (``<int>``, ``<file>`` …), in the current language."""
    return {
        "str": _("text"),
        "int": _("integer"),
        "float": _("decimal"),
        "bool": _("yes/no"),
        "int range": _("integer"),
        "float range": _("decimal"),
        "datetime": _("date and time"),
        "file": _("file"),
        "dir": _("folder"),
        "path": _("path"),
    }


def _sentences() -> tuple[tuple[str, str], ...]:
    """``(english, translated)``: each sentence click or typer builds as text, with its
    ``{fields}``, and millplan's words for it in the current language."""
    return (
        ("No such option: {name}", _("No such option: {name}")),
        ("Got unexpected extra argument(s) ({values})", _("Unexpected extra arguments: {values}")),
        ("Option {name} does not take a value.", _("Option {name} does not take a value.")),
        ("Option {name} requires an argument.", _("Option {name} requires a value.")),
        ("Option {name} requires {count} arguments.", _("Option {name} requires {count} values.")),
        ("Argument {name} takes {count} values.", _("Argument {name} takes {count} values.")),
        ("Value must be an iterable.", _("Several values are expected.")),
        ("{value} is not one of {choices}.", _("{value} is not one of {choices}.")),
        ("{label} {path} does not exist.", _("{label} {path} does not exist.")),
        ("{label} {path} is a file.", _("{label} {path} is a file.")),
        ("{label} {path} is a directory.", _("{label} {path} is a folder.")),
        ("{label} {path} is not readable.", _("{label} {path} cannot be read.")),
        ("{label} {path} is not writable.", _("{label} {path} cannot be written.")),
        ("Choose from:\n\t{choices}", _("Choose from:\n\t{choices}")),
    )


@functools.cache
def _pattern(english: str) -> re.Pattern[str]:
    """The regular expression that matches the sentence ``english``, a group per ``{field}``."""
    parts = re.split(r"\{(\w+)\}", english)
    return re.compile(
        "".join(re.escape(part) if i % 2 == 0 else f"(?P<{part}>.+?)" for i, part in enumerate(parts)), re.DOTALL
    )


def sentence(text: str) -> str:
    """``text``, a sentence typer or click wrote, in the current language: one of
    :func:`_sentences` with its fields kept (a path's kind in words), else ``_(text)`` — the
    catalogue's words for it, or ``text`` itself (millplan's own messages arrive translated)."""
    for english, translated in _sentences():
        found = _pattern(english).fullmatch(text)
        if found:
            fields = found.groupdict()
            if "label" in fields:
                fields["label"] = _type_words().get(fields["label"], fields["label"]).capitalize()
            return translated.format(**fields)
    return _(text)


def _validation_reason(error: dict[str, Any]) -> str:
    """Why pydantic refused a value (one of ``ValidationError.errors()``), in the current language."""
    kind, context, value = error["type"], error.get("ctx", {}), error.get("input")
    limits = {
        "greater_than_equal": ("ge", _("The value must be at least {limit}.")),
        "less_than_equal": ("le", _("The value must be at most {limit}.")),
        "greater_than": ("gt", _("The value must be more than {limit}.")),
        "less_than": ("lt", _("The value must be less than {limit}.")),
    }
    if kind in limits:
        key, words = limits[kind]
        return words.format(limit=plain(context[key]))
    if kind in ("int_parsing", "int_from_float", "int_type"):
        return _("'{value}' is not a whole number.").format(value=value)
    if kind in ("float_parsing", "float_type"):
        return _("'{value}' is not a number.").format(value=value)
    if kind == "value_error":
        return sentence(str(context["error"]))
    return str(error["msg"])


def _reason(exc: exceptions.BadParameter) -> str:
    """What is wrong with the value of a bad parameter: pydantic's reason when it refused it."""
    cause = exc.__cause__
    if isinstance(cause, ValidationError) and cause.errors():
        return _validation_reason(cause.errors()[0])
    return sentence(exc.message)


def _hint(exc: exceptions.BadParameter) -> str | None:
    """The parameter a bad-parameter error is about, as click names it (``'--month' / '-m'``)."""
    if exc.param_hint is not None:
        return _join_param_hints(exc.param_hint)
    if exc.param is not None:
        return _join_param_hints(exc.param.get_error_hint())
    return None


def _usage_message(self: exceptions.UsageError) -> str:
    """``UsageError.format_message``: its sentence (``ctx.fail``'s, the parser's) translated."""
    return sentence(self.message)


def _bad_parameter_message(self: exceptions.BadParameter) -> str:
    """``BadParameter.format_message``: which parameter, and why its value is refused."""
    hint = _hint(self)
    if hint is None:
        return _("Invalid value: {reason}").format(reason=_reason(self))
    return _("Invalid value for {name}: {reason}").format(name=hint, reason=_reason(self))


def _missing_message(self: exceptions.MissingParameter) -> str:
    """``MissingParameter.format_message``: which option or argument is missing (and its choices)."""
    kind = self.param_type or (self.param.param_type_name if self.param is not None else "parameter")
    headline = {"option": _("Missing option {name}."), "argument": _("Missing argument {name}.")}.get(
        kind, _("Missing parameter {name}.")
    )
    said = [sentence(self.message)] if self.message else []
    if self.param is not None:
        extra = self.param.get_missing_message(ctx=self.ctx)
        said += [sentence(extra)] if extra else []
    return " ".join([headline.format(name=_hint(self) or ""), *said])


def _no_such_option_message(self: exceptions.NoSuchOption) -> str:
    """``NoSuchOption.format_message``: the unknown option, and the options it may have meant."""
    said = sentence(self.message)
    if not self.possibilities:
        return said
    return _("{message} (did you mean: {options}?)").format(message=said, options=", ".join(sorted(self.possibilities)))


def _file_error_message(self: exceptions.FileError) -> str:
    """``FileError.format_message``: the file that could not be opened, and why."""
    return _("Could not open the file '{name}': {reason}").format(name=self.ui_filename, reason=sentence(self.message))


def _display_type(original: Callable[..., str]) -> Callable[..., str]:
    def display_type(self: typer.core._TyperParameter, ctx: Context) -> str:
        """typer's ``<label>`` with the label in words (choices stay as typed; a list as ``<text...>``)."""
        label = original(self, ctx)[1:-1]
        listed = re.fullmatch(r"list\[(.+)\]", label)
        inner = listed.group(1) if listed else label
        words = _type_words().get(inner, inner)
        return f"<{words}...>" if listed else f"<{words}>"

    return display_type


def _option_type(original: Callable[..., str | None]) -> Callable[..., str | None]:
    def display_type_rich(self: typer.core.TyperOption, ctx: Context) -> str | None:
        """No type for a flag (it takes no value); typer's otherwise."""
        return None if self.is_flag and self.metavar is None else original(self, ctx)

    return display_type_rich


def _write_usage(original: Callable[..., None]) -> Callable[..., None]:
    def write_usage(self: formatting.HelpFormatter, prog: str, args: str = "", prefix: str | None = None) -> None:
        """click's usage line with its words (``Usage:``, ``[OPTIONS]``, ``COMMAND [ARGS]...``) translated."""
        for english, translated in (("[OPTIONS]", _("[OPTIONS]")), ("COMMAND [ARGS]...", _("COMMAND [ARGS]..."))):
            args = args.replace(english, translated)
        original(self, prog, args, _("Usage:") + " " if prefix is None else prefix)

    return write_usage


def _panel(*args: Any, **kwargs: Any) -> Panel:
    """typer's help and error panels: framed in ASCII (``+--+``) when glyphs are ASCII, else rounded."""
    return Panel(*args, box=box.ASCII if glyphs.ascii_mode() else box.ROUNDED, **kwargs)


def _refresh_rich_words() -> None:
    """Set typer's Rich words, and the pattern that colours the usage prefix, in the current language."""
    for name, english in _RICH_WORDS.items():
        setattr(rich_utils, name, _(english))
    usage = rf"(?P<usage>{re.escape(_('Usage:'))} )"
    rich_utils.OptionHighlighter.highlights = [
        usage if "?P<usage>" in pattern else pattern for pattern in rich_utils.OptionHighlighter.highlights
    ]


def _speaking(original: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(original)
    def speaking(*args: Any, **kwargs: Any) -> Any:
        _refresh_rich_words()
        return original(*args, **kwargs)

    return speaking


_spoken = False


def speak() -> None:
    """Make typer and its click say their words in millplan's current language, whatever it is
    when they say them (installed once; later calls do nothing)."""
    global _spoken
    if _spoken:
        return
    _spoken = True
    typer.core._ = _  # typer's gettext words said by the commands ("Missing command.", "required")
    rich_utils.Panel = _panel  # its panels in the glyphs in force
    for name in ("rich_format_help", "rich_format_error", "rich_abort_error"):
        setattr(rich_utils, name, _speaking(getattr(rich_utils, name)))
    exceptions.UsageError.format_message = _usage_message  # ctx.fail(), BadOptionUsage, BadArgumentUsage
    exceptions.BadParameter.format_message = _bad_parameter_message
    exceptions.MissingParameter.format_message = _missing_message
    exceptions.NoSuchOption.format_message = _no_such_option_message
    exceptions.FileError.format_message = _file_error_message
    typer.core._TyperParameter.display_type = _display_type(typer.core._TyperParameter.display_type)
    typer.core.TyperOption.display_type_rich = _option_type(typer.core.TyperOption.display_type_rich)
    formatting.HelpFormatter.write_usage = _write_usage(formatting.HelpFormatter.write_usage)
