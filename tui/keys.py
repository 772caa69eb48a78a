"""Keys that work in any keyboard layout, and what the workstation tells about them.

A planner who types reasons in Russian leaves the keyboard in the ЙЦУКЕН layout, where the
physical key ``y`` sends ``н``. :func:`use_layout_twins` gives every binding of millplan's
widgets, screens and app a twin on the Russian letter of the same physical key (``н`` for
``y``, ``Ф`` for ``A``, ``х``/``ъ`` for ``[``/``]``, ``.`` for ``/``) and reads each
binding's description again through ``_()``, so labels follow the language chosen when the
workstation starts, whatever language the classes were imported in. Twins stay out of the
footer, which shows the Latin key; F1 (:func:`key_rows`) lists both.

:class:`BilingualCommands` lets the command palette find an action by its title in the
current language or in English, or by one of its words (:func:`palette_words`);
:class:`Palette` is Textual's command palette saying its own words in the user's language.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from functools import cache
from typing import Protocol, Self

from rich.align import Align
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingsMap
from textual.command import CommandList, CommandPalette, DiscoveryHit, Hit, Hits, Provider, SearchIcon
from textual.content import Content
from textual.dom import DOMNode
from textual.keys import _character_to_key
from textual.screen import Screen
from textual.visual import VisualType
from textual.widget import Widget
from textual.widgets.option_list import Option

from millplan.core.domain import glyphs
from millplan.core.domain.i18n import _

LATIN = "qwertyuiop[]asdfghjkl;'zxcvbnm,./`QWERTYUIOP{}ASDFGHJKL:\"ZXCVBNM<>?~"
RUSSIAN = "йцукенгшщзхъфывапролджэячсмитьбю.ёЙЦУКЕНГШЩЗХЪФЫВАПРОЛДЖЭЯЧСМИТЬБЮ,Ё"
"""What each key of the Latin (QWERTY) layout sends in the Russian (ЙЦУКЕН) layout, by position."""

TWINS: dict[str, str] = {_character_to_key(a): _character_to_key(b) for a, b in zip(LATIN, RUSSIAN, strict=True)}
"""Textual key name in the Latin layout → the key name the same physical key has in the
Russian layout (``"y"`` → ``"н"``, ``"left_square_bracket"`` → ``"х"``, ``"slash"`` → ``"full_stop"``)."""

PACKAGE = "millplan."


def is_ours(cls: type) -> bool:
    """Whether ``cls`` is, or derives from, a class of millplan (not only Textual's)."""
    return any(base.__module__.startswith(PACKAGE) for base in cls.__mro__)


def twin_of(key: str) -> str | None:
    """The Russian-layout key of the Latin key ``key`` (a Textual key name), or ``None``
    for keys every layout sends alike (F-keys, digits, Enter, ``ctrl+…``)."""
    return TWINS.get(key)


def with_twins(bindings: BindingsMap) -> BindingsMap:
    """``bindings`` with each description read again through ``_()`` and a hidden twin for
    every Latin key on its Russian-layout key — unless that key is bound already here."""
    keys = {key: [_translated(b) for b in group] for key, group in bindings.key_to_bindings.items()}
    for key, group in list(keys.items()):
        twin = twin_of(key)
        if twin is not None and twin not in bindings.key_to_bindings:
            keys[twin] = [
                replace(b, key=twin, key_display=None, show=False, id=f"{b.id}.ru" if b.id else None) for b in group
            ]
    return BindingsMap.from_keys(keys)


def _translated(binding: Binding) -> Binding:
    return replace(
        binding,
        description=_(binding.description) if binding.description else binding.description,
        tooltip=_(binding.tooltip) if binding.tooltip else binding.tooltip,
    )


def _subclasses(root: type) -> Iterator[type]:
    for cls in root.__subclasses__():
        yield cls
        yield from _subclasses(cls)


def use_layout_twins() -> None:
    """Rebuild the bindings of every millplan DOM class loaded (app, screens, panes,
    widgets, and their subclasses) from their ``BINDINGS`` with the layout twins added and
    descriptions in the current language. Call it as the app starts, before any of them is
    built: a node copies its class's bindings when it is created. Running it again (another
    app, another language) starts from the classes' own ``BINDINGS`` each time."""
    for cls in set(_subclasses(DOMNode)):
        if is_ours(cls):
            cls._merged_bindings = with_twins(cls._merge_bindings())


def month_bindings(owner: str, *, show: bool = True) -> list[Binding]:
    """``[`` and ``]`` of a pane that steps through months (``owner``, the ids' prefix):
    ``month(-1)`` and ``month(1)``; the footer shows ``[ ] Month`` (unless ``show`` is
    false), F1 "Previous month" and "Next month"."""
    return [
        Binding(
            "left_square_bracket",
            "month(-1)",
            _("Month"),
            tooltip=_("Previous month"),
            key_display="[ ]",
            show=show,
            id=f"{owner}.previous_month",
        ),
        Binding("right_square_bracket", "month(1)", _("Next month"), show=False, id=f"{owner}.next_month"),
    ]


# -- F1: the keys of what is shown ------------------------------------------------------


@dataclass(frozen=True)
class KeyRow:
    """One action of the keys help: its keys as shown (``"F6, a"``), the same keys in the
    Russian layout (``"ф"``, empty when every layout sends them alike), what it does."""

    keys: str
    russian: str
    description: str


def key_rows(screen: Screen) -> list[KeyRow]:
    """The actions ``screen`` answers to (of the focused widget, its pane, the screen and the
    app, nearest first), one row per action with every key that runs it, named as people
    write them (:func:`key_name`). An action the pane binds but does not offer here (the
    highlighted row, the user's role) is listed too, marked so. Only the keys millplan's
    classes bind themselves (with a description) are listed, each with its Russian-layout twin,
    said by the binding's tooltip where it has one (the footer's ``[ ] Month`` is ``[``
    "Previous month" here)."""
    app = screen.app
    chain = [  # what active_bindings walks, the actions not offered too
        (node, key, binding, app._check_action_state(binding.action, node) is not False)
        for node, bindings in screen._modal_binding_chain
        for key, binding in bindings
        if binding.description and (key, binding.action) in _declared(type(node))
    ]  # a twin shows beside its Latin key; Textual's own keys (cursor, ^q) are not the pane's
    offered = {key for _node, key, _binding, on in chain if on}
    rows: dict[tuple[int, str], tuple[list[str], list[str], str]] = {}
    taken: set[str] = set()
    for node, key, binding, on in chain:
        if key in taken or (not on and key in offered):
            continue  # a key runs the nearest action offered (F12: Submit or Approve)
        taken.add(key)
        said = binding.tooltip or binding.description  # "[": "Month" in the footer, "Previous month" here
        description = said if on else _("{action} (not offered here)").format(action=said)
        keys, russian, _description = rows.setdefault((id(node), binding.action), ([], [], description))
        keys.append(key_name(app.get_key_display(replace(binding, key_display=None))))  # "[", not "[ ]"
        twin = twin_of(key)
        if twin is not None:
            russian.append(app.get_key_display(replace(binding, key=twin, key_display=None)))
    return [KeyRow(", ".join(keys), ", ".join(russian), description) for keys, russian, description in rows.values()]


def key_name(shown: str) -> str:
    """A key as people write it, from Textual's display of it: ``^r`` → ``Ctrl+R``, ``home``
    → ``Home``, ``f6`` → ``F6``, ``shift+tab`` → ``Shift+Tab``; one character stays as it is
    (``a``, ``A``, ``[``)."""
    if len(shown) == 1:
        return shown
    if shown.startswith("^"):
        rest = shown[1:]
        return "Ctrl+" + (rest.upper() if len(rest) == 1 else key_name(rest))
    return "+".join(part[:1].upper() + part[1:] if len(part) > 1 else part.upper() for part in shown.split("+"))


def key_word(key: str) -> str | None:
    """How the footer and F1 name the key ``key`` (a Textual key name) where Textual's own name
    is English or a glyph (``space``, ``esc``, ``⏎``): ``пробел`` in Russian, ``Esc``,
    ``Enter``; ``None`` for any other key (Textual's name stands)."""
    words = {
        "space": _("space"),
        "escape": "Esc",
        "enter": "Enter",
        "backspace": "Backspace",
        "delete": "Del",
        "pageup": "PgUp",
        "pagedown": "PgDn",
    }
    return words.get(key)


@cache
def _declared(cls: type) -> frozenset[tuple[str, str]]:
    """The (key, action) pairs millplan's own classes in ``cls``'s ancestry bind."""
    return frozenset(
        (key, binding.action)
        for base in cls.__mro__
        if base.__module__.startswith(PACKAGE)
        for key, binding in BindingsMap(base.__dict__.get("BINDINGS", []))
    )


def idle_key_reason(screen: Screen, key: str) -> str | None:
    """Why ``key`` (a Textual key name) does nothing on ``screen`` now, for a notice: when
    every binding of the key in what is shown is not offered here (``check_action``), the
    first reason a node binding it gives by its ``why_not(action)`` (``None`` from a node
    with nothing to say); ``None`` when a binding runs, or no one says why."""
    app, reasons = screen.app, []
    for node, bindings in screen._modal_binding_chain:
        for binding in bindings.key_to_bindings.get(key, ()):
            if app._check_action_state(binding.action, node):
                return None  # it runs
            why_not = getattr(node, "why_not", None)
            said = why_not(binding.action) if why_not is not None else None
            if said:
                reasons.append(said)
    return reasons[0] if reasons else None


# -- the command palette in two languages -------------------------------------------------


class Bilingual(Protocol):
    """An app whose commands are searchable in two languages."""

    def bilingual_commands(self, screen: Screen) -> Iterable[tuple[str, str, str, Callable[[], object]]]:
        """Each command as (title shown, its English title, help shown, callback)."""
        ...


def palette_words(_: Callable[[str], str]) -> dict[str, str]:
    """Words the palette also finds a command by, beyond its title: the command's English
    title → its words, space-separated (``"Plan"`` → ``"calculate calculation …"``). The
    words are written inside ``_()`` for the catalogue, where a translator gives the words a
    Russian planner would type (``рассчитать расчёт …``), and read through the ``_`` given:
    the current language's, or ``str`` for the English the palette also searches."""
    return {
        "Mill load": _("load capacity mills utilisation horizon overload chart"),
        "Deal acceptance": _("deals acceptance orders portfolio"),
        "Assignment": _("assignment monthly plan lines"),
        "Accept deal": _("accept take order"),
        "Reject deal": _("reject refuse decline"),
        "Promise deal": _("promise date deadline delivery when term"),
        "Promise typed position": _("promise date deadline delivery typed new position what-if"),
        "Plan": _("calculate calculation compute solve optimise prioritise re-plan run"),
        "Lock or unlock": _("lock unlock fix pin keep"),
        "Exclude or include": _("exclude include remove"),
        "Submit or approve": _("submit approve send review"),
        "Approval": _("approval review conflicts requests changes diff"),
        "Approve revision": _("approve confirm sign"),
        "Later month": _("deadline postpone later move"),
        "Plan vs actual": _("actual progress production made"),
        "Stale deals": _("stale overdue hanging old"),
        "Cancel position": _("cancel annul remove"),
        "Extend position": _("extend postpone deadline date"),
        "Close as complete": _("close complete done finished"),
        "Filter stale deals": _("filter search find"),
        "Inbox": _("notifications messages mail news letters"),
        "History": _("audit log changes who when"),
        "Reload": _("refresh update reread"),
        "Keys": _("help keys shortcuts hotkeys keyboard"),
        "Export to Excel": _("excel xlsx export download spreadsheet table save"),
        "Quit": _("exit close leave"),
        "Theme": _("colours colors look dark light"),
    }


def _folded(text: str) -> str:
    """``text`` as searched: case folded, ``ё`` as ``е`` (people type either)."""
    return text.casefold().replace("ё", "е")


def begun_words(query: str, words: Iterable[str]) -> list[str]:
    """For each word of ``query``, the first of ``words`` it begins (``расч`` begins
    ``расчёт``; case and ``ё``/``е`` aside) — or ``[]`` when one of them begins none."""
    found = []
    for typed in _folded(query).split():
        word = next((w for w in words if _folded(w).startswith(typed)), None)
        if word is None:
            return []
        found.append(word)
    return found


class BilingualCommands(Provider):
    """The command palette's source of the app's commands: a query matches the title in
    the current language or in English (``утвердить`` and ``approve`` both find
    "Approve revision"), or begins the command's words (:func:`palette_words`, in both
    languages: ``рассчитать`` and ``calculate`` find "Plan"); the hit shows the title in the
    current language, and the word found after it."""

    def _commands(self) -> Iterable[tuple[str, str, str, Callable[[], object]]]:
        app: Bilingual = self.app  # type: ignore[assignment]
        return app.bilingual_commands(self.screen)

    async def discover(self) -> Hits:
        """Every command, by its title, for the palette opened with nothing typed."""
        for title, _english, help_text, callback in sorted(self._commands(), key=lambda command: command[0]):
            yield DiscoveryHit(title, callback, help=help_text)

    async def search(self, query: str) -> Hits:
        """The commands whose title in either language matches ``query`` (fuzzy), or whose
        words ``query`` begins."""
        matcher = self.matcher(query)
        said, english_words = palette_words(_), palette_words(str)
        for title, english, help_text, callback in self._commands():
            shown, in_english = matcher.match(title), matcher.match(english) if english != title else 0
            words = f"{said.get(english, '')} {english_words.get(english, '')}".split()
            begun = " ".join(begun_words(query, [*title.split(), *words]))
            by_word = max(matcher.match(begun), 1.0) if begun else 0
            best = max(shown, in_english, by_word)
            if best <= 0:
                continue
            if shown == best:
                display = matcher.highlight(title)
            elif in_english == best:
                display = Content(f"{title} · ") + matcher.highlight(english)
            else:
                display = Content(f"{title} · ") + matcher.highlight(begun)
            yield Hit(best, display, callback, text=title, help=help_text)


class Palette(CommandPalette):
    """Textual's command palette with its words in the user's language: the prompt
    (``placeholder``, "Search for commands…" unless given) and "No matches found"; in ASCII
    mode (:func:`glyphs.ascii_mode`) its magnifier icon, an emoji two cells wide that a Linux
    console cannot draw, is ``>``."""

    def __init__(self, placeholder: str | None = None, **kwargs) -> None:
        super().__init__(placeholder=placeholder or _("Search for commands…"), **kwargs)

    def compose(self) -> ComposeResult:
        """Textual's palette, its list of commands saying "no matches" in the user's language."""
        for widget in super().compose():
            yield _SaidCommandList() if type(widget) is CommandList else _icon(widget)


def _icon(widget: Widget) -> Widget:
    if isinstance(widget, SearchIcon) and glyphs.ascii_mode():
        widget.set_reactive(SearchIcon.icon, ">")
    return widget


class _SaidCommandList(CommandList):
    """The palette's list of commands; its "No matches found" line in the user's language."""

    def add_option(self, option: Option | VisualType | None = None) -> Self:
        """Add ``option``; the palette's "no matches" line said in the user's language."""
        if isinstance(option, Option) and option.id == CommandPalette._NO_MATCHES:
            option = Option(Align.center(Text(_("No matches found"), style="not bold")), disabled=True, id=option.id)
        return super().add_option(option)
