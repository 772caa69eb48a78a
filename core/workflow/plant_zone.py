"""The plant's time zone: a plant-wide setting (``repo.settings``) that every time shown to
people is read in (approved at, imported at, notifications, the history), and by which the
plant's date and current month turn. Stored times stay UTC.

Which zone is in force: ``MILLPLAN_TIMEZONE`` (a rehearsal, a test), else the store's
setting (``millplan settings time-zone Europe/Moscow``), else the machine's local zone.
A front calls :func:`apply` when it opens a store.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import UTC, datetime

from millplan.core.access.permissions import Action, actor_in, require
from millplan.core.domain.errors import InvalidInput
from millplan.core.domain.months import TIME_ZONE_KEY, TIMEZONE_ENV, plant_time, use_zone, zone_of
from millplan.storage.store import Store

SOURCES = ("environment", "store", "machine")
"""Where the zone in force comes from (:attr:`PlantZone.source`)."""


@dataclass(frozen=True)
class PlantZone:
    """The plant's time zone: ``stored`` the setting's IANA name (``None``: none set);
    ``in_force`` the zone times are shown in now (an IANA name, or the machine's zone
    abbreviation such as ``MSK``), ``source`` one of :data:`SOURCES`; ``offset`` its UTC
    offset now, ``+03:00``."""

    stored: str | None
    in_force: str
    source: str
    offset: str


def _stored(store: Store) -> str | None:
    with store.reading() as repo:
        return repo.settings.get(TIME_ZONE_KEY)


def apply(store: Store) -> None:
    """Make the zone ``store`` keeps the plant's, for this process (a zone name the
    machine no longer knows reads as none set: times in the machine's zone)."""
    try:
        use_zone(_stored(store))
    except InvalidInput:
        use_zone(None)


def _described(stored: str | None) -> PlantZone:
    now = plant_time(datetime.now(UTC))
    offset = now.strftime("%z")
    offset = f"{offset[:3]}:{offset[3:]}"
    if os.environ.get(TIMEZONE_ENV):
        return PlantZone(stored, os.environ[TIMEZONE_ENV], "environment", offset)
    if stored is not None:
        return PlantZone(stored, stored, "store", offset)
    return PlantZone(None, now.tzname() or offset, "machine", offset)


def time_zone(store: Store) -> PlantZone:
    """The plant's time zone as ``store`` keeps it and as it is in force here."""
    stored = _stored(store)
    apply(store)
    return _described(stored)


def set_time_zone(store: Store, *, login: str, name: str | None) -> PlantZone:
    """Keep ``name`` (an IANA zone, ``Europe/Moscow``; ``None``: none, the machine's local
    zone) as the plant's time zone, audited as a setting, and use it from now on.

    Raises :class:`~millplan.core.domain.errors.InvalidInput` for a name that is no time
    zone, :class:`~millplan.core.domain.errors.Forbidden` unless ``login`` is an admin."""
    canonical = None if name is None else zone_of(name, "time zone").key
    with store.unit_of_work() as repo:
        require(actor_in(repo, login, store), Action.SET_TIME_ZONE, target="time zone")
        if repo.settings.get(TIME_ZONE_KEY) != canonical:
            repo.settings.put(TIME_ZONE_KEY, canonical, login, "millplan settings time-zone")
    use_zone(canonical)
    return _described(canonical)
