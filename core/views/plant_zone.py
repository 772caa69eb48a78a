"""The plant's time zone as people and scripts read it (``millplan settings time-zone``)."""

from __future__ import annotations

from typing import Any

from millplan.core.domain.i18n import _
from millplan.core.workflow.plant_zone import PlantZone


def time_zone_document(zone: PlantZone) -> dict[str, Any]:
    """``--json``: ``time_zone`` (the setting's IANA name, or null: the machine's zone),
    ``in_force``, ``source`` (``environment``, ``store``, ``machine``) and ``utc_offset``."""
    return {"time_zone": zone.stored, "in_force": zone.in_force, "source": zone.source, "utc_offset": zone.offset}


def time_zone_text(zone: PlantZone) -> str:
    """One sentence: which zone times are shown in, and why that one."""
    if zone.source == "environment":
        return _(
            "Times are shown in {zone} (UTC{offset}) as MILLPLAN_TIMEZONE says; the plant's setting is {stored}."
        ).format(zone=zone.in_force, offset=zone.offset, stored=zone.stored or _("not set"))
    if zone.source == "store":
        return _("Times are shown in the plant's time zone {zone} (UTC{offset}).").format(
            zone=zone.in_force, offset=zone.offset
        )
    return _(
        "No plant time zone is set: times are shown in this machine's zone {zone} (UTC{offset}). "
        "Set one with: millplan settings time-zone Europe/Moscow"
    ).format(zone=zone.in_force, offset=zone.offset)
