"""What a notification is about, read back from its object key (core.domain.notices.About)."""

from __future__ import annotations

import pytest

from millplan.core.domain.notices import About


@pytest.mark.parametrize(
    ("key", "about"),
    [
        ("conflict 12", About("conflict", id=12)),
        ("escalation 3", About("escalation", id=3)),
        ("request 7", About("request", id=7)),
        ("review 1", About("review", id=1)),
        ("2027-01/ТБД/r2", About("revision", month="2027-01", line="ТБД", revision=2)),
        ("2027-01/L 2/r11", About("revision", month="2027-01", line="L 2", revision=11)),
        ("2027-01 ТБД", About("month", month="2027-01", line="ТБД")),
        ("D-1#2", About("position", ref="D-1#2")),
        ("D-1", About("deal", ref="D-1")),
        ("conflicts 12", About("deal", ref="conflicts 12")),  # not a workflow item: a deal's number as written
    ],
)
def test_an_object_key_reads_back_as_what_it_names(key, about):
    assert About.parse(key) == about
