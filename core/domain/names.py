"""People's names: how they compare, as the plant's files and users type them (how a
login reads in a message or the history: :meth:`millplan.storage.users.UserRepository.display_names`)."""

from __future__ import annotations


def name_key(text: str) -> str:
    """``"Иванов  А. С."`` and ``"иванов а. с."`` give the same key: case, repeated or
    edge spaces and ё/е do not matter."""
    return " ".join(text.replace("ё", "е").replace("Ё", "Е").split()).casefold()


def short_name(text: str) -> str:
    """A person as a narrow table shows him: surname and initials, the initials joined —
    ``"Иванов Алексей Сергеевич"`` and ``"Иванов А. С."`` give ``"Иванов А.С."``; a single
    word stays as it is, a blank name gives ``""``."""
    words = text.split()
    if not words:
        return ""
    surname, *given = words
    return surname + (" " + "".join(f"{word[0]}." for word in given) if given else "")
