"""The line above a pane's sectioned table: ``s [Chart]  Positions  …`` — every section,
the current one bracketed and reversed, so it reads without colour."""

from __future__ import annotations

from rich.text import Text


def section_bar(labels: dict[str, str], current: str) -> Text:
    """The bar of sections ``labels`` (id → text as shown, in the order ``s`` steps), ``current`` marked."""
    bar = Text("s ", style="bold")
    for key, label in labels.items():
        bar.append(f"[{label}]" if key == current else f" {label} ", style="bold reverse" if key == current else "")
        bar.append(" ")
    return bar
