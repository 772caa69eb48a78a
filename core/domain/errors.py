"""Errors the fronts show to people.

Every error a user can cause derives from :class:`MillplanError`; its ``str()`` is a
complete sentence naming the object (file, sheet, row, column, deal, mill, month) so the
CLI and the workstation print it as it is. ``exit_code`` is the :class:`ExitCode` the CLI ends with.
"""

from __future__ import annotations

from enum import IntEnum

from millplan.core.domain.i18n import _


class ExitCode(IntEnum):
    """How a command ends, as the README's "Exit codes" paragraph defines it."""

    DONE = 0
    NOT_DONE = 1  # the request cannot be done; the message says what and where
    USAGE = 2  # usage, or a value that cannot be read (a month, a position reference)
    INFEASIBLE = 3  # no feasible plan, or someone changed the same assignment meanwhile
    UNREACHABLE = 4  # the database cannot be reached
    FORBIDDEN = 5  # the role does not allow it, or who acts cannot be told
    SOLVER_FAILED = 6  # the solver itself failed
    INTERRUPTED = 130  # Ctrl+C: nothing saved


class MillplanError(Exception):
    """Base of every error meant for a person rather than a traceback."""

    exit_code = ExitCode.NOT_DONE


class InvalidInput(MillplanError):
    """A value typed by a person cannot be read (a position reference, a month, …);
    exit code 2, as for any other usage error."""

    exit_code = ExitCode.USAGE


class NotFound(MillplanError):
    """A named object (deal, mill, assignment) does not exist in the store."""


class StateError(MillplanError):
    """An action is not allowed in the object's current state (e.g. editing an approved revision)."""


class ChangedMeanwhile(StateError):
    """Someone saved the same object after this action read it; nothing was written.

    The message says who and when, and to reload."""

    exit_code = ExitCode.INFEASIBLE

    @classmethod
    def by(cls, what: str, who: str) -> ChangedMeanwhile:
        """``"{what} was changed by {who} — reload and try again"``; ``who`` is "LOGIN at
        YYYY-MM-DD HH:MM UTC" of the newest audit entry (or "someone")."""
        return cls(_("{what} was changed by {who} — reload and try again").format(what=what, who=who))


class Forbidden(MillplanError):
    """The acting user's role does not allow the action; the message says who may do it.

    Exit code 5. ``login``, ``action`` and ``target`` (the object key, e.g.
    ``2027-01/ТБД/r2``, a deal number or ``request 3``) let the store write the refusal
    to the audit log after the refused action's transaction has been rolled back;
    ``recorded`` is set once that entry is written, so it is written once. ``said`` is the
    message as the audit log keeps it, to say it in each reader's language (a
    :data:`millplan.core.domain.stored_text.Text`, typed loosely: that module imports months,
    which import this one)."""

    exit_code = ExitCode.FORBIDDEN

    def __init__(self, message: str, *, login: str, action: str, target: str, said: object = None) -> None:
        super().__init__(message)
        self.login, self.action, self.target, self.said = login, action, target, said
        self.recorded = False


class UnknownIdentity(MillplanError):
    """Who is acting cannot be established (the process's uid has no passwd entry); the
    message names the uid. Exit code 5, as for any refusal; nothing is audited, as there
    is no one to write down."""

    exit_code = ExitCode.FORBIDDEN


class InfeasiblePlan(MillplanError):
    """The prioritiser found no plan that keeps every locked line; the message names them."""

    exit_code = ExitCode.INFEASIBLE


class SolverError(MillplanError):
    """The solver itself failed — a missing or broken CBC, say — so nothing can be said of
    the plan's feasibility; exit code 6. The message names the solver and what it said."""

    exit_code = ExitCode.SOLVER_FAILED


class Interrupted(MillplanError):
    """The person stopped the command (Ctrl+C) before it finished; nothing of it was
    saved. Exit code 130, as for any command a shell's Ctrl+C ends."""

    exit_code = ExitCode.INTERRUPTED


class StoreUnavailable(MillplanError):
    """The database cannot be reached or opened; the message names it (password masked)."""

    exit_code = ExitCode.UNREACHABLE
