"""What the command line says in Russian names things as people read them: months and
lines in words, people by name, no event codes, logins or ISO months (critic's #4-#6)."""

from __future__ import annotations

import os
import subprocess
import sys

import openpyxl
import pytest
from typer.testing import CliRunner

from millplan import cli
from millplan.core.domain.months import Month, month_text
from millplan.core.domain.workflow import key_label
from millplan.storage.store import open_store
from tests.identity import act_as
from tests.plants import PLAN_MONTH, staff, tiny_plant


@pytest.fixture
def db(tmp_path) -> str:
    url = f"sqlite:///{tmp_path / 'words.sqlite'}"
    store = open_store(url)
    tiny_plant(store)
    staff(store)
    store.dispose()
    return url


def run(db: str, *args: str):
    return CliRunner().invoke(cli.app, ["--db", db, *args])


def test_a_role_refusal_names_the_month_and_line_in_words_and_the_person_by_name(db, monkeypatch, russian):
    act_as(monkeypatch, "ivanov")
    refused = run(db, "plan", "-m", str(PLAN_MONTH), "-l", "L")
    assert refused.exit_code == 5
    assert f"({month_text(PLAN_MONTH)} L)" in refused.stderr and str(PLAN_MONTH) not in refused.stderr
    assert "Иванов А. С." in refused.stderr and "ivanov" not in refused.stderr


def test_an_as_refusal_and_its_history_name_the_user_not_the_login(db, monkeypatch, russian):
    act_as(monkeypatch, "plm")
    refused = run(db, "--as", "admin", "inbox")
    assert refused.exit_code == 5
    assert "(пользователь Admin)" in refused.stderr and "Line Manager" in refused.stderr
    assert "user admin" not in refused.stderr and "plm" not in refused.stderr
    act_as(monkeypatch, "admin")
    history = run(db, "history", "--object", "user admin")
    assert "пользователь Admin" in history.stdout and "user admin" not in history.stdout


def test_an_admin_acting_as_another_reads_as_words_in_the_history(db, monkeypatch, russian):
    act_as(monkeypatch, "admin")
    assert run(db, "--as", "petrov", "inbox", "--all").exit_code == 0
    history = " ".join(run(db, "history", "--object", "user petrov").stdout.split())
    assert "команда: inbox --all" in history and "пользователь Петров" in history
    assert "роль: менеджер по продажам" in history
    assert "command:" not in history and "user petrov" not in history and "sales_manager" not in history


def test_keys_of_a_month_and_line_or_a_mill_and_month_read_in_words(russian):
    assert key_label("2027-01/ЭСТ") == "янв 2027 ЭСТ"
    assert key_label("ТПЦ-PQF/2027-01") == f"ТПЦ-PQF {month_text(Month(2027, 1))}"
    assert key_label("time zone") == "часовой пояс завода"
    assert key_label("Д-26/0009") == "Д-26/0009"  # a deal number as it is


def test_an_unknown_deal_is_said_as_such_not_as_an_empty_portfolio(db, russian):
    result = run(db, "positions", "--deal", "abc")
    assert "Сделки abc в портфеле нет" in result.stderr and "импортируйте" not in result.stderr


def test_an_unknown_line_is_said_with_the_plants_lines_not_as_unplanned(db, russian):
    result = run(db, "assignment", "show", "-m", str(PLAN_MONTH), "-l", "XYZ")
    assert result.exit_code != 0
    assert "товарной линии XYZ нет; линии завода: L" in result.stderr
    assert "запустите расчёт" not in result.stderr


def test_an_unknown_language_is_named_with_the_languages_there_are(db, russian):
    result = run(db, "--lang", "de", "load")
    assert result.exit_code == 2
    assert "«de» — не язык millplan: укажите ru, en" in " ".join(result.output.replace("│", " ").split())


@pytest.mark.parametrize(
    ("command", "said", "gone"),
    [
        (["plan", "--help"], "ГГГГ-ММ", "YYYY-MM"),
        (["assignment", "lock", "--help"], "СДЕЛКА#НОМ", "DEAL#NO"),
        (["import", "portfolio", "--help"], "ФАЙЛ", " FILE"),
        (["deals", "--help"], "--status СОСТОЯНИЕ", "<pending|"),
        (["actuals", "--help"], "--xlsx записывает", "``"),
    ],
)
def test_help_writes_the_formats_as_the_errors_do(command, said, gone):
    # a fresh process, as people run it: help texts are translated as the commands load
    env = {**os.environ, "COLUMNS": "250"}
    done = subprocess.run(
        [sys.executable, "-m", "millplan", "--lang", "ru", *command],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )
    assert done.returncode == 0, done.stderr
    shown = " ".join(done.stdout.replace("│", " ").split())
    assert said in shown and gone not in shown


def test_a_missing_column_is_named_by_its_header_and_the_field_only_as_a_mapping_files_word(
    db, tmp_path, monkeypatch, russian
):
    book = openpyxl.Workbook()
    book.active.append(["Клиент", "Тонны"])
    book.active.append(["ООО «А»", 5])
    book.save(tmp_path / "portfolio.xlsx")
    act_as(monkeypatch, "admin")
    result = run(db, "import", "portfolio", str(tmp_path / "portfolio.xlsx"))
    said = " ".join(result.output.split())
    assert result.exit_code != 0
    assert "обязательный столбец '№ сделки' не найден в строке заголовка" in said
    assert "(в файле сопоставления он называется deal_number)" in said and "'№ сделки' (deal_number)" not in said


def test_a_revisions_history_separates_its_figures_with_semicolons(db, monkeypatch, russian):
    act_as(monkeypatch, "plm")
    assert run(db, "plan", "-m", str(PLAN_MONTH), "-l", "L").exit_code == 0
    history = " ".join(run(db, "history", "--object", f"{PLAN_MONTH}/L/r1").stdout.split())
    assert "строки задания: " in history and "; исключено: " in history  # "70, исключено" reads as 70,… in Russian


def test_shadow_prices_are_of_a_mills_hour_as_everywhere_else(russian):
    from millplan.core.domain.i18n import _

    title = _("Shadow prices of mill hours — {month} {line}, revision {revision}")
    assert "часа агрегата" in title and "стан" not in title


def test_a_user_added_is_said_by_name_with_the_role_in_words(db, monkeypatch, russian):
    act_as(monkeypatch, "admin")
    added = run(db, "users", "add", "kuzn", "--name", "Кузнецов К. К.", "--role", "sales_manager")
    assert "Кузнецов К. К. (kuzn) добавлен с ролью менеджер по продажам" in added.stdout
    assert "sales_manager" not in added.stdout
