"""The command line's help goes through the catalogue: one walk of the command tree finds
every help text (commands, groups, options, arguments, ``--help``), translates it as the
command line runs, and feeds the message template with the code's messages and typer's words.
(In Russian: tests/cli/test_cli_help_ru.py.)"""

from __future__ import annotations

from babel.messages.pofile import read_po
from typer.main import get_command
from typer.testing import CliRunner

from millplan.cli import app
from millplan.commands import catalogue
from millplan.commands.catalogue import help_texts, translate_help
from millplan.commands.catalogue.template import write_template
from millplan.commands.plan import _progress
from millplan.core.domain.months import Month
from millplan.core.domain.states import solver_status_label as solver_status
from millplan.core.planning.options import FIRST_PLAN_HORIZON
from millplan.solver.control import Deadline
from millplan.storage.store import open_store
from tests.portfolio_files import POSITIONS, SPELLED, write_portfolio


def test_the_walk_finds_the_help_of_commands_groups_options_arguments_and_help():
    found = dict(help_texts(get_command(app)))
    assert found["Show and edit a month's draft assignment."] == "millplan assignment"  # a group
    assert found["Plan month, YYYY-MM."] == "millplan plan --month"  # an option, first where it is used
    assert found["Position as DEAL#NO, e.g. 'С-26/2601#3'."] == "millplan assignment lock POSITION"  # an argument
    assert found["Show this message and exit."] == "millplan --help"
    assert found["Close as complete: nothing more is to be made."] == "millplan stale close"  # a docstring set late
    horizon = next(text for text, where in found.items() if where == "millplan plan --horizon")
    assert f"default {FIRST_PLAN_HORIZON} the first time" in horizon
    assert len(found) == len(help_texts(get_command(app)))  # each text once


def test_every_help_text_is_translated_and_shown_so(monkeypatch, capsys):
    monkeypatch.setattr(catalogue, "_", lambda text: f"«{text}»")
    command = get_command(app)
    english = [text for text, _where in help_texts(command)]
    translated = [text for text, _where in help_texts(translate_help(command))]
    assert translated == [f"«{text}»" for text in english]
    assert command.main(["plan", "--help"], prog_name="millplan", standalone_mode=False) == 0
    shown = " ".join(capsys.readouterr().out.split())
    assert "«Run the prioritiser" in shown and "«Show this message" in shown  # the panel wraps it
    assert "Run the prioritiser" in " ".join(CliRunner().invoke(app, ["plan", "--help"]).stdout.split())
    assert "«" not in CliRunner().invoke(app, ["plan", "--help"]).stdout  # a tree built afresh is untouched


def test_the_template_holds_the_code_the_help_and_typers_words(tmp_path):
    count = write_template(get_command(app), tmp_path / "millplan.pot")
    with (tmp_path / "millplan.pot").open("rb") as stream:
        template = read_po(stream)
    assert len(template) == count
    assert template["No conflicts."] is not None  # the code's _()
    assert template[("{count} message queued again", "{count} messages queued again")] is not None  # ngettext
    assert template["Plan month, YYYY-MM."].auto_comments == ["help: millplan plan --month"]
    assert template["Options"].auto_comments == ["typer"]  # typer's own words through gettext
    assert template["[default: {}]"] is not None
    assert all(not message.locations for message in template)


def test_solver_statuses_and_the_progress_line_are_whole_sentences():
    assert [solver_status(s, None) for s in ("optimal", "infeasible", "no_solution", "feasible")] == [
        "optimal",
        "infeasible",
        "no solution",
        "feasible, gap unknown",
    ]
    doing = {"line": "ТБД", "number": 2, "count": 4}
    assert _progress(Month(2027, 1), doing, Deadline()).startswith("planning 2027-01 ТБД (line 2 of 4): 0 s — Ctrl+C")
    assert "0 s of 10 s — Ctrl+C stops" in _progress(Month(2027, 1), doing, Deadline(10))


def test_rejected_rows_are_counted_in_words(tmp_path, shared_data):
    url = f"sqlite:///{tmp_path / 'plant.sqlite'}"
    assert CliRunner().invoke(app, ["--db", url, "import", "mills", str(shared_data / "mills.xlsx")]).exit_code == 0
    said = []
    for bad in (1, 2):
        rows = [{**p, "tonnes_ordered": "много"} if i < bad else p for i, p in enumerate(POSITIONS)]
        book = write_portfolio(tmp_path / f"bad{bad}.xlsx", SPELLED, rows)
        done = CliRunner().invoke(app, ["--db", url, "import", "portfolio", str(book), "--skip-invalid"])
        said.append(" ".join(done.stderr.split()))
    assert "1 row rejected, written to" in said[0]
    assert "2 rows rejected, written to" in said[1]


def test_an_empty_deal_list_says_which_deals_in_words(tmp_path):
    url = f"sqlite:///{tmp_path / 'plant.sqlite'}"
    open_store(url).dispose()  # an empty plant
    said = [
        CliRunner().invoke(app, ["--db", url, "deals", "--status", s]).stderr.strip() for s in ("pending", "closed")
    ]
    assert said == ["No deal is waiting for acceptance.", "No deal is closed."]
