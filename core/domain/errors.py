"""Errors the fronts show to people.

Every error a user can cause derives from :class:`MillplanError`; its ``str()`` is a
complete sentence naming the object (file, sheet, row, column, deal, mill, month) so the
CLI and the workstation print it as it is. ``exit_code`` follows the CLI's documented codes.
"""

from __future__ import annotations


class MillplanError(Exception):
    """Base of every error meant for a person rather than a traceback."""

    exit_code = 1


class InvalidInput(MillplanError):
    """A value typed by a person cannot be read (a position reference, a month, …);
    exit code 2, as for any other usage error."""

    exit_code = 2


class NotFound(MillplanError):
    """A named object (deal, mill, assignment) does not exist in the store."""


class StateError(MillplanError):
    """An action is not allowed in the object's current state (e.g. editing an approved revision)."""


class ChangedMeanwhile(StateError):
    """Someone saved the same object after this action read it; nothing was written.

    The message says who and when, and to reload."""

    exit_code = 3

    @classmethod
    def by(cls, what: str, who: str) -> ChangedMeanwhile:
        """``"{what} was changed by {who} — reload and try again"``; ``who`` is "LOGIN at
        YYYY-MM-DD HH:MM UTC" of the newest audit entry (or "someone")."""
        return cls(f"{what} was changed by {who} — reload and try again")


class Forbidden(MillplanError):
    """The acting user's role does not allow the action; the message says who may do it.

    Exit code 5. ``login``, ``action`` and ``target`` (the object key, e.g.
    ``2027-01/ТБД/r2``, a deal number or ``request 3``) let the store write the refusal
    to the audit log after the refused action's transaction has been rolled back;
    ``recorded`` is set once that entry is written, so it is written once."""

    exit_code = 5

    def __init__(self, message: str, *, login: str, action: str, target: str) -> None:
        super().__init__(message)
        self.login, self.action, self.target = login, action, target
        self.recorded = False


class UnknownIdentity(MillplanError):
    """Who is acting cannot be established (the process's uid has no passwd entry); the
    message names the uid. Exit code 5, as for any refusal; nothing is audited, as there
    is no one to write down."""

    exit_code = 5


class InfeasiblePlan(MillplanError):
    """The prioritiser found no plan that keeps every locked line; the message names them."""

    exit_code = 3


class SolverError(MillplanError):
    """The solver itself failed — a missing or broken CBC, say — so nothing can be said of
    the plan's feasibility; exit code 6. The message names the solver and what it said."""

    exit_code = 6


class Interrupted(MillplanError):
    """The person stopped the command (Ctrl+C) before it finished; nothing of it was
    saved. Exit code 130, as for any command a shell's Ctrl+C ends."""

    exit_code = 130


class StoreUnavailable(MillplanError):
    """The database cannot be reached or opened; the message names it (password masked)."""

    exit_code = 4
