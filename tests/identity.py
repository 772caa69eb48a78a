"""How tests act as someone: they replace the one function that reads the OS login
(``millplan.core.access.identity.os_login``) in their own process — a change no user of a real millplan
can make from outside it (no environment variable, no option).

On PostgreSQL the identity is the connection's role, so this changes nothing there: a
PostgreSQL test connects as a role of its own (tests/storage/test_identity_pg.py).
"""

from __future__ import annotations

import pytest

from millplan.core.access import identity


def act_as(monkeypatch: pytest.MonkeyPatch, login: str) -> None:
    """From here to the end of the test (or of ``monkeypatch``'s context), this process's
    OS login is ``login``: the CLI (through CliRunner) and core act as him."""
    monkeypatch.setattr(identity, "os_login", lambda: login)
