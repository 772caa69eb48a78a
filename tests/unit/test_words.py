"""What views, mail and access say in words instead of stored codes (English; the Russian
is in test_words_ru.py): action phrases, roles, refusals, states of mail, verdicts,
outcomes, audit actions, and counted phrases."""

from __future__ import annotations

from decimal import Decimal

import pytest

from millplan.core.access.permissions import Action, Actor, require, role_phrase, role_word
from millplan.core.domain.errors import Forbidden
from millplan.core.domain.months import Month
from millplan.core.domain.notices import MailState
from millplan.core.domain.people import Role, User
from millplan.core.domain.stale import Disposition
from millplan.core.domain.workflow import Outcome
from millplan.core.planning.promise import Promise
from millplan.core.views.escalations import outcome_word
from millplan.core.views.history import action_word
from millplan.core.views.mail import mail_state_word
from millplan.core.views.promise import promise_text
from millplan.core.views.reviews import verdict_word
from millplan.core.views.stale import disposition_word
from millplan.core.views.users import users_view


@pytest.mark.parametrize("action", list(Action))
def test_every_action_is_a_stable_code_with_a_phrase_for_people(action):
    assert action.value == action.name.lower()
    assert action.phrase and "_" not in action.phrase


@pytest.mark.parametrize("role", list(Role))
def test_every_role_reads_in_words_never_as_its_stored_value(role):
    assert "_" not in role_word(role) and "_" not in role_phrase(role)
    assert role_word(role) in role_phrase(role)  # "a sales manager" holds "sales manager"


def test_a_refusal_names_every_role_that_may_in_one_sentence():
    seller = Actor("ivanov", "Иванов", Role.SALES_MANAGER)
    with pytest.raises(Forbidden) as refused:
        require(seller, Action.IMPORT_MILLS)
    assert str(refused.value) == (
        "only a product-line manager or a production planner or an admin may import the mill register "
        "(import_mills); Иванов is a sales manager"  # the person by name
    )


def test_a_refusal_says_when_a_product_line_manager_owns_no_line():
    lineless = Actor("plm", "PLM", Role.LINE_MANAGER)
    with pytest.raises(Forbidden, match=r"; PLM is a product-line manager of no line$"):
        require(lineless, Action.APPROVE, line="L")
    owner = Actor("klm", "KLM", Role.LINE_MANAGER, ("K", "T"))
    with pytest.raises(Forbidden, match=r"; KLM is a product-line manager of K, T$"):
        require(owner, Action.APPROVE, line="L")


def test_the_users_table_shows_roles_in_words():
    view = users_view([User("plm", "PLM", Role.LINE_MANAGER, ("L",)), User("pp", "PP", Role.PLANNER)])
    assert [row["role"] for row in view.rows] == ["product-line manager", "production planner"]


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        (mail_state_word(MailState.PENDING), "waiting"),
        (verdict_word("object"), "object"),
        (outcome_word(Outcome.FORCED.value), "forced in"),
        (outcome_word(Outcome.ROUND_DECIDED.value), "round decided"),
        (disposition_word(Disposition.CANCEL), "Cancelled"),
        (action_word("stale_cancel"), "remainder cancelled"),
        (action_word("replanned"), "re-planned"),
        (action_word("some_new_code"), "some new code"),  # a code not named yet still reads
    ],
)
def test_stored_codes_read_as_words(word, expected):
    assert word == expected


@pytest.mark.parametrize("kind", [*MailState, *Disposition, *Outcome])
def test_every_code_of_mail_disposition_and_outcome_has_its_word(kind):
    word = {MailState: mail_state_word, Disposition: disposition_word, Outcome: lambda o: outcome_word(o.value)}[
        type(kind)
    ](kind)
    assert word and "_" not in word


def _unmet(horizon: int) -> Promise:
    """A promise nothing within ``horizon`` months can keep."""
    month = Month(2027, 1)
    return Promise("D9", month, horizon, month, 100.0, None, 40.0, {}, False, (), Decimal(0), Decimal(0))


def test_a_promise_counts_its_months_in_words():
    assert "nor within 1 month from" in promise_text(_unmet(1))
    assert "nor within 3 months from" in promise_text(_unmet(3))
