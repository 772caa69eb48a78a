"""Keys that work in any keyboard layout, and what the workstation tells about them.

A planner who types reasons in Russian leaves the keyboard in the ЙЦУКЕН layout, where the
physical key ``y`` sends ``н``. :func:`use_layout_twins` gives every binding of millplan's
widgets, screens and app a twin on the Russian letter of the same physical key (``н`` for
``y``, ``Ф`` for ``A``, ``х``/``ъ`` for ``[``/``]``, ``.`` for ``/``) and reads each
binding's description again through ``_()``, so labels follow the language chosen when the
workstation starts, whatever language the classes were imported in. Twins stay out of the
footer, which shows the Latin key; F1 (:func:`key_rows`) lists both.

:class:`BilingualCommands` lets the command palette find an action by its title in the
current language or in English.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from functools import cache
from typing import Protocol

from textual.binding import Binding, BindingsMap
from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.content import Content
from textual.dom import DOMNode
from textual.keys import _character_to_key
from textual.screen import Screen

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
    classes bind themselves (with a description) are listed, each with its Russian-layout twin."""
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
        description = binding.description if on else _("{action} (not offered here)").format(action=binding.description)
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


@cache
def _declared(cls: type) -> frozenset[tuple[str, str]]:
    """The (key, action) pairs millplan's own classes in ``cls``'s ancestry bind."""
    return frozenset(
        (key, binding.action)
        for base in cls.__mro__
        if base.__module__.startswith(PACKAGE)
        for key, binding in BindingsMap(base.__dict__.get("BINDINGS", []))
    )


# -- the command palette in two languages -------------------------------------------------


class Bilingual(Protocol):
    """An app whose commands are searchable in two languages."""

    def bilingual_commands(self, screen: Screen) -> Iterable[tuple[str, str, str, Callable[[], object]]]:
        """Each command as (title shown, its English title, help shown, callback)."""
        ...


class BilingualCommands(Provider):
    """The command palette's source of the app's commands: a query matches the title in
    the current language or in English (``утвердить`` and ``approve`` both find
    "Approve revision"); the hit shows the title in the current language."""

    def _commands(self) -> Iterable[tuple[str, str, str, Callable[[], object]]]:
        app: Bilingual = self.app  # type: ignore[assignment]
        return app.bilingual_commands(self.screen)

    async def discover(self) -> Hits:
        """Every command, by its title, for the palette opened with nothing typed."""
        for title, _english, help_text, callback in sorted(self._commands(), key=lambda command: command[0]):
            yield DiscoveryHit(title, callback, help=help_text)

    async def search(self, query: str) -> Hits:
        """The commands whose title in either language matches ``query`` (fuzzy)."""
        matcher = self.matcher(query)
        for title, english, help_text, callback in self._commands():
            shown, in_english = matcher.match(title), matcher.match(english) if english != title else 0
            if shown > 0 or in_english > 0:
                display = (
                    matcher.highlight(title)
                    if shown >= in_english
                    else Content(f"{title} · ") + matcher.highlight(english)
                )
                yield Hit(max(shown, in_english), display, callback, text=title, help=help_text)
