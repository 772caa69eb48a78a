"""What an import reports: every header column read or ignored, plan-driving fields the
file lacks and what they are taken as, and what a re-import changes in them.

The workbooks are written here with openpyxl, small enough to check by hand.
"""

from __future__ import annotations

from datetime import UTC, datetime

import openpyxl
import pytest

from millplan.core.importing.mills import import_mills
from millplan.core.importing.portfolio import import_portfolio
from millplan.core.importing.problems import ImportRejected
from millplan.core.views.history import history
from tests.portfolio_files import POSITIONS, SPELLED, position, write_portfolio


def test_every_column_is_read_or_listed_as_ignored(plant_store, tmp_path):
    path = write_portfolio(tmp_path / "spelled.xlsx", SPELLED, POSITIONS)

    report = import_portfolio(plant_store, path, login="planner")

    assert [(c.header, c.field) for c in report.columns] == list(SPELLED.items())
    assert [(c.column, c.sheet) for c in report.columns if c.field is None] == [("Q", "Заказы"), ("R", "Заказы")]
    assert "sheet 'Заказы', column Q 'Вагоны': ignored, millplan reads no field of that name" in report.notes
    assert any("column R 'Комментарий логиста': ignored" in n for n in report.notes)
    # the abbreviated and look-alike headers were really read
    with plant_store.unit_of_work() as repo:
        stored = {p.ref: p for p in repo.plant.positions()}
    assert (stored["Д-1#1"].is_key_account, stored["Д-2#1"].is_key_account) == (True, False)
    assert (stored["Д-1#1"].tonnes_produced, stored["Д-1#1"].od_mm, stored["Д-1#1"].steel_grade) == (40, 219, "К52")
    assert report.changes == []  # nothing stored before: nothing changed


def test_a_column_of_data_without_a_header_is_named_as_ignored_with_its_values(plant_store, tmp_path):
    path = write_portfolio(tmp_path / "unheaded.xlsx", SPELLED, POSITIONS)
    book = openpyxl.load_workbook(path)
    sheet = book.active
    sheet["Q2"] = None  # "Вагоны" loses its header; its cells keep their "x"
    for row in (3, 4, 5, 7):  # T: right of the header row; row 7 is otherwise empty
        sheet[f"T{row}"] = "важно: не отгружать" if row < 7 else "см. письмо"
    book.save(path)

    report = import_portfolio(plant_store, path, login="planner")

    unheaded = [(c.column, c.header, c.field, c.values, c.example) for c in report.columns if c.header is None]
    assert unheaded == [("Q", None, None, 3, "x"), ("T", None, None, 4, "важно: не отгружать")]
    assert (
        "sheet 'Заказы', column T (no header, 4 values, e.g. 'важно: не отгружать'): ignored; "
        "give it a header millplan reads, or delete it" in report.notes
    )
    assert any(n.startswith("sheet 'Заказы', column Q (no header, 3 values, e.g. 'x'): ignored") for n in report.notes)
    assert [c.column for c in report.columns if c.column in "PQRST"] == ["P", "Q", "R", "T"]  # S: empty, not listed
    assert report.as_dict()["columns"][-1] == {
        "table": "portfolio",
        "sheet": "Заказы",
        "column": "T",
        "header": None,
        "field": None,
        "label": None,
        "values": 4,
        "example": "важно: не отгружать",
    }
    assert report.rows_read == 3  # the note on row 7 makes no position


def test_plan_driving_fields_not_found_are_named_with_what_they_are_taken_as(plant_store, tmp_path):
    path = write_portfolio(tmp_path / "spelled.xlsx", SPELLED, POSITIONS)

    report = import_portfolio(plant_store, path, login="planner")

    assert {m.field for m in report.missing} == {
        "manual_priority",
        "accepted_at",
    }  # note, pipe type, length: not plan-driving
    assert "'Приоритет': not found, taken as none for new positions; stored priorities are kept" in report.notes
    assert any(n.startswith("'Дата акцепта': not found, taken as no date") for n in report.notes)
    assert report.as_dict()["missing"][0]["taken_as"]


FULL = {**{h: k for h, k in SPELLED.items() if k}, "Приор.": "manual_priority", "Д акц.": "accepted_at"}


def test_a_re_import_says_which_plan_driving_fields_it_changes(plant_store, tmp_path):
    first = [
        {**POSITIONS[0], "manual_priority": 1, "accepted_at": "18.09.2026"},
        {**POSITIONS[1], "manual_priority": 2, "accepted_at": "18.09.2026"},
        {**POSITIONS[2], "deal_status": "На акцепте"},
    ]
    import_portfolio(plant_store, write_portfolio(tmp_path / "first.xlsx", FULL, first), login="planner")
    second = [
        # ООО А demoted; Д-1#1 produced lowered, priority cleared; the file dates Д-1's acceptance otherwise
        {
            **first[0],
            "is_key_account": "нет",
            "tonnes_produced": 25,
            "manual_priority": None,
            "accepted_at": "20.09.2026",
        },
        {**first[1], "is_key_account": "нет", "tonnes_produced": 60, "accepted_at": "20.09.2026"},  # produced raised
        {**first[2], "deal_status": "Акцептована", "accepted_at": "01.10.2026"},  # Д-2 accepted since
    ]

    report = import_portfolio(plant_store, write_portfolio(tmp_path / "second.xlsx", FULL, second), login="planner")

    changes = {(c.object, c.field): (c.before, c.after, c.direction) for c in report.changes}
    assert changes == {
        ("ООО А", "is_key_account"): (True, False, "turned off"),
        ("Д-2", "accepted_at"): (None, datetime(2026, 10, 1, tzinfo=UTC), "set"),
        ("Д-1#1", "tonnes_produced"): (40, 25, "lowered"),
        ("Д-1#1", "manual_priority"): (1, None, "cleared"),
        ("Д-1#2", "tonnes_produced"): (40, 60, "raised"),
    }
    notes = report.notes
    assert "'Ключевой клиент' turned off on 1 customer: ООО А (yes → no)" in notes
    assert "'Произведено, т' lowered on 1 position: Д-1#1 (40 → 25)" in notes
    assert "'Произведено, т' raised on 1 position: Д-1#2 (40 → 60)" in notes
    assert "'Приоритет' cleared on 1 position: Д-1#1 (1 → none)" in notes
    assert "'Дата акцепта' set on 1 deal: Д-2 (none → 2026-10-01)" in notes
    # an accepted deal keeps the date it was accepted on, and the report says the file differs
    assert "deal Д-1: kept the acceptance date 2026-09-18 stored; the file says 2026-09-20" in notes
    dumped = {(c["object"], c["field"]): (c["before"], c["after"]) for c in report.as_dict()["changes"]}
    assert dumped["Д-2", "accepted_at"] == (None, "2026-10-01")
    with plant_store.unit_of_work() as repo:
        stored = {p.ref: p for p in repo.plant.positions()}
    assert (stored["Д-1#1"].is_key_account, stored["Д-1#1"].tonnes_produced, stored["Д-1#1"].manual_priority) == (
        False,
        25,
        None,
    )


def test_a_priority_re_import_reads_in_priority_terms_where_1_is_the_highest(plant_store, tmp_path):
    first = [{**p, "manual_priority": n} for p, n in zip(POSITIONS, (3, 1, 2))]
    import_portfolio(plant_store, write_portfolio(tmp_path / "first.xlsx", FULL, first), login="planner")
    second = [{**p, "manual_priority": n} for p, n in zip(first, (1, 2, 2))]

    report = import_portfolio(plant_store, write_portfolio(tmp_path / "second.xlsx", FULL, second), login="planner")

    assert {c.object: c.direction for c in report.changes} == {"Д-1#1": "raised", "Д-1#2": "lowered"}
    assert "'Приоритет' raised on 1 position: Д-1#1 (3 → 1)" in report.notes
    assert "'Приоритет' lowered on 1 position: Д-1#2 (1 → 2)" in report.notes
    assert {c["object"]: c["direction"] for c in report.as_dict()["changes"]} == {"Д-1#1": "raised", "Д-1#2": "lowered"}


def test_a_key_account_with_no_positions_stored_is_reported_demoted(plant_store, tmp_path):
    with plant_store.unit_of_work() as repo:  # a key account known before any of its positions
        repo.plant.upsert_portfolio({"ООО Б": True}, [], [], "planner", "entered by hand")

    report = import_portfolio(plant_store, write_portfolio(tmp_path / "a.xlsx", SPELLED, POSITIONS), login="planner")

    assert [(c.object_type, c.object, c.before, c.after) for c in report.changes] == [
        ("customer", "ООО Б", True, False)
    ]
    assert "'Ключевой клиент' turned off on 1 customer: ООО Б (yes → no)" in report.notes


def test_a_changed_value_reads_the_same_in_the_report_and_in_the_history(plant_store, tmp_path):
    rows = [position("Д-5", 1, "ООО Г", "да", 12_000, tonnes_ordered=20_000, accepted_at="18.09.2026")]
    import_portfolio(plant_store, write_portfolio(tmp_path / "a.xlsx", FULL, rows), login="planner")
    raised = [{**rows[0], "tonnes_produced": 15_000.5}]

    report = import_portfolio(plant_store, write_portfolio(tmp_path / "b.xlsx", FULL, raised), login="planner")

    assert "'Произведено, т' raised on 1 position: Д-5#1 (12 000 → 15 000.5)" in report.notes
    [row] = [r for r in history(plant_store, "Д-5#1") if r.entry.action == "updated"]
    assert [str(c) for c in row.changes] == ["produced (opening balance): 12 000 t → 15 000.5 t"]
    [created] = [r for r in history(plant_store, "Д-5") if r.entry.action == "created"]
    assert "accepted at: 2026-09-18" in [str(c) for c in created.changes]  # a date, as the report shows it


def test_many_changes_name_the_first_ones_and_count_the_rest(plant_store, tmp_path):
    rows = [position("Д-9", n, "ООО В", "нет", 50) for n in range(1, 14)]
    import_portfolio(plant_store, write_portfolio(tmp_path / "a.xlsx", FULL, rows), login="planner")
    lowered = [{**r, "tonnes_produced": 10} for r in rows]

    report = import_portfolio(plant_store, write_portfolio(tmp_path / "b.xlsx", FULL, lowered), login="planner")

    [note] = [n for n in report.notes if "Произведено" in n]
    assert note.startswith("'Произведено, т' lowered on 13 positions: Д-9#1 (50 → 10), ")
    assert note.endswith("Д-9#10 (50 → 10) and 3 more")
    assert len(report.changes) == 13


def test_a_file_without_the_column_changes_nothing_and_says_so(plant_store, tmp_path):
    import_portfolio(plant_store, write_portfolio(tmp_path / "a.xlsx", SPELLED, POSITIONS), login="planner")
    slim = {h: k for h, k in SPELLED.items() if k not in ("is_key_account", "tonnes_produced")}

    report = import_portfolio(plant_store, write_portfolio(tmp_path / "b.xlsx", slim, POSITIONS), login="planner")

    assert report.changes == []
    assert {m.field for m in report.missing} == {"is_key_account", "tonnes_produced", "manual_priority", "accepted_at"}
    with plant_store.unit_of_work() as repo:
        stored = {p.ref: p for p in repo.plant.positions()}
    assert (stored["Д-1#1"].is_key_account, stored["Д-1#1"].tonnes_produced) == (True, 40)


def test_an_ambiguous_header_refuses_the_file_naming_both_fields(plant_store, tmp_path):
    headers = SPELLED | {"Ст.": None}  # статус, стенка, сталь or стандарт?
    path = write_portfolio(tmp_path / "ambiguous.xlsx", headers, POSITIONS)

    with pytest.raises(ImportRejected) as caught:
        import_portfolio(plant_store, path, login="planner")

    [problem] = [p for p in caught.value.problems if p.header == "Ст."]
    assert (problem.sheet, problem.row, problem.column) == ("Заказы", 2, "S")
    assert "'Статус сделки' (deal_status)" in problem.why and "'Стенка, мм' (wall_mm)" in problem.why
    with plant_store.unit_of_work() as repo:
        assert repo.plant.positions() == []


# -- the mill register --------------------------------------------------------------------

REGISTER = [
    "Код агрегата",
    "Товарная линия",
    "Д от, мм",
    "Д до, мм",
    "Ст. от, мм",
    "Ст. до, мм",
    "Марки стали",
    "HTД",
    "Скор., м/ч",
    "Фонд врем. (номинал), ч/мес",
    "Затраты передела (перем.), руб/т",
    "Ответственный",
]


def write_register(path, hours: float | None):
    """One mill, its calendar and norms; ``hours`` is the nominal fund, ``None``: no such column."""
    book = openpyxl.Workbook()
    register = book.active
    register.title = "Агрегаты"
    headers = [h for h in REGISTER if hours is not None or not h.startswith("Фонд")]
    register.append(headers)
    values = ["ЭСТ-1", "ЭСТ", 114, 530, 4, 12, "К52", "ГОСТ 10704", 900, hours, 4500, "Иванов"]
    register.append([v for h, v in zip(REGISTER, values) if h in headers])
    calendar = book.create_sheet("Фонд времени")
    calendar.append(["Код агрегата", datetime(2027, 1, 1), datetime(2027, 2, 1), "Примечание"])
    calendar.append(["ЭСТ-1", 600, 300, "ремонт в феврале"])
    norms = book.create_sheet("Нормы")
    norms.append(
        ["Код агрегата", "Диаметр от, мм", "Диаметр до, мм", "Стенка от, мм", "Стенка до, мм", "Производит., т/ч"]
    )
    norms.append(["ЭСТ-1", 114, 530, 4, 12, 20])
    book.save(path)
    return path


def test_mill_register_columns_of_every_sheet_are_read_or_ignored(import_store, tmp_path):
    report = import_mills(import_store, write_register(tmp_path / "mills.xlsx", 620), login="planner")

    by_table = {}
    for c in report.columns:
        by_table.setdefault(c.table, []).append((c.header, c.field))
    assert [f for _, f in by_table["mills"]] == [
        "code",
        "product_line",
        "od_min_mm",
        "od_max_mm",
        "wall_min_mm",
        "wall_max_mm",
        "steel_grades",
        "standards",
        "speed_m_per_h",
        "nominal_hours",
        "conversion_cost",
        None,
    ]
    assert by_table["capacity"] == [
        ("Код агрегата", "code"),
        ("2027-01-01", "2027-01"),
        ("2027-02-01", "2027-02"),
        ("Примечание", None),
    ]
    assert [f for _, f in by_table["norms"]] == [
        "code",
        "od_min_mm",
        "od_max_mm",
        "wall_min_mm",
        "wall_max_mm",
        "tonnes_per_hour",
    ]
    assert "sheet 'Агрегаты', column L 'Ответственный': ignored, millplan reads no field of that name" in report.notes
    assert "sheet 'Фонд времени', column D 'Примечание': ignored, millplan reads no field of that name" in report.notes
    assert [m.field for m in report.missing] == ["band_conversion_cost"]
    with import_store.unit_of_work() as repo:
        [mill] = repo.plant.whole().mills
    assert (mill.wall_min_mm, mill.speed_m_per_h, mill.nominal_hours) == (4, 900, 620)


def test_mill_re_import_reports_lowered_hours_and_keeps_them_without_the_column(import_store, tmp_path):
    import_mills(import_store, write_register(tmp_path / "a.xlsx", 620), login="planner")

    lowered = import_mills(import_store, write_register(tmp_path / "b.xlsx", 500), login="planner")
    slim = import_mills(import_store, write_register(tmp_path / "c.xlsx", None), login="planner")

    assert [(c.object, c.before, c.after, c.direction) for c in lowered.changes] == [("ЭСТ-1", 620, 500, "lowered")]
    assert "'Фонд времени (номинал), ч/мес' lowered on 1 mill: ЭСТ-1 (620 → 500)" in lowered.notes
    assert slim.changes == []
    assert any(
        n.startswith("'Фонд времени (номинал), ч/мес': not found, taken as 0 h/month for new mills") for n in slim.notes
    )
    with import_store.unit_of_work() as repo:
        [mill] = repo.plant.whole().mills
    assert mill.nominal_hours == 500  # kept, not wiped to 0


# -- the plant's own files ------------------------------------------------------------------


def _header_cells(path, header_rows: dict[str, int]) -> set[tuple[str, str]]:
    """(sheet, header text) of every filled cell of each sheet's header row, read with plain openpyxl."""
    book = openpyxl.load_workbook(path)
    return {
        (sheet, value.date().isoformat() if isinstance(value, datetime) else value)
        for sheet, number in header_rows.items()
        for value in (c.value for c in book[sheet][number])
        if value is not None
    }


def test_the_shared_files_report_every_column_as_read(import_store, shared_mills, shared_portfolio, xl):
    mills = import_mills(import_store, shared_mills, login="planner")
    portfolio = import_portfolio(import_store, shared_portfolio, login="planner")

    register_sheets = openpyxl.load_workbook(shared_mills).sheetnames
    portfolio_sheet = openpyxl.load_workbook(shared_portfolio).active
    expected = {
        "mills": _header_cells(shared_mills, {sheet: 1 for sheet in register_sheets}),
        "portfolio": _header_cells(shared_portfolio, {portfolio_sheet.title: xl.portfolio_header(portfolio_sheet)[0]}),
    }
    for kind, report in (("mills", mills), ("portfolio", portfolio)):
        assert {(c.sheet, c.header) for c in report.columns} == expected[kind]
        assert [c for c in report.columns if c.field is None] == []
        assert not any("ignored" in n for n in report.notes)
