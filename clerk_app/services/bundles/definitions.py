"""Bundle definitions from the catalogue: validated on import, stored by version, looked up."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from clerk_app.domain.bundles import Bundle, parse_bundle, parse_bundles
from clerk_app.domain.catalogue import CatalogueError, Matter
from clerk_app.i18n import _
from clerk_app.services.intake.search import SearchEntry, syllables
from clerk_app.services.station.context import ServiceContext
from clerk_app.store.models import BundleDefinition


def bundles_of_document(document: Any, matters: Iterable[Matter],
                        stored: Callable[[], list[Matter]]) -> list[Bundle]:
    """The bundles of a catalogue document, checked against its matters and the matters the
    station already holds (a document may publish only bundles); CatalogueError when wrong."""
    if not isinstance(document, dict) or document.get("bundles") is None:
        return []
    known: dict[str, Matter] = {m.code: m for m in stored()}
    known.update({m.code: m for m in matters})
    return parse_bundles(document, list(known.values()))


def apply_bundles(session: Session, bundles: Iterable[Bundle], now: datetime) -> int:
    """Store bundles as new current versions inside the caller's transaction; returns how
    many were added or changed."""
    changed = 0
    for bundle in bundles:
        existing = session.scalars(select(BundleDefinition).where(
            BundleDefinition.code == bundle.code,
            BundleDefinition.version == bundle.version)).first()
        if existing is not None:
            if existing.document != dict(bundle.raw):
                raise CatalogueError([_("一件事 {code}「{name}」内容有变化但版本号仍为 {v}，请提高版本号").format(
                    code=bundle.code, name=bundle.name, v=bundle.version)])
            continue
        newer = session.scalars(select(BundleDefinition.id).where(
            BundleDefinition.code == bundle.code,
            BundleDefinition.version > bundle.version)).first()
        if newer is not None:
            continue
        for row in session.scalars(select(BundleDefinition).where(
                BundleDefinition.code == bundle.code, BundleDefinition.current.is_(True))):
            row.current = False
        searchable = SearchEntry(bundle.code, bundle.name, keywords=bundle.keywords).searchable
        session.add(BundleDefinition(
            code=bundle.code, version=bundle.version, name=bundle.name, active=bundle.active,
            current=True, document=dict(bundle.raw), imported_at=now,
            syllables=" ".join(syllables(searchable))))
        changed += 1
    return changed


class BundleCatalogue:
    """The station's bundle definitions, parsed once per version."""

    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx
        self._cache: dict[tuple[str, int], Bundle] = {}
        self._lock = threading.Lock()

    def bundle(self, code: str, version: int | None = None) -> Bundle:
        """One bundle: the given version or the current one; KeyError when unknown."""
        if version is not None:
            with self._lock:
                cached = self._cache.get((code, version))
            if cached is not None:
                return cached
        with self.ctx.db.reading() as session:
            query = select(BundleDefinition).where(BundleDefinition.code == code)
            query = (query.where(BundleDefinition.version == version) if version is not None
                     else query.where(BundleDefinition.current.is_(True)))
            row = session.scalars(query).first()
            if row is None:
                raise KeyError(code)
            return self._parsed(row)

    def current(self) -> list[Bundle]:
        with self.ctx.db.reading() as session:
            rows = session.scalars(select(BundleDefinition).where(
                BundleDefinition.current.is_(True)).order_by(BundleDefinition.code)).all()
            return [self._parsed(row) for row in rows]

    def codes(self) -> frozenset[str]:
        with self.ctx.db.reading() as session:
            return frozenset(session.scalars(select(BundleDefinition.code).where(
                BundleDefinition.current.is_(True))))

    def search_entries(self) -> list[SearchEntry]:
        """Bundles as search entries beside the matters (names and keywords)."""
        with self.ctx.db.reading() as session:
            rows = session.execute(select(
                BundleDefinition.code, BundleDefinition.name, BundleDefinition.active,
                BundleDefinition.document["keywords"], BundleDefinition.syllables,
                BundleDefinition.document["withdrawn_reason"]).where(
                BundleDefinition.current.is_(True)).order_by(BundleDefinition.code)).all()
        return [SearchEntry(code, name, active, tuple(keywords or ()),
                            tuple(stored.split()) if stored else None, reason or "")
                for code, name, active, keywords, stored, reason in rows]

    def forget_cached(self) -> None:
        with self._lock:
            self._cache.clear()

    def _parsed(self, row: BundleDefinition) -> Bundle:
        key = (row.code, row.version)
        with self._lock:
            cached = self._cache.get(key)
        if cached is None:
            cached = parse_bundle(row.document, [])
            with self._lock:
                self._cache[key] = cached
        return cached


def member_matters(bundle: Bundle, matter: Callable[[str], Matter]) -> Mapping[str, Matter]:
    """The current matter of each member (KeyError when one is missing)."""
    return {m.matter_code: matter(m.matter_code) for m in bundle.members}
