"""Matter search service: the in-memory index over the current catalogue, rebuilt on change."""

from __future__ import annotations

import threading

from clerk_app.services.bundles.definitions import BundleCatalogue
from clerk_app.services.intake.search import MatterIndex, SearchHit
from clerk_app.services.station.catalogue import CatalogueService


class MatterSearchService:
    """Search as the clerk types; `refresh()` after a catalogue change."""

    def __init__(self, catalogue: CatalogueService) -> None:
        self.catalogue = catalogue
        self._lock = threading.Lock()
        self._index: MatterIndex | None = None
        self._bundle_codes: frozenset[str] = frozenset()  # hits that are bundles (一件事)

    def refresh(self) -> None:
        bundles = BundleCatalogue(self.catalogue.ctx).search_entries()
        index = MatterIndex([*self.catalogue.search_entries(), *bundles])
        with self._lock:
            self._index = index
            self._bundle_codes = frozenset(e.code for e in bundles)

    def is_bundle(self, code: str) -> bool:
        """Whether a hit is a bundle (一件事) rather than a single matter."""
        with self._lock:
            return code in self._bundle_codes

    def search(self, query: str, limit: int = 50) -> list[SearchHit]:
        with self._lock:
            index = self._index
        if index is None:
            self.refresh()
            with self._lock:
                index = self._index
        assert index is not None
        return index.search(query, limit)
