"""A command that failed, as the JSON document a script reads (``--json``)."""

from __future__ import annotations

from typing import Any

from millplan.core.domain.errors import InfeasiblePlan, MillplanError
from millplan.core.importing.problems import ImportRejected


def error_document(exc: MillplanError) -> dict[str, Any]:
    """A command that failed, for a script that asked for JSON: ``status`` ``rejected`` (an
    import, with the file and its problems), ``infeasible`` or ``error``, the message and
    the exit code the command ends with."""
    if isinstance(exc, ImportRejected):
        return {
            "status": "rejected",
            "message": str(exc),
            "file": exc.path,
            "problems": [p.as_dict() for p in exc.problems],
            "exit_code": exc.exit_code,
        }
    status = "infeasible" if isinstance(exc, InfeasiblePlan) else "error"
    return {"status": status, "message": str(exc), "exit_code": exc.exit_code}
