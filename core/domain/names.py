"""People's names: how they compare, as the plant's files and users type them, and how
a login reads in a message or the history."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from millplan.storage.repository import Repository


def name_key(text: str) -> str:
    """``"Иванов  А. С."`` and ``"иванов а. с."`` give the same key: case, repeated or
    edge spaces and ё/е do not matter."""
    return " ".join(text.replace("ё", "е").replace("Ё", "Е").split()).casefold()


def display_names(repo: Repository, logins: Iterable[str]) -> dict[str, str]:
    """Who each of ``logins`` is, for people: the user's name where registered, else the
    login itself (a removed user, ``setup``); one query for them all."""
    wanted = set(logins)
    names = repo.user_names(wanted) if wanted else {}
    return {login: names.get(login, login) for login in wanted}
