"""Switching the language inside a test: what one session writes in its language, another reads in his."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from millplan.core.domain import i18n


@contextmanager
def speaking(lang: str) -> Iterator[None]:
    """Speak ``lang`` (the session of whoever writes), then the language spoken before."""
    before = i18n.language()
    i18n.use(lang)
    try:
        yield
    finally:
        i18n.use(before)
