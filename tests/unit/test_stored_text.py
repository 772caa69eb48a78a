"""Texts millplan stores are messages said in the reader's language: figures kept raw and
formatted for him, typed text never wrapped, old or unreadable messages shown as stored."""

from __future__ import annotations

import json
from datetime import date

from millplan.core.domain import i18n
from millplan.core.domain.months import Month
from millplan.core.domain.stored_text import (
    Figure,
    from_json,
    lines,
    replaced,
    say,
    shown,
    storable,
    stored,
    stored_n,
    to_json,
)

CHANGED = stored(
    "{mill} hours in {month} changed from {old} h to {new} h",
    mill="M1",
    month=Month(2027, 1),
    old=Figure(1234.5, 1),
    new=Figure(60),
)


def _kept(message):
    """As the store keeps it and gives it back: through JSON text."""
    return from_json(json.loads(json.dumps(to_json(message))))


def test_a_stored_message_keeps_its_figures_raw_and_says_them_for_the_reader(russian):
    data = to_json(CHANGED)
    assert data["params"]["month"] == {"month": "2027-01"} and data["params"]["old"] == {"figure": 1234.5, "places": 1}
    assert say(_kept(CHANGED)) == "часы M1 в янв 2027 изменены с 1\u00a0234,5 ч на 60 ч"
    i18n.use("en")
    assert say(_kept(CHANGED)) == "M1 hours in 2027-01 changed from 1 234.5 h to 60 h"


def test_nested_messages_plurals_dates_sizes_and_lines_survive_the_store(russian):
    body = lines(
        stored_n(
            "{n} of your positions left out, cut or moved — {where}, proposed",
            "{n} of your positions left out, cut or moved — {where}, proposed",
            5,
            where=stored("{month} {line} draft r{revision}", month=Month(2027, 2), line="ТБД", revision=2),
        ),
        stored("OD {od} mm outside {low}–{high} mm", od=Figure(530.5, None), low=100, high=date(2027, 1, 5)),
    )
    assert say(_kept(body)).splitlines() == [
        "5 ваших позиций исключены, урезаны или перенесены — фев 2027 ТБД, черновик, ред. 2, предложение",
        "диаметр 530,5 мм вне 100–05.01.2027 мм",
    ]


def test_text_people_type_is_kept_as_typed_and_old_rows_show_their_sentence(russian):
    assert storable("клиент ждёт покрытия") == ("клиент ждёт покрытия", None)
    sentence, texts = replaced({"other": {"msgid": "x"}}, "reason", CHANGED)
    assert sentence.startswith("часы M1") and set(texts) == {"other", "reason"}
    assert replaced(texts, "reason", "typed") == ("typed", {"other": {"msgid": "x"}})
    assert shown(None, "reason", "as written in 2026") == "as written in 2026"
    assert shown({"reason": to_json(CHANGED)}, "reason", "old sentence").startswith("часы M1")
    # a message this millplan cannot say (fields changed, another version's JSON): the sentence
    assert shown({"reason": {"msgid": "{gone}", "params": {}}}, "reason", "old sentence") == "old sentence"
    assert shown({"reason": {"what": 1}}, "reason", "old sentence") == "old sentence"
