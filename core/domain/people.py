"""People millplan knows and their roles (DESIGN.md, "Roles")."""

from __future__ import annotations

import enum
from dataclasses import dataclass


class Role(str, enum.Enum):
    """A user's role (DESIGN.md, "Roles")."""

    SALES_MANAGER = "sales_manager"
    LINE_MANAGER = "line_manager"
    PLANNER = "planner"
    DIRECTOR = "director"
    ADMIN = "admin"


@dataclass(frozen=True, slots=True)
class User:
    """A person millplan knows: OS ``login``, ``name`` as the portfolio writes it (a sales
    manager's deals carry it), role, the product lines he owns (a product-line manager),
    e-mail for notifications, and the row's ``version``."""

    login: str
    name: str
    role: Role
    lines: tuple[str, ...] = ()
    email: str | None = None
    version: int = 1
