"""The typed-in promise form (Deals pane F9 / t) at 80×24: every field labelled and in
full height when it has focus, scrolled into view, with a key-account box."""

from __future__ import annotations

from textual.widgets import Checkbox, Input, Label

from millplan.tui.app import MillplanApp
from millplan.tui.screens.position_form import PositionFormScreen, fields
from millplan.tui.screens.promise_dialog import PromiseScreen
from tests.plants import PLAN_MONTH, staff, tiny_plant
from tests.tui.pilot import SIZE, settle

TYPED = {
    "line": None,
    "od_mm": "200",
    "wall_mm": "10",
    "steel_grade": "20",
    "standard": "ГОСТ 8732",
    "tonnes": "100",
    "price": "90 000",
    "metal_cost": "30000",
}


def on_screen(app, widget) -> bool:
    region = widget.region
    return region.height > 0 and region.width > 0 and app.screen.region.contains_region(region)


async def test_the_typed_promise_form_fits_80x24_with_labels_and_key_account(sqlite_store):
    tiny_plant(sqlite_store)
    staff(sqlite_store)
    app = MillplanApp(sqlite_store, "plm", month=PLAN_MONTH)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f3")
        await settle(pilot)
        await pilot.press("t")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, PositionFormScreen)
        for key, label in fields():
            field = form.query_one(f"#form-{key}", Input)
            field.focus()
            await pilot.pause()
            caption = form.query_one(f"#label-{key}", Label)
            assert on_screen(app, field) and on_screen(app, caption), key
            assert field.region.height == 3, key  # a whole input, border and all
            assert str(caption.render()) == label
            if TYPED[key] is not None:
                field.value = TYPED[key]
        assert form.query_one("#form-line", Input).value == "L"  # the highlighted deal's line
        box = form.query_one("#form-key_account", Checkbox)
        await pilot.press("tab", "space")  # from the last input to the box, ticked
        await pilot.pause()
        assert box.value and on_screen(app, box)
        assert form.values()["key_account"] is True
        form.query_one("#form-metal_cost", Input).focus()
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, PromiseScreen)
