"""What the workstation's pilot tests share: the screen size, waiting for the workers, and
reading what the screen shows (notifications, footer keys, a widget's text)."""

from __future__ import annotations

import io

from rich.console import Console
from rich.text import Text
from textual.widgets._footer import FooterKey

from millplan.tui.widgets.approval.pane import ApprovalPane
from millplan.tui.widgets.approval.section_bar import SECTIONS

SIZE = (80, 24)
"""The smallest terminal the workstation must fit: columns × rows."""


async def settle(pilot) -> None:
    """Let every worker (reads, actions, re-plans) finish and the messages land."""
    for _ in range(3):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()


async def open_approval(pilot, section: str = "diff") -> ApprovalPane:
    """Switch to the Approval pane (key 4) and step to ``section``."""
    await settle(pilot)
    await pilot.press("4")
    await settle(pilot)
    pane = pilot.app.query_one(ApprovalPane)
    for _ in range(list(SECTIONS).index(section)):
        await pilot.press("s")
    await pilot.pause()
    assert pane.section == section
    return pane


def messages(app) -> list[str]:
    """Every notification shown so far, oldest first."""
    return [n.message for n in app._notifications]


def footer_keys(app) -> dict[str, str]:
    """Footer key shown → description, for the keys the footer shows in full on screen."""
    width = app.size.width
    return {
        key.key_display: key.description
        for key in app.screen.query(FooterKey)
        if key.region.width and key.region.right <= width
    }


def text_of(app, selector: str) -> str:
    """The plain text the widget ``selector`` of the current screen renders."""
    rendered = app.screen.query_one(selector).render()
    return rendered.plain if isinstance(rendered, Text) else str(rendered)


def screen_text(app) -> str:
    """The screen shown as plain text, line by line, as the terminal gets it (every widget,
    border and scrollbar, through the app's line filters)."""
    width, height = app.size
    console = Console(width=width, height=height, file=io.StringIO(), force_terminal=True, record=True)
    console.print(app.screen._compositor.render_update(full=True, screen_stack=app._background_screens))
    return console.export_text()
