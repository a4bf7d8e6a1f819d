"""The village services built on a process's `Services` (once, on first use)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from clerk_app.services.village.batches import VillageBatchService
from clerk_app.services.village.centre import CentreBatchService
from clerk_app.services.village.centre_pages import CentrePages
from clerk_app.services.village.collection import CollectionService

if TYPE_CHECKING:
    from clerk_app.app import Services


@dataclass(frozen=True)
class VillageServices:
    collection: CollectionService
    batches: VillageBatchService
    centre: CentreBatchService
    centre_pages: CentrePages


def village_of(services: Services) -> VillageServices:
    """The village services of `services` (built once and kept with it)."""
    found = vars(services).get("_village")
    if isinstance(found, VillageServices):
        return found
    built = VillageServices(
        collection=CollectionService(services.ctx, services.intake),
        batches=VillageBatchService(services.ctx, services.catalogue,
                                    services.calendar.calendar),
        centre=CentreBatchService(services.ctx, services.calendar.calendar),
        centre_pages=CentrePages(services.ctx, services.attachments))
    vars(services)["_village"] = built
    return built
