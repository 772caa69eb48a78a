"""Every import is one transaction: interrupted after its first writes, it leaves the
store exactly as it was (rows, audit and all)."""

from __future__ import annotations

import openpyxl
import pytest

from millplan.core.importing.mills import import_mills
from millplan.core.importing.portfolio import import_portfolio
from millplan.storage.audit import AuditRepository
from millplan.storage.plant import PlantRepository


class Interrupted(RuntimeError):
    """Stands for a crash, a lost connection or a killed process mid-import."""


def interrupt_after(monkeypatch, method: str, calls: list[str], repository: type = PlantRepository) -> None:
    """Make ``repository.<method>`` do its writes (flushed to the database) and then fail."""
    original = getattr(repository, method)

    def writes_then_fails(self, *args, **kwargs):
        original(self, *args, **kwargs)
        self.session.flush()
        calls.append(method)
        raise Interrupted(f"{method} interrupted")

    monkeypatch.setattr(repository, method, writes_then_fails)


def test_interrupted_portfolio_import_leaves_the_store_as_it_was(
    plant_store, shared_portfolio, portfolio_copy, sheet_positions, monkeypatch, xl
):
    import_portfolio(plant_store, shared_portfolio, login="first")
    key = next(iter(sheet_positions))
    changed = portfolio_copy({(*key, "Количество, т"): sheet_positions[key].tonnes_ordered + 100})
    dump, counts = xl.store_dump(plant_store), xl.store_counts(plant_store)
    calls: list[str] = []
    interrupt_after(monkeypatch, "upsert_portfolio", calls)

    with pytest.raises(Interrupted):
        import_portfolio(plant_store, changed, login="second")

    assert calls == ["upsert_portfolio"]  # it did get as far as writing
    assert xl.store_counts(plant_store) == counts
    assert xl.store_dump(plant_store) == dump
    assert xl.stored_positions(plant_store)[key].tonnes_ordered == sheet_positions[key].tonnes_ordered


def test_interrupted_first_portfolio_import_leaves_no_position(plant_store, shared_portfolio, monkeypatch, xl):
    dump = xl.store_dump(plant_store)
    calls: list[str] = []
    interrupt_after(monkeypatch, "upsert_portfolio", calls)

    with pytest.raises(Interrupted):
        import_portfolio(plant_store, shared_portfolio, login="first")

    assert calls == ["upsert_portfolio"]
    assert xl.store_counts(plant_store)["positions"] == 0
    assert xl.store_dump(plant_store) == dump


@pytest.mark.parametrize(
    ("repository", "method"),
    [(PlantRepository, "upsert_capacity"), (PlantRepository, "set_norms"), (AuditRepository, "write")],
)
def test_interrupted_mill_import_leaves_the_store_as_it_was(
    import_store, shared_mills, tmp_path, monkeypatch, xl, repository, method
):
    import_mills(import_store, shared_mills, login="first")
    wb = openpyxl.load_workbook(shared_mills)
    wb["Агрегаты"]["M2"] = wb["Агрегаты"]["M2"].value - 20  # nominal hours of the first mill
    wb["Фонд времени"]["B2"] = wb["Фонд времени"]["B2"].value - 100
    wb["Нормы производительности"]["F2"] = wb["Нормы производительности"]["F2"].value + 1
    changed = tmp_path / "mills-changed.xlsx"
    wb.save(changed)
    dump, counts = xl.store_dump(import_store), xl.store_counts(import_store)
    calls: list[str] = []
    interrupt_after(monkeypatch, method, calls, repository)

    with pytest.raises(Interrupted):
        import_mills(import_store, changed, login="second")

    assert calls == [method]
    assert xl.store_counts(import_store) == counts
    assert xl.store_dump(import_store) == dump
    xl.assert_plant_equals_register(import_store, shared_mills)


def test_interrupted_skip_invalid_import_writes_no_rejects_file(
    plant_store, portfolio_copy, sheet_positions, tmp_path, monkeypatch, xl
):
    key = next(iter(sheet_positions))
    path = portfolio_copy({(*key, "Количество, т"): -1})
    rejects = tmp_path / "rejects.xlsx"
    dump = xl.store_dump(plant_store)
    interrupt_after(monkeypatch, "upsert_portfolio", [])

    with pytest.raises(Interrupted):
        import_portfolio(plant_store, path, login="planner", skip_invalid=True, rejects_path=rejects)

    assert xl.store_dump(plant_store) == dump
    assert not rejects.exists()  # a rejects file would claim the good rows were imported
