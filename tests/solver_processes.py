"""The solver's processes, for the tests of stopping a solve: CBC's children of a process
(read from /proc) and a broken CBC."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pulp
import pytest


def cbc_children(parent: int | None = None) -> list[int]:
    """Ids of the live (not zombie) CBC processes whose parent is ``parent`` (this process
    by default)."""
    parent = os.getpid() if parent is None else parent
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            text = (entry / "stat").read_text()
        except OSError:
            continue  # gone meanwhile
        name, fields = text[text.index("(") + 1 : text.rindex(")")], text[text.rindex(")") + 2 :].split()
        if name == "cbc" and int(fields[1]) == parent and fields[0] != "Z":
            found.append(int(entry.name))
    return found


def alive(pid: int) -> bool:
    """Whether process ``pid`` exists and is not a zombie."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return text[text.rindex(")") + 2] != "Z"


def break_cbc(folder: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Replace PuLP's CBC by a script in ``folder`` that fails as a broken install would
    (a library missing); returns the script's path."""
    script = folder / "cbc"
    script.write_text("#!/bin/sh\necho 'cbc: error while loading shared libraries: libCbc.so.3' >&2\nexit 127\n")
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setattr(pulp.PULP_CBC_CMD, "pulp_cbc_path", str(script))
    return script
