"""A person as a narrow table shows him: surname and joined initials."""

from __future__ import annotations

import pytest

from millplan.core.domain.names import short_name


@pytest.mark.parametrize(
    ("name", "short"),
    [
        ("Иванов А. С.", "Иванов А.С."),
        ("Иванов Алексей Сергеевич", "Иванов А.С."),
        ("  Петрова   Е.  ", "Петрова Е."),
        ("Smith", "Smith"),
        ("", ""),
    ],
)
def test_surname_and_initials(name, short):
    assert short_name(name) == short
