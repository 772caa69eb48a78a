"""What millplan writes into the store is read in the reader's language, whoever wrote it:
a plan made in English reads in Russian (exclusion reasons, notifications, the stale reason,
the audit log, the e-mail), and the other way round; rows written before migration 0009
show their sentence as stored."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from alembic import command

from millplan.core.access.permissions import Action, actor, require
from millplan.core.domain.errors import Forbidden
from millplan.core.domain.months import month_text
from millplan.core.domain.people import Role, User
from millplan.core.mail.inbox import inbox
from millplan.core.planning import run as planning
from millplan.core.planning.capacity import mark_stale
from millplan.core.workflow import conflicts, deals
from millplan.storage import migrate
from millplan.storage.engine import make_engine
from millplan.storage.store import open_store
from tests.languages import speaking
from tests.levers import conflict_plant
from tests.people import add_user
from tests.plants import PLAN_MONTH, staff, tiny_plant


@pytest.fixture
def planned(store):
    """``make(lang)``: the tiny plant planned by the line manager in ``lang``, and M1's hours
    cut afterwards by the planner (the draft goes stale; the line manager is told)."""
    tiny_plant(store)  # D2#1 is cut, D3#1 left out, D3#2 (OD 400) fits no mill
    add_user(store, "ivanov", "Иванов А. С.", email="ivanov@plant.example")
    with store.unit_of_work() as repo:
        repo.users.save_user(User("plm", "Line Manager", Role.LINE_MANAGER, ("L",)), by="setup")

    def make(lang: str) -> None:
        with speaking(lang):
            planning.plan(store, PLAN_MONTH, login="plm", first_horizon=1)
            with store.unit_of_work() as repo:
                mark_stale(repo, repo.plant.whole(), [("M1", PLAN_MONTH, 60.0)], "setup", "maintenance")

    return store, make


def _read(store):
    draft = planning.latest(store, PLAN_MONTH, "L")
    [news] = inbox(store, "ivanov")
    [stale] = inbox(store, "plm")
    with store.reading() as repo:
        [marked] = [e for e in repo.audit.audit_entries(draft.key) if e.action == "marked stale"]
        [mail] = [m for m in repo.mailbox.messages() if m.login == "ivanov"]
    return draft, news, stale, marked, mail


@pytest.mark.both_backends
def test_a_plan_made_in_english_reads_in_russian(planned, russian):
    store, make = planned
    make("en")
    draft, news, stale, marked, mail = _read(store)
    reasons = {e.position_ref: e.reason for e in draft.exclusions}
    month = month_text(PLAN_MONTH)  # e.g. «янв 2027»
    assert reasons["D3#2"].startswith("нет подходящего агрегата: M1: диаметр 400 мм вне")
    assert reasons["D3#1"].startswith(f"фонд времени в {month} занят полностью: M2 занят позициями ключевых")
    assert "стоит 240\u00a0000 руб./ч на границе (теневая цена)" in reasons["D3#1"]  # figures as Russians write them
    changed = f"часы M1 в {month} изменены с 100 ч на 60 ч"
    assert draft.stale and draft.stale_reason == f"{changed}: setup (maintenance)"
    assert marked.reason == draft.stale_reason
    assert stale.subject == f"{month} L, редакция 1: устарела — пересчитайте её"
    assert (
        news.subject == f"3 ваши позиции исключены, урезаны или перенесены — {month} L, черновик, ред. 1, предложение"
    )
    assert news.items[0].text == "Other Co: запланировано 500,0 т из 600,0 т"
    for item in news.items:
        assert item.reason == reasons[item.ref]
        assert f"• {item.ref} {item.text}. Причина: {item.reason}" in news.body.splitlines()
    assert news.body.endswith("Рассчитал: Line Manager")
    assert mail.subject == news.subject  # the e-mail is said in the sending process's language


@pytest.mark.both_backends
def test_a_plan_made_in_russian_reads_in_english(planned):
    store, make = planned
    make("ru")
    draft, news, stale, marked, mail = _read(store)
    reasons = {e.position_ref: e.reason for e in draft.exclusions}
    assert reasons["D3#2"].startswith("no compatible mill: M1: OD 400 mm outside")
    assert draft.stale_reason == f"M1 hours in {PLAN_MONTH} changed from 100 h to 60 h by setup (maintenance)"
    assert marked.reason == draft.stale_reason
    assert stale.subject == f"{PLAN_MONTH} L revision 1 is stale: re-plan it"
    assert news.subject == f"3 of your positions left out, cut or moved — {PLAN_MONTH} L draft r1, proposed"
    assert [i.text for i in news.items][0] == "Other Co: 500.0 t of 600.0 t planned"
    assert all(i.reason == reasons[i.ref] for i in news.items)
    assert mail.subject == news.subject and mail.body.startswith(news.body)
    assert mail.body.endswith("millplan: `millplan inbox` lists this and your other notifications.")


@pytest.mark.both_backends
def test_rows_written_before_the_texts_column_show_their_sentences(store_url):
    engine = make_engine(store_url)
    config = migrate.alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0008")
    at = {"at": datetime(2026, 11, 1, tzinfo=UTC)}
    with engine.begin() as connection:  # written by a Russian session of an older millplan
        connection.execute(
            sa.text(
                "INSERT INTO notifications (at, login, event, kind, subject, body, object_key, items) "
                "VALUES (:at, 'ivanov', 'e1', 'tonnes_cut', 'D1#1 урезана', 'почему', '2027-01/L/r1', "
                """'[{"ref": "D1#1", "kind": "tonnes_cut", "text": "Co: урезана", "reason": "нет часов"}]')"""
            ),
            at,
        )
        connection.execute(
            sa.text(
                "INSERT INTO audit_log (at, login, action, object_type, object_key, reason) "
                "VALUES (:at, 'plm', 'marked stale', 'assignment', '2027-01/L/r1', 'часы M1 изменены')"
            ),
            at,
        )
    engine.dispose()
    store = open_store(store_url)  # upgrades to head, the rows kept
    [kept] = inbox(store, "ivanov")
    assert (kept.subject, kept.body) == ("D1#1 урезана", "почему")
    assert [(i.text, i.reason) for i in kept.items] == [("Co: урезана", "нет часов")]
    with store.reading() as repo:
        [entry] = repo.audit.audit_entries("2027-01/L/r1")
    assert entry.reason == "часы M1 изменены"
    with store.engine.connect() as connection:
        assert connection.execute(sa.text("SELECT texts FROM notifications")).scalar() is None
    store.dispose()
    with engine.begin() as connection:  # and back: the columns go, the rows stay
        config.attributes["connection"] = connection
        command.downgrade(config, "0008")
        assert connection.execute(sa.text("SELECT subject FROM notifications")).scalar() == "D1#1 урезана"
        assert "texts" not in {c["name"] for c in sa.inspect(connection).get_columns("audit_log")}
    engine.dispose()


def test_the_workflows_words_read_in_russian_and_what_people_typed_stays_as_typed(store, russian):
    with speaking("en"):
        tiny_plant(store)  # D4 waits for acceptance; its sales manager is Иванов А. С.
        staff(store)
        deals.reject(store, "D4", "no mill free before spring", login="director")
    [told] = inbox(store, "ivanov")
    assert told.subject == "Сделка D4: отклонена"
    assert told.body == "Director отклонил(а) сделку D4 (Key Co): no mill free before spring"


def test_a_conflicts_resolution_reads_in_russian(store, russian):
    with speaking("en"):
        conflict_plant(store)
        [conflict] = conflicts.conflicts(store)
        conflicts.force_in(store, conflict.id, login="plm")
    [resolved] = [c for c in conflicts.conflicts(store) if c.id == conflict.id]
    month = month_text(PLAN_MONTH)
    assert resolved.resolution == f"включена принудительно в {month}: Line Manager"
    [told] = [n for n in inbox(store, "ivanov") if n.subject.startswith(f"Конфликт {conflict.id} решён")]
    assert told.subject.endswith(f"включена принудительно в {month}")


def test_a_refusal_in_the_audit_log_reads_in_the_readers_language(store, russian):
    with speaking("en"):
        tiny_plant(store)
        staff(store)
        with pytest.raises(Forbidden) as caught:
            require(actor(store, "ivanov"), Action.PLAN, line="L", target="2027-01/L/r1")
    assert str(caught.value).startswith("only the product-line manager of L may run the prioritiser")  # his words
    with store.reading() as repo:
        [entry] = repo.audit.audit_entries("2027-01/L/r1")
    assert entry.reason.startswith(
        "только менеджер товарной линии L может рассчитывать план (янв 2027 L, редакция 1); Иванов А. С. — "
    )
