"""Everyone who must act is told, once: one message per person per event, listing all his
positions, naming who acted — on SQLite (and PostgreSQL where the dialects differ).

The plants are tests/plants.py's ``tiny_plant`` with :data:`tests.plants.STAFF`, the
conflict plant of tests/levers.py (D6#1 100 t short), and tests/crowded.py's plant of
many positions left out.
"""

from __future__ import annotations

import threading

import pytest
import sqlalchemy as sa
from sqlmodel import select

from millplan.core.access import users
from millplan.core.domain.months import month_text
from millplan.core.domain.notices import Item
from millplan.core.domain.people import Role, User
from millplan.core.mail.inbox import inbox, mark_read, unread_count
from millplan.core.mail.notify import notify
from millplan.core.mail.plan_news import News, tell
from millplan.core.planning import capacity
from millplan.core.planning import run as planning
from millplan.core.workflow import assignments, conflicts, deals, escalations, reviews
from millplan.storage.store import open_store
from millplan.storage.tables import DealRow, NotificationRow
from tests.crowded import crowded_plant
from tests.languages import speaking
from tests.levers import conflict_plant
from tests.people import add_user
from tests.plants import PLAN_MONTH, deal, position, staff, tiny_plant


def _inbox(store, login):
    return inbox(store, login, limit=1000)


def _kinds(store, login):
    return sorted(n.kind for n in _inbox(store, login))


# -- one message per person per event ----------------------------------------------------


@pytest.mark.both_backends
def test_a_plan_gives_each_manager_one_message_per_line_listing_all_his_positions(store):
    crowded_plant(store)
    planning.plan(store, PLAN_MONTH, login="plm", first_horizon=1)
    ivanov = {n.object_key: n for n in _inbox(store, "ivanov")}
    # two lines planned: two events, one message for each
    assert sorted(ivanov) == [f"{PLAN_MONTH}/K/r1", f"{PLAN_MONTH}/L/r1"]
    on_l = ivanov[f"{PLAN_MONTH}/L/r1"]
    assert [i.ref for i in on_l.items] == [f"IL{n}#1" for n in range(1, 6)]
    assert {i.kind for i in on_l.items} == {"position_removed"} and on_l.kind == "position_removed"
    assert all(i.reason for i in on_l.items)  # each with the prioritiser's reason
    assert on_l.subject == f"5 of your positions left out, cut or moved — {PLAN_MONTH} L draft r1, proposed"
    listed = [line for line in on_l.body.splitlines() if line.startswith("• ")]
    assert listed == [f"• {i.ref} {i.text}. Reason: {i.reason}" for i in on_l.items]
    assert [i.ref for i in ivanov[f"{PLAN_MONTH}/K/r1"].items] == ["IK1#1", "IK2#1"]
    [petrov] = _inbox(store, "petrov")  # his own two, none of ivanov's
    assert [i.ref for i in petrov.items] == ["PL1#1", "PL2#1"]
    # one e-mail per message per address: ivanov has an address, petrov none
    with store.reading() as repo:
        sent = repo.mailbox.messages(limit=100)
    assert sorted((m.login, m.subject) for m in sent) == sorted(("ivanov", n.subject) for n in ivanov.values())
    by_subject = {n.subject: n.body for n in ivanov.values()}
    assert all(m.body.startswith(by_subject[m.subject]) for m in sent)


def test_a_re_plan_tells_only_what_is_new(store):
    crowded_plant(store)
    planning.plan(store, PLAN_MONTH, product_line="L", login="plm", first_horizon=1)
    planning.plan(store, PLAN_MONTH, product_line="L", login="plm", first_horizon=1)  # the same news: nothing more
    assert len(_inbox(store, "ivanov")) == 1
    with store.unit_of_work() as repo:  # 20 h: IL5 (the best-paying of his five) gets in
        repo.plant.upsert_capacity([("M1", PLAN_MONTH, 20.0)], "setup", "extra shift")
    [outcome] = planning.plan(store, PLAN_MONTH, product_line="L", login="plm", first_horizon=1)
    assert "IL5#1" in {line.position_ref for line in outcome.assignment.lines}
    with store.unit_of_work() as repo:  # back to 10 h, and a new position of his that cannot fit
        repo.plant.upsert_capacity([("M1", PLAN_MONTH, 10.0)], "setup", "shift cancelled")
        repo.plant.upsert_portfolio(
            {"Co": False},
            [deal("IL6", "Co", sales_manager="Иванов А. С.")],
            [position("IL6", 1, "20", 100, 40_000)],
            "test",
            "fixture",
        )
    planning.plan(store, PLAN_MONTH, product_line="L", login="plm", first_horizon=1)
    newest, first = _inbox(store, "ivanov")
    # IL5 is left out again, as he was told in the first message: only IL6 is news
    assert [i.ref for i in newest.items] == ["IL6#1"] and "IL5#1" in {i.ref for i in first.items}


@pytest.mark.both_backends
def test_two_writers_telling_the_same_news_leave_one_message(store_url):
    stores = [open_store(store_url) for _ in range(2)]
    news = [News("ivanov", Item(f"D{n}#1", "position_removed", "left out", key=f"k{n}")) for n in range(3)]
    start = threading.Barrier(2)
    told: list[int] = []

    def write(one):
        start.wait()
        with one.unit_of_work() as repo:
            told.append(tell(repo, news, event="e", object_key="o", compose=lambda items: ("s", "b"), by=None))

    threads = [threading.Thread(target=write, args=(s,)) for s in stores]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(told) == [0, 1]
    [only] = inbox(stores[0], "ivanov")
    assert [i.ref for i in only.items] == ["D0#1", "D1#1", "D2#1"]
    for s in stores:
        s.dispose()


# -- the draft is proposed, the approval final; who acted is named ------------------------


def test_draft_news_is_proposed_and_the_approval_final_naming_the_director(store):
    conflict_plant(store)
    [draft_news] = [n for n in _inbox(store, "ivanov") if n.object_key == f"{PLAN_MONTH}/L/r1"]
    assert draft_news.subject.endswith("proposed") and "final only once approved" in draft_news.body
    assert "Planned by Line Manager" in draft_news.body  # the user's name, not the login
    assignments.submit(store, PLAN_MONTH, "L", login="plm")
    assignments.approve(store, PLAN_MONTH, "L", login="director", reason="D6#1 waits for the next month")
    [approval] = [n for n in _inbox(store, "ivanov") if n.kind == "approved"]
    assert approval.subject == f"The {PLAN_MONTH} L assignment is approved (revision 1): final"
    with speaking("ru"):  # the month is kept raw and said as the reader reads it
        [said] = [n for n in _inbox(store, "ivanov") if n.kind == "approved"]
        assert said.subject.startswith(f"Задание {month_text(PLAN_MONTH)} L утверждено")
    assert "proposed" not in approval.body
    assert approval.body.endswith("Approved by Director: D6#1 waits for the next month")
    d6 = next(i for i in approval.items if i.ref == "D6#1")
    assert d6.text == "Key Co: 500.0 t planned, 100.0 t left out (final)" and d6.reason


# -- each recipient of each event -------------------------------------------------------------


def test_a_capacity_cut_tells_the_line_manager_his_draft_is_stale(store):
    conflict_plant(store)
    capacity.set_hours(store, "M1", PLAN_MONTH, 60, login="planner", reason="maintenance")
    [stale] = [n for n in _inbox(store, "plm") if n.kind == "stale"]
    assert stale.subject == f"{PLAN_MONTH} L revision 1 is stale: re-plan it"
    assert stale.body.startswith(f"M1 hours in {PLAN_MONTH} changed from 100 h to 60 h by Planner (maintenance)")
    capacity.set_hours(store, "M1", PLAN_MONTH, 60, login="planner", reason="maintenance")  # no change: no news
    assert _kinds(store, "plm").count("stale") == 1
    assert "stale" not in _kinds(store, "planner") + _kinds(store, "director")


def test_the_director_forcing_a_conflict_in_tells_the_line_manager_and_the_sales_manager(store):
    conflict_plant(store)
    [conflict] = conflicts.conflicts(store)
    conflicts.escalate(store, conflict.id, login="plm", why="two key accounts, one mill")
    [escalated] = [n for n in _inbox(store, "ivanov") if n.subject.startswith(f"Conflict {conflict.id} escalated")]
    assert (
        "Line Manager escalated it to the director" in escalated.body and "two key accounts, one mill" in escalated.body
    )
    [escalation] = escalations.escalations(store, open_only=True)
    escalations.decide(store, escalation.id, login="director", reason="D6#1's client stops his line", force=True)
    [decided] = [n for n in _inbox(store, "plm") if n.kind == "escalation_decided"]
    assert decided.body == (
        f"Director forced D6#1 into the draft of {PLAN_MONTH}, locked whole (the draft is re-planned) — D6#1's client stops his line"
    )
    assert "escalation_decided" not in _kinds(store, "director")
    assert any(
        n.subject.startswith(f"Conflict {conflict.id} resolved") and "by Director" in n.body
        for n in _inbox(store, "ivanov")
    )


def test_the_director_approving_a_line_tells_its_manager_and_the_planners(store):
    conflict_plant(store)
    assignments.submit(store, PLAN_MONTH, "L", login="plm")
    assignments.approve(store, PLAN_MONTH, "L", login="director", reason="agreed with sales")
    for login in ("plm", "planner"):
        [approved] = [n for n in _inbox(store, login) if n.kind == "approved"]
        assert approved.body.endswith("Approved by Director: agreed with sales")
    assert "approved" not in _kinds(store, "director")


def test_the_planner_hears_her_objection_answered_and_the_revision_approved(store):
    conflict_plant(store)
    review = reviews.object_to(store, "D1#1", PLAN_MONTH, "L", login="planner", reason="M2 idles")
    reviews.answer(store, review.id, login="plm", reply="M2 has maintenance then")
    [answered] = [n for n in _inbox(store, "planner") if n.kind == "objection_answered"]
    assert (
        answered.body
        == f"Line Manager answered your objection to D1#1 in {PLAN_MONTH} L (M2 idles): M2 has maintenance then"
    )
    assignments.submit(store, PLAN_MONTH, "L", login="plm")
    assignments.approve(store, PLAN_MONTH, "L", login="director", reason="over the open conflict")
    assert _kinds(store, "planner") == ["approved", "objection_answered", "to_review"]
    assert "approved" not in _kinds(store, "director")  # he approved it himself


@pytest.mark.parametrize("accept", [True, False])
@pytest.mark.both_backends
def test_the_sales_manager_hears_his_deal_accepted_or_rejected(store, accept):
    tiny_plant(store)  # D4 waits for acceptance; its sales manager is Иванов А. С.
    staff(store)
    if accept:
        deals.accept(store, "D4", login="plm")
    else:
        deals.reject(store, "D4", "no mill free before spring", login="director")
    [told] = _inbox(store, "ivanov")
    if accept:
        assert (told.kind, told.subject) == ("deal_accepted", "Deal D4 accepted")
        assert told.body.startswith("Line Manager accepted deal D4 (Key Co)")
    else:
        assert (told.kind, told.subject) == ("deal_rejected", "Deal D4 rejected")
        assert told.body == "Director rejected deal D4 (Key Co): no mill free before spring"


# -- addressed by name before the user is registered ---------------------------------------


def _register(store, login, name, email=None):
    """Through the users service, as an admin registers people (the first admin bootstraps)."""
    if not any(u.role is Role.ADMIN for u in users.list_users(store)):
        users.add_user(store, "admin", "Admin", Role.ADMIN, by="admin")
    return users.add_user(store, login, name, Role.SALES_MANAGER, email=email, by="admin")


def test_news_under_a_managers_name_reaches_the_user_registered_later_under_another_login(store):
    tiny_plant(store)  # every deal's sales manager is written "Иванов А. С."
    with store.unit_of_work() as repo:
        repo.users.save_user(User("plm", "Line Manager", Role.LINE_MANAGER, ("L",)), by="setup")
    planning.plan(store, PLAN_MONTH, login="plm", first_horizon=1)
    assert inbox(store, "aivanov") == []
    _register(
        store, "aivanov", "иванов  а. с.", email="ivanov@plant.example"
    )  # another login, the name typed otherwise
    [waiting] = inbox(store, "aivanov")
    assert [i.ref for i in waiting.items] == ["D2#1", "D3#1", "D3#2"]
    with store.reading() as repo:  # and its e-mail goes out now that he has an address
        [mail] = repo.mailbox.messages()
    assert (mail.login, mail.address, mail.subject) == ("aivanov", "ivanov@plant.example", waiting.subject)
    assert unread_count(store, "aivanov") == 1
    assert mark_read(store, "aivanov", [waiting.id]) == 1
    assert unread_count(store, "aivanov") == 0
    planning.plan(store, PLAN_MONTH, login="plm", first_horizon=1)  # what he was told under his name is not told again
    assert len(inbox(store, "aivanov")) == 1
    # handed over, it stays his: a second user of the name gets none of it
    _register(store, "ivanov2", "Иванов А. С.")
    assert len(inbox(store, "aivanov")) == 1 and inbox(store, "ivanov2") == []


def test_news_waits_while_two_users_share_the_name_and_goes_to_the_one_left_with_it(store):
    tiny_plant(store)
    with store.unit_of_work() as repo:
        repo.users.save_user(User("plm", "Line Manager", Role.LINE_MANAGER, ("L",)), by="setup")
    _register(store, "ivanov1", "Иванов А. С.")
    _register(store, "ivanov2", "Иванов  А.С.")  # not the same name: the initials are written apart
    _register(store, "ivanov3", "ИВАНОВ А. С.")
    # "Иванов А. С." is ivanov1's or ivanov3's: nobody's for sure
    planning.plan(store, PLAN_MONTH, login="plm", first_horizon=1)
    assert [inbox(store, login) for login in ("ivanov1", "ivanov2", "ivanov3")] == [[], [], []]
    users.set_role(store, "ivanov3", Role.SALES_MANAGER, by="admin", name="Иванова Е. С.")
    assert [i.ref for i in inbox(store, "ivanov1")[0].items] == ["D2#1", "D3#1", "D3#2"]
    assert inbox(store, "ivanov3") == []


@pytest.mark.both_backends
def test_news_under_several_spellings_is_handed_over_once_per_event(store):
    with store.unit_of_work() as repo:
        for login, event in (
            ("petrov", "e1"),
            ("Петров П.", "e1"),
            ("Петров П.", "e2"),
            ("петров  п.", "e2"),
            ("Пётров П.", "e3"),
        ):
            notify(
                repo,
                login=login,
                event=event,
                kind="k",
                subject=f"{event} to {login}",
                body="b",
                object_key="o",
                by=None,
            )
        notify(
            repo, login="Петров П. А.", event="e4", kind="k", subject="another man", body="b", object_key="o", by=None
        )
    _register(store, "petrov", "Петров П.")
    assert sorted(n.subject for n in inbox(store, "petrov")) == [
        "e1 to petrov",
        "e2 to Петров П.",
        "e3 to Пётров П.",
    ]
    with store.reading() as repo:  # copies of e1 and e2 stay where they were; another man's news waits for him
        assert sorted(repo.mailbox.waiting_texts()) == ["Петров П.", "Петров П. А.", "петров  п."]


def test_the_badge_is_one_count_of_the_users_own_notifications(store):
    with store.unit_of_work() as repo:
        notify(repo, login="ivanov", event="e1", kind="k", subject="s", body="b", object_key="o", by=None)
    add_user(store, "ivanov", "Иванов А. С.")
    statements = []
    listener = lambda conn, cursor, statement, *args: statements.append(statement)  # noqa: E731
    sa.event.listen(store.engine, "before_cursor_execute", listener)
    try:
        assert unread_count(store, "ivanov") == 1
    finally:
        sa.event.remove(store.engine, "before_cursor_execute", listener)
    [count] = [s for s in statements if s.lstrip().upper().startswith("SELECT")]
    assert "notifications" in count and "users" not in count


@pytest.mark.parametrize("blank", ["", "   "])
def test_deals_without_a_sales_manager_tell_nobody(store, blank):
    tiny_plant(store)
    staff(store)
    with store.unit_of_work() as repo:
        repo.session.execute(sa.update(DealRow).values(sales_manager=blank))
    planning.plan(store, PLAN_MONTH, login="plm", first_horizon=1)  # leaves positions out: nobody's to hear of
    assignments.submit(store, PLAN_MONTH, "L", login="plm")
    assignments.approve(store, PLAN_MONTH, "L", login="director", reason="as planned")
    deals.accept(store, "D4", login="plm")
    with store.reading() as repo:
        addressed = set(repo.session.exec(select(NotificationRow.login)))
    assert addressed == {"plm", "planner"}  # the approval told the line's manager and the planner, no one else


def test_the_director_granting_a_request_tells_the_line_manager_whose_draft_it_re_plans(store):
    from millplan.core.workflow import request_answers, request_raising

    conflict_plant(store)
    raised = request_raising.request_priority(store, "D6#1", raise_=True, login="ivanov", why="client's line stops")
    request_answers.grant(store, raised.request.id, login="director")
    [answered] = [n for n in _inbox(store, "plm") if n.kind == "request_answered"]
    assert answered.body.startswith("Director granted Иванов А. С.'s request to raise the priority of D6#1")
    [his] = [n for n in _inbox(store, "ivanov") if n.kind == "request_answered"]
    assert his.body.startswith("Director granted your request")
    assert "request_answered" not in _kinds(store, "director")


# -- the one who acts is not told of his own action ---------------------------------------------


def test_the_one_who_acts_hears_nothing_of_it_though_he_sells_the_deals(store):
    tiny_plant(store)
    with store.unit_of_work() as repo:
        repo.plant.upsert_portfolio(
            {"Key Co": True}, [deal("D6", "Key Co")], [position("D6", 1, "20", 600, 45_000)], "test", "fixture"
        )
        repo.session.execute(sa.update(DealRow).values(sales_manager="Line Manager"))  # plm sells every deal too
    staff(store)
    with store.unit_of_work() as repo:
        repo.users.save_user(User("plm2", "Second Manager", Role.LINE_MANAGER, ("L",)), by="setup")
    # another's plan: plm hears it as the deals' sales manager
    planning.plan(store, PLAN_MONTH, login="plm2", first_horizon=1)
    [heard] = _inbox(store, "plm")
    assert heard.body.endswith("Planned by Second Manager") and "D6#1" in {i.ref for i in heard.items}
    [conflict] = conflicts.conflicts(store)
    conflicts.force_in(store, conflict.id, login="plm")  # resolves the conflict and re-plans the draft
    [pushed_out] = conflicts.conflicts(store, unresolved_only=True)
    conflicts.agree_later(store, pushed_out.id, PLAN_MONTH + 1, login="plm")
    deals.accept(store, "D4", login="plm")
    assignments.submit(store, PLAN_MONTH, "L", login="plm")
    assignments.approve(store, PLAN_MONTH, "L", login="plm", reason="as forced")
    assert _inbox(store, "plm") == [heard]  # none of his own actions came back to him
    assert _kinds(store, "plm2") == ["approved"] and _kinds(store, "planner") == ["approved", "to_review"]


# -- who acted is named by his user name in every text a person reads -------------------------


def test_a_hand_exclusion_and_letting_it_back_in_name_the_line_manager(store):
    conflict_plant(store)
    out = assignments.set_excluded(store, PLAN_MONTH, "L", "D1#1", True, login="plm", reason="client waits for coating")
    assert [e.reason for e in out.exclusions if e.position_ref == "D1#1"] == [
        "excluded by Line Manager: client waits for coating"
    ]
    [told] = [n for n in _inbox(store, "ivanov") if "D1#1" in {i.ref for i in n.items} and n.object_key == out.key]
    assert [i.reason for i in told.items] == ["excluded by Line Manager: client waits for coating"]
    back = assignments.set_excluded(store, PLAN_MONTH, "L", "D1#1", False, login="plm")
    assert [e.reason for e in back.exclusions if e.position_ref == "D1#1"] == [
        "let back in by Line Manager; re-run the prioritiser to plan it"
    ]


def test_a_stale_revision_names_who_changed_the_hours(store):
    conflict_plant(store)
    capacity.set_hours(store, "M1", PLAN_MONTH, 60, login="planner", reason="maintenance")
    with store.reading() as repo:
        stale = repo.assignments.assignment(PLAN_MONTH, "L")
    assert stale.stale_reason == f"M1 hours in {PLAN_MONTH} changed from 100 h to 60 h by Planner (maintenance)"


def test_conflict_resolutions_name_who_resolved_them(store):
    conflict_plant(store)
    [short] = conflicts.conflicts(store)
    forced = conflicts.force_in(store, short.id, login="plm").conflict
    assert forced.resolution == f"forced into {PLAN_MONTH} by Line Manager"
    [pushed_out] = conflicts.conflicts(store, unresolved_only=True)
    later = conflicts.agree_later(store, pushed_out.id, PLAN_MONTH + 1, login="plm")
    assert later.resolution == f"later month {PLAN_MONTH + 1} agreed by Line Manager"
    [told] = [n for n in _inbox(store, "ivanov") if n.subject.startswith(f"Conflict {pushed_out.id} resolved")]
    assert told.body.endswith(f"by Line Manager — later month {PLAN_MONTH + 1} agreed by Line Manager")


def test_request_answers_and_rounds_name_the_people(store):
    from millplan.core.workflow import request_answers, request_raising

    conflict_plant(store)
    raised = request_raising.request_priority(store, "D6#1", raise_=True, login="ivanov", why="client's line stops")
    assert request_answers.grant(store, raised.request.id, login="director").request.answer == "granted by Director"
    lowered = request_raising.request_priority(store, "D1#1", raise_=False, login="ivanov", why="client can wait")
    assert request_answers.withdraw(store, lowered.request.id, login="ivanov").answer == "withdrawn by Иванов А. С."
    round_ = request_raising.request_reapproval(store, PLAN_MONTH, "L", login="ivanov", why="prices changed")
    opened = request_answers.grant(store, round_.request.id, login="plm").escalation
    assert opened.reason == "re-approval round asked by Иванов А. С.: prices changed"
