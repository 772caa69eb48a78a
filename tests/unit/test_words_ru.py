"""Views, mail and access in Russian (the `russian` fixture): refusals, roles, counted
phrases, units in headers. Needs the Russian catalogue with the translations of
core/views, core/mail and core/access merged."""

from __future__ import annotations

from decimal import Decimal

import pytest

from millplan.core.access.permissions import Action, Actor, require
from millplan.core.domain.errors import Forbidden
from millplan.core.domain.months import Month
from millplan.core.domain.people import Role, User
from millplan.core.domain.stale import StaleLimits
from millplan.core.planning.promise import Promise
from millplan.core.views.history import action_word
from millplan.core.views.promise import promise_text
from millplan.core.views.stale import limits_view
from millplan.core.views.users import users_view


def test_a_refusal_is_one_russian_sentence(russian):
    seller = Actor("ivanov", "Иванов", Role.SALES_MANAGER)
    with pytest.raises(Forbidden) as refused:
        require(seller, Action.APPROVE, line="L", target="2027-01/L/r1")
    assert str(refused.value) == (
        "только менеджер товарной линии L или директор может утверждать задание (янв 2027 L, редакция 1); "
        "Иванов — менеджер по продажам"  # the revision and the person as people read them
    )


def test_roles_and_headers_read_in_russian(russian):
    view = users_view([User("plm", "Петров", Role.LINE_MANAGER, ("L",))])
    assert [c.header for c in view.columns] == ["Логин", "Имя", "Роль", "Линии", "Эл. почта"]
    assert view.rows[0]["role"] == "менеджер товарной линии"
    assert action_word("approved") == "утверждено"


def test_russian_counts_months_in_three_forms(russian):
    month = Month(2027, 1)

    def unmet(horizon: int) -> str:
        return promise_text(
            Promise("D9", month, horizon, month, 100.0, None, 40.0, {}, False, (), Decimal(0), Decimal(0))
        )

    assert "ни за 1 месяц начиная с" in unmet(1)
    assert "ни за 3 месяца начиная с" in unmet(3)
    assert "ни за 5 месяцев начиная с" in unmet(5)


def test_a_table_of_limits_is_titled_in_russian(russian):
    assert limits_view(StaleLimits(3, 30, 14)).title == "Пороги реестра зависших сделок"
