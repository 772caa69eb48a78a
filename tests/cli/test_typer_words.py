"""typer's and click's own words (the usage line, parsing errors, the help's panels and value
types) in the language of the moment (:mod:`millplan.commands.typer_words`): switched in the
same process, as the `russian` fixture does, they follow at once."""

from __future__ import annotations

import pytest
from typer.main import get_command
from typer.testing import CliRunner

from millplan.cli import app
from millplan.commands.catalogue import translate_help


@pytest.fixture(autouse=True)
def wide(monkeypatch):
    """A wide terminal: no wrapping inside a phrase."""
    monkeypatch.setenv("COLUMNS", "250")


def said(*args: str) -> tuple[int, str]:
    """The exit code and what the command line printed, on one line (no wrapping inside a phrase)."""
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, " ".join((result.stdout + result.stderr).replace("│", " ").split())


def as_run(*args: str, capsys) -> tuple[int | None, str]:
    """``millplan ARGS`` as people run it (:func:`millplan.cli.main`: help texts and argument
    names translated too): the exit code and what it printed, on one line."""
    with pytest.raises(SystemExit) as stopped:
        translate_help(get_command(app)).main(list(args), prog_name="millplan")
    printed = capsys.readouterr()
    return stopped.value.code, " ".join((printed.out + printed.err).replace("│", " ").split())


def help_page(*args: str, capsys) -> str:
    """``millplan ARGS --help`` as people see it, on one line."""
    code, page = as_run(*args, "--help", capsys=capsys)
    assert code == 0
    return page


def test_an_unknown_option_is_told_in_russian(russian):
    code, text = said("plan", "--nonsense")
    assert code == 2
    assert "Вызов: millplan plan [ПАРАМЕТРЫ]" in text
    assert "Справка: 'millplan plan --help'." in text and "─ Ошибка ─" in text
    assert "Нет такого параметра: --nonsense" in text
    assert "(может быть, --horizon, --solver, --whole?)" in said("plan", "--hor", "3")[1]
    assert not {"Usage", "OPTIONS", "No such option", "Error", "Try"} & set(text.replace(":", " ").split())


def test_a_missing_option_or_argument_is_told_in_russian(russian, capsys):
    assert "Не задан параметр '--month' / '-m'." in said("plan")[1]
    code, text = as_run("capacity", "set", capsys=capsys)
    assert code == 2 and "Не задан аргумент 'АГРЕГАТ'." in text
    assert "Вызов: millplan capacity set [ПАРАМЕТРЫ] {АГРЕГАТ} {МЕСЯЦ} {ЧАСЫ}" in text
    assert "Лишние аргументы: a b" in said("plan", "-m", "2027-01", "a", "b")[1]
    assert "Параметру '--horizon' нужно значение." in said("plan", "-m", "2027-01", "--horizon")[1]


def test_a_bad_value_is_told_in_russian_with_the_limit_as_russians_write_it(russian):
    code, text = said("plan", "-m", "2027-01", "--horizon", "40")
    assert code == 2 and "Неверное значение '--horizon': Значение должно быть не больше 12." in text
    assert "Значение должно быть не меньше 0,1." in said("plan", "-m", "2027-01", "--time-limit", "0")[1]
    assert "'x' — не число." in said("plan", "-m", "2027-01", "--gap", "x")[1]
    assert "'x' — не целое число." in said("plan", "-m", "2027-01", "--horizon", "x")[1]
    assert "'foo' — не одно из значений 'highs', 'cbc'." in said("plan", "-m", "2027-01", "--solver", "foo")[1]


def test_a_commands_help_is_russian_with_types_in_words(russian, capsys):
    page = help_page("plan", capsys=capsys)
    assert page.startswith("Вызов: millplan plan [ПАРАМЕТРЫ] Рассчитать план")
    assert "─ Параметры ─" in page and "[обязательно]" in page
    assert "--month -m <текст>" in page and "--horizon <целое> [1<=x<=12]" in page and "--gap <число>" in page
    assert "--xlsx <файл>" in page and "--min-lot <текст...>" in page
    assert "--json Вывести один документ JSON" in page  # a flag takes no value: no type
    assert "<str>" not in page and "<int" not in page and "<bool>" not in page
    group = help_page("mail", capsys=capsys)
    assert "Вызов: millplan mail [ПАРАМЕТРЫ] КОМАНДА [АРГУМЕНТЫ]..." in group and "─ Команды ─" in group


def test_the_same_words_are_english_in_english(capsys):
    code, text = said("plan", "--nonsense")
    assert code == 2 and "Usage: millplan plan [OPTIONS]" in text and "No such option: --nonsense" in text
    assert "Try 'millplan plan --help' for help." in text and "─ Error ─" in text
    assert "Missing option '--month' / '-m'." in said("plan")[1]
    assert (
        "Invalid value for '--horizon': The value must be at most 12."
        in said("plan", "-m", "2027-01", "--horizon", "40")[1]
    )
    assert "The value must be at least 0.1." in said("plan", "-m", "2027-01", "--time-limit", "0")[1]
    page = help_page("plan", capsys=capsys)
    assert "--horizon <integer> [1<=x<=12]" in page and "--gap <decimal>" in page and "--month -m <text>" in page
    assert "─ Options ─" in page and "[required]" in page
    assert "Missing argument 'MILL'." in as_run("capacity", "set", capsys=capsys)[1]
