"""Who hears: the person a message names, the login a deal's sales-manager text stands for,
and the hand-over of notifications waiting under such a text once a user answers to it."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime

from millplan.core.domain.names import name_key
from millplan.core.mail.notify import mail_row
from millplan.storage.unit_of_work import UnitOfWork


def person(repo: UnitOfWork, login: str) -> str:
    """Who ``login`` is, for a message (:meth:`millplan.storage.users.UserRepository.display_names`)."""
    return repo.users.display_names([login])[login]


class Managers:
    """Who a deal's ``sales_manager`` text is, read from the users once (per unit of work).

    ``users`` are (login, name, e-mail) as :meth:`millplan.storage.mailbox.MailboxRepository.users` gives
    them; ``None`` reads none (each text is its own login).
    """

    def __init__(self, users: Iterable[tuple[str, str, str | None]] | None = None) -> None:
        self._logins: set[str] = set()
        self._by_name: dict[str, list[str]] = {}
        for login, name, _email in users or ():
            self._logins.add(login)
            self._by_name.setdefault(name_key(name), []).append(login)

    def login(self, text: str) -> str | None:
        """The login notifications about ``text``'s deals go to: the user with that login
        if there is one, else the only user with that name (``Иванов А. С.``; compared by
        :func:`millplan.core.domain.names.name_key`: case, spaces and ё/е do not matter), else the text
        itself (stripped; its news waits there, see :func:`hand_waiting`). ``None`` for a
        deal without a sales manager (empty text): nobody to tell."""
        text = text.strip()
        if not text or text in self._logins:
            return text or None
        same_name = self._by_name.get(name_key(text), [])
        return same_name[0] if len(same_name) == 1 else text


def managers(repo: UnitOfWork) -> Managers:
    """:class:`Managers` of the users registered in ``repo``'s unit of work (one query)."""
    return Managers(repo.mailbox.users())


def manager_login(repo: UnitOfWork, text: str) -> str | None:
    """The login of one deal's sales manager ``text`` (see :meth:`Managers.login`)."""
    return managers(repo).login(text)


def hand_waiting(repo: UnitOfWork) -> int:
    """Give each user the notifications waiting under a sales-manager text that now names
    him (:meth:`Managers.login`: his login, or his name that no other user has), and queue
    their e-mail when he has an address — called in the unit of work that adds, renames
    or removes a user. Once handed over they stay his, whoever registers that name later.
    Returns how many notifications were handed over."""
    texts = repo.mailbox.waiting_texts()
    if not texts:
        return 0
    managers = Managers(repo.mailbox.users())
    owners: dict[str, list[str]] = {}
    for text in texts:
        owner = managers.login(text)
        if owner and owner != text:
            owners.setdefault(owner, []).append(text)
    now, handed = datetime.now(UTC), 0
    addresses = repo.mailbox.emails_of(owners)
    for login, his in sorted(owners.items()):
        moved = repo.mailbox.readdress(his, login)
        handed += len(moved)
        if addresses.get(login):
            repo.mailbox.enqueue_all([mail_row(login, addresses[login], *notice, now) for notice in moved])
    return handed
