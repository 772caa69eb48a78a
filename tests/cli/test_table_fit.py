"""The CLI's tables at 80 columns: references, figures and months are never cut; free text
wraps or is cut (``commands.common.render``, ``fitted_widths``)."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date
from decimal import Decimal

from rich.console import Console

from millplan.commands import common
from millplan.core.domain.months import Month
from millplan.core.views.tables import Column, TableView


def shown(view: TableView, monkeypatch, capsys, width: int = 80) -> list[str]:
    monkeypatch.setattr(common, "out", Console(highlight=False, markup=False, width=width))
    common.render(view)
    return capsys.readouterr().out.splitlines()


def displaced() -> TableView:
    """The shape of ``promise``'s displaced positions: ten columns, long references."""
    columns = (
        Column("position", "Позиция"),
        Column("key_account", "Ключ."),
        Column("tonnes", "Тонны", "t", True, 1),
        Column("before", "Было"),
        Column("after", "Стало"),
        Column("late", "Опозд.", "t·mo", True, 1),
        Column("penalty", "Штраф", "RUB", True, money=True),
        Column("out", "Вне гор.", "t", True, 1),
        Column("lost", "Потеря", "RUB", True, money=True),
        Column("sales_manager", "Менеджер по продажам", wrap=True),
    )
    rows = tuple(
        {
            "position": f"Д-26/0234#{n}",
            "tonnes": 1597.0,
            "before": Month(2027, 1),
            "after": Month(2027, 2),
            "late": 1597.0,
            "penalty": Decimal("4791147"),
            "out": 0.0,
            "lost": Decimal("0"),
            "sales_manager": "Лебедев С. Ю.",
        }
        for n in (2, 3)
    )
    return TableView("Вытесняемые", columns, rows)


def test_references_figures_and_months_are_whole_at_80_columns(monkeypatch, capsys, russian):
    lines = shown(displaced(), monkeypatch, capsys)
    text = "\n".join(lines)
    assert "Д-26/0234#2" in text and "Д-26/0234#3" in text
    assert text.count("4\u00a0791\u00a0147") == 2 and text.count("1\u00a0597,0") == 4
    assert text.count("янв 2027") == 2 and text.count("фев 2027") == 2
    assert "Потеря" in text and "Штраф" in text  # headers wrap, not cut
    assert all(len(line) <= 80 for line in lines)


def test_free_text_keeps_a_readable_width_and_wraps_between_words(monkeypatch, capsys, russian):
    reason = "состояние: черновик · строки задания: 70 · исключено: 8 · статус решателя: оптимально"
    columns = (
        Column("at", "Когда (время завода)"),
        Column("who", "Кто"),
        Column("action", "Действие"),
        Column("object", "Объект"),
        Column("change", "Причина · изменение", wrap=True),
    )
    row = {"at": date(2026, 12, 5), "who": "Сидоров П. П.", "action": "черновик рассчитан", "object": "янв 2027 · ТБД"}
    lines = shown(TableView("История", columns, ({**row, "change": reason},)), monkeypatch, capsys)
    body = lines[lines.index(next(line for line in lines if "───" in line)) + 1 :]
    assert len(body) <= 8  # not one word a line
    said = " ".join(" ".join(line.split()) for line in body)
    for word in reason.split():
        assert word in said  # wrapped between words, none cut
    assert "05.12.2026" in body[0]


def test_a_clipped_column_shows_more_when_there_is_room(monkeypatch, capsys, russian):
    columns = (Column("position", "Позиция"), Column("customer", "Клиент", clip=True, width=10))
    rows = ({"position": "Д-26/0023#1", "customer": "ПАО «Клиент-12»"},)
    text = "\n".join(shown(TableView("Зависшие", columns, rows), monkeypatch, capsys))
    assert "ПАО «Клиент-12»" in text and "…" not in text
    narrow = "\n".join(shown(TableView("Зависшие", columns, rows), monkeypatch, capsys, width=24))
    assert "Д-26/0023#1" in narrow and "…" in narrow  # the customer gives, the reference does not


def test_a_title_wider_than_its_table_is_said_whole(monkeypatch, capsys, russian):
    title = "Зависшие сделки: 4 (опоздание > 2 мес., без плана > 90 дн., простой ≥ 60 дн.)"
    view = TableView(title, (Column("position", "Позиция"),), ({"position": "Д-26/0023#1"},))
    assert title in shown(view, monkeypatch, capsys)


def test_in_ascii_glyphs_a_table_and_a_help_panel_draw_no_box_characters(monkeypatch, capsys):
    monkeypatch.setenv("MILLPLAN_GLYPHS", "ascii")
    text = "\n".join(shown(displaced(), monkeypatch, capsys))
    assert " ----" in text and "─" not in text
    env = {**os.environ, "COLUMNS": "80", "MILLPLAN_GLYPHS": "ascii"}
    done = subprocess.run(
        [sys.executable, "-m", "millplan", "deals", "--help"], capture_output=True, text=True, env=env
    )
    assert "+-" in done.stdout and not set("╭─╮│╰╯") & set(done.stdout)
