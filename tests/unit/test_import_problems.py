"""Bad rows: each is reported with file, sheet, row, column, value and why; by default
nothing is written, with ``skip_invalid`` the good rows go in and the bad ones go to a
rejects workbook that imports once its cells are fixed."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from millplan.core.importing.mills import import_mills
from millplan.core.importing.portfolio import import_portfolio
from millplan.core.importing.problems import ImportRejected
from millplan.core.importing.report import ERROR_HEADER

# -- the portfolio ------------------------------------------------------------------------


@pytest.fixture
def bad_portfolio(shared_portfolio, sheet_positions, tmp_path, xl):
    """The shared portfolio with three bad rows; returns (path, {key: (label, bad value)},
    {key: (Excel row, column letter)})."""
    keys = list(sheet_positions)
    spoilt = {
        keys[3]: ("Количество, т", -50),
        keys[100]: ("Месяц поставки", "весна 2027"),
        keys[400]: ("Цена, руб/т", "договорная"),
    }
    path = xl.edit_portfolio(
        shared_portfolio, tmp_path / "portfolio-bad.xlsx", {(*k, label): value for k, (label, value) in spoilt.items()}
    )
    ws = openpyxl.load_workbook(path).active
    _, col = xl.portfolio_header(ws)
    rows = {(ws.cell(r, 1).value, ws.cell(r, col["№ поз."]).value): r for r in xl.portfolio_data_rows(ws)}
    places = {k: (rows[k], openpyxl.utils.get_column_letter(col[label])) for k, (label, _) in spoilt.items()}
    return path, spoilt, places


WHY = {"Количество, т": "negative", "Месяц поставки": "not a month", "Цена, руб/т": "not a number"}


def test_bad_rows_are_reported_with_their_place_value_and_reason(plant_store, bad_portfolio):
    path, spoilt, places = bad_portfolio

    with pytest.raises(ImportRejected) as rejected:
        import_portfolio(plant_store, path, login="planner")

    problems = rejected.value.problems
    assert len(problems) == len(spoilt)
    by_row = {p.row: p for p in problems}
    message = str(rejected.value)
    assert str(path) in message
    for key, (label, value) in spoilt.items():
        row, column = places[key]
        problem = by_row[row]
        assert (problem.file, problem.sheet, problem.column, problem.header) == (str(path), "Портфель", column, label)
        assert problem.value == value
        assert WHY[label] in problem.why
        assert f"sheet 'Портфель', row {row}, column {column} '{label}': {value!r} {problem.why}" in message


def test_by_default_nothing_is_written_when_a_row_is_bad(
    plant_store, shared_portfolio, bad_portfolio, sheet_positions, xl
):
    import_portfolio(plant_store, shared_portfolio, login="first")
    path, spoilt, _ = bad_portfolio
    # A good row that differs from the store must not be written either.
    good = next(k for k in sheet_positions if k not in spoilt)
    changed = xl.edit_portfolio(path, path.with_name("bad-and-changed.xlsx"), {(*good, "Количество, т"): 9999})
    dump, counts = xl.store_dump(plant_store), xl.store_counts(plant_store)

    with pytest.raises(ImportRejected):
        import_portfolio(plant_store, changed, login="planner")

    assert xl.store_counts(plant_store) == counts
    assert xl.store_dump(plant_store) == dump
    assert not list(path.parent.glob("*.rejects.xlsx"))


def test_with_skip_invalid_good_rows_go_in_and_bad_ones_to_the_rejects_file(
    plant_store, bad_portfolio, sheet_positions, tmp_path, xl
):
    path, spoilt, places = bad_portfolio
    rejects = tmp_path / "rejects.xlsx"

    report = import_portfolio(plant_store, path, login="planner", skip_invalid=True, rejects_path=rejects)

    stored = xl.stored_positions(plant_store)
    assert stored == {k: v for k, v in sheet_positions.items() if k not in spoilt}
    assert {p.row for p in report.rejected} == {row for row, _ in places.values()}
    assert report.rejects_file == str(rejects)

    ws = openpyxl.load_workbook(rejects)["Портфель"]
    header = [c.value for c in ws[1]]
    source_header = [c.value for c in openpyxl.load_workbook(path).active[3]]
    assert header[: len(source_header)] == source_header
    error, source_row = header.index(ERROR_HEADER), header.index("Строка исходного файла")
    rows = [[c.value for c in row] for row in ws.iter_rows(min_row=2)]
    assert {(r[0], r[header.index("№ поз.")]) for r in rows} == set(spoilt)
    for row in rows:
        key = (row[0], row[header.index("№ поз.")])
        label, value = spoilt[key]
        assert row[header.index(label)] == value
        assert WHY[label] in row[error] and places[key][1] in row[error]
        assert row[source_row] == places[key][0]


def test_fixed_rejects_file_imports(plant_store, bad_portfolio, sheet_positions, tmp_path, xl):
    path, spoilt, _ = bad_portfolio
    rejects = tmp_path / "rejects.xlsx"
    import_portfolio(plant_store, path, login="planner", skip_invalid=True, rejects_path=rejects)
    wb = openpyxl.load_workbook(rejects)
    ws = wb["Портфель"]
    header = [c.value for c in ws[1]]
    for row in ws.iter_rows(min_row=2):
        key = (row[0].value, row[header.index("№ поз.")].value)
        label, _ = spoilt[key]
        # The planner types the right value in, as text the way people do.
        right = sheet_positions[key]
        year, month = right.requested_month.split("-")
        row[header.index(label)].value = {
            "Количество, т": right.tonnes_ordered,
            "Месяц поставки": f"{month}.{year}",
            "Цена, руб/т": str(right.price).replace(".", ","),
        }[label]
    wb.save(rejects)

    report = import_portfolio(plant_store, rejects, login="planner")

    assert report.counts["positions"].created == len(spoilt)
    assert xl.stored_positions(plant_store) == sheet_positions


def test_rejects_file_defaults_beside_the_source(plant_store, bad_portfolio):
    path, spoilt, _ = bad_portfolio

    report = import_portfolio(plant_store, path, login="planner", skip_invalid=True)

    assert Path(report.rejects_file) == path.with_name("portfolio-bad.rejects.xlsx")
    assert openpyxl.load_workbook(report.rejects_file)["Портфель"].max_row == 1 + len(spoilt)


def test_a_row_with_two_bad_cells_is_one_rejected_row_naming_both(
    plant_store, portfolio_copy, sheet_positions, tmp_path
):
    key = list(sheet_positions)[7]
    path = portfolio_copy({(*key, "Количество, т"): "двести", (*key, "Месяц поставки"): "13.2027"})
    rejects = tmp_path / "rejects.xlsx"

    report = import_portfolio(plant_store, path, login="planner", skip_invalid=True, rejects_path=rejects)

    assert len({p.row for p in report.rejected}) == 1
    ws = openpyxl.load_workbook(rejects)["Портфель"]
    assert ws.max_row == 2
    error = [c.value for c in ws[1]].index(ERROR_HEADER) + 1
    assert "Количество, т" in ws.cell(2, error).value
    assert "Месяц поставки" in ws.cell(2, error).value


def test_a_product_line_no_mill_makes_is_reported(plant_store, portfolio_copy, sheet_positions):
    key = list(sheet_positions)[0]
    path = portfolio_copy({(*key, "Товарная линия"): "ТЭП"})

    with pytest.raises(ImportRejected) as rejected:
        import_portfolio(plant_store, path, login="planner")

    [problem] = rejected.value.problems
    assert (problem.header, problem.value) == ("Товарная линия", "ТЭП")
    assert "product line" in problem.why


def test_portfolio_before_the_mill_register_says_so(import_store, shared_portfolio):
    with pytest.raises(ImportRejected) as rejected:
        import_portfolio(import_store, shared_portfolio, login="planner")

    assert "import the mill register first" in str(rejected.value)


def test_a_position_twice_in_the_file_is_reported(plant_store, shared_portfolio, sheet_positions, tmp_path, xl):
    wb = openpyxl.load_workbook(shared_portfolio)
    ws = wb.active
    first, second = xl.portfolio_data_rows(ws)[:2]
    ws.cell(second, xl.portfolio_header(ws)[1]["№ поз."]).value = ws.cell(
        first, xl.portfolio_header(ws)[1]["№ поз."]
    ).value
    path = tmp_path / "twice.xlsx"
    wb.save(path)

    with pytest.raises(ImportRejected) as rejected:
        import_portfolio(plant_store, path, login="planner")

    [problem] = rejected.value.problems
    assert problem.row == second and f"row {first}" in problem.why


# -- the mill register --------------------------------------------------------------------


def bad_mills(source: Path, target: Path) -> tuple[Path, dict[str, tuple[int, str, object]]]:
    """The shared register with an unknown mill in the calendar and in the norms, and text
    in a calendar cell; returns the path and sheet → (row, column letter, value)."""
    wb = openpyxl.load_workbook(source)
    calendar, norms = wb["Фонд времени"], wb["Нормы производительности"]
    calendar.append(["ТЭСЦ-999", *[600] * (calendar.max_column - 1)])
    norms.append(["СТАН-Х", 100, 200, 5, 10, 12.5])
    calendar["D5"] = "ремонт"
    wb.save(target)
    return target, {
        "Фонд времени": [(calendar.max_row, "A", "ТЭСЦ-999"), (5, "D", "ремонт")],
        "Нормы производительности": [(norms.max_row, "A", "СТАН-Х")],
    }


def test_bad_mill_rows_are_reported_and_nothing_is_written(import_store, shared_mills, tmp_path, xl):
    path, bad = bad_mills(shared_mills, tmp_path / "mills-bad.xlsx")
    dump = xl.store_dump(import_store)

    with pytest.raises(ImportRejected) as rejected:
        import_mills(import_store, path, login="planner")

    found = {(p.sheet, p.row, p.column, p.value) for p in rejected.value.problems}
    assert found == {(sheet, *place) for sheet, places in bad.items() for place in places}
    why = {p.value: p.why for p in rejected.value.problems}
    assert "unknown mill" in why["ТЭСЦ-999"] and "unknown mill" in why["СТАН-Х"]
    assert "not a number" in why["ремонт"]
    message = str(rejected.value)
    assert f"{path}, sheet 'Фонд времени', row 5, column D" in message and "'ремонт' is not a number" in message
    assert xl.store_dump(import_store) == dump


def test_bad_mill_rows_with_skip_invalid(import_store, shared_mills, tmp_path, xl):
    path, bad = bad_mills(shared_mills, tmp_path / "mills-bad.xlsx")
    rejects = tmp_path / "mills-rejects.xlsx"
    calendar = xl.read_calendar(shared_mills)
    bad_calendar_code = openpyxl.load_workbook(shared_mills)["Фонд времени"]["A5"].value

    report = import_mills(import_store, path, login="planner", skip_invalid=True, rejects_path=rejects)

    mills, stored_calendar, norms = xl.stored_plant(import_store)
    assert sorted(mills) == sorted(xl.read_register(shared_mills))
    # A calendar row with a bad cell is left out whole, never half-imported.
    assert stored_calendar == {k: v for k, v in calendar.items() if k[0] != bad_calendar_code}
    assert norms == xl.read_norms(shared_mills)
    assert report.rejects_file == str(rejects)
    wb = openpyxl.load_workbook(rejects)
    assert sorted(wb.sheetnames) == sorted(bad)
    for sheet, places in bad.items():
        ws = wb[sheet]
        header = [c.value for c in ws[1]]
        assert ws.max_row == 1 + len(places)
        rows = {row[header.index("Строка исходного файла")]: row for row in ws.iter_rows(min_row=2, values_only=True)}
        assert set(rows) == {row for row, _, _ in places}
        for row, column, value in places:
            assert value in rows[row]
            assert column in rows[row][header.index(ERROR_HEADER)]


def test_fixed_mill_rejects_file_imports(import_store, shared_mills, tmp_path, xl):
    """The planner corrects the calendar row (the unknown mills are typos of real codes)
    and imports the rejects file on its own."""
    path, _ = bad_mills(shared_mills, tmp_path / "mills-bad.xlsx")
    rejects = tmp_path / "mills-rejects.xlsx"
    import_mills(import_store, path, login="planner", skip_invalid=True, rejects_path=rejects)
    source = openpyxl.load_workbook(shared_mills)
    wb = openpyxl.load_workbook(rejects)
    calendar = wb["Фонд времени"]
    for row in calendar.iter_rows(min_row=2):
        if row[0].value == "ТЭСЦ-999":
            calendar.delete_rows(row[0].row)  # a line added by mistake
            break
    for row in calendar.iter_rows(min_row=2):
        original = source["Фонд времени"][row[-1].value]  # "Строка исходного файла"
        row[3].value = original[3].value
    norm = wb["Нормы производительности"]
    norm["A2"] = "ТПЦ8-102"  # "СТАН-Х" was the continuous mill
    wb.save(rejects)

    report = import_mills(import_store, rejects, login="planner")

    _, stored_calendar, norms = xl.stored_plant(import_store)
    assert stored_calendar == xl.read_calendar(shared_mills)
    assert ("ТПЦ8-102", 100.0, 200.0, 5.0, 10.0, 12.5) in norms
    assert report.rejected == []


def test_a_mills_norms_are_never_half_replaced(import_store, shared_mills, tmp_path, xl):
    """One bad norm row of a mill keeps its stored norms whole; all of that mill's rows go
    to the rejects file, so fixing the one cell and importing it restores every band."""
    import_mills(import_store, shared_mills, login="first")
    wb = openpyxl.load_workbook(shared_mills)
    ws = wb["Нормы производительности"]
    code = ws["A3"].value
    for row in ws.iter_rows(min_row=2):
        if row[0].value == code:
            row[5].value += 1  # new norms for the whole mill…
    ws["F3"] = "н/д"  # …one of them mistyped
    path = tmp_path / "norms-bad.xlsx"
    wb.save(path)
    rejects = tmp_path / "norms-rejects.xlsx"
    norms_before = xl.read_norms(shared_mills)

    import_mills(import_store, path, login="planner", skip_invalid=True, rejects_path=rejects)

    assert xl.stored_plant(import_store)[2] == norms_before
    fixed = openpyxl.load_workbook(rejects)
    rejected = fixed["Нормы производительности"]
    assert {row[0] for row in rejected.iter_rows(min_row=2, values_only=True)} == {code}
    assert rejected.max_row - 1 == sum(1 for n in norms_before if n[0] == code)
    for row in rejected.iter_rows(min_row=2):
        if row[5].value == "н/д":
            row[5].value = 15.0
    fixed.save(rejects)

    import_mills(import_store, rejects, login="planner")

    expected = sorted(
        (
            c,
            *bounds,
            15.0
            if (c, *bounds) == (code, *map(float, (ws["B3"].value, ws["C3"].value, ws["D3"].value, ws["E3"].value)))
            else rate + 1,
        )
        for c, *bounds, rate in norms_before
    )
    assert xl.stored_plant(import_store)[2] == expected
