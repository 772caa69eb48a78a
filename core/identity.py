"""Who is acting: the operating-system login of the terminal or SSH session (DESIGN.md)."""

from __future__ import annotations

import getpass


def current_login() -> str:
    """The OS login name of this process (``getpass.getuser``); ``"unknown"`` if none is set."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no passwd entry and no LOGNAME/USER in a bare container
        return "unknown"
