"""The matter catalogue (事项目录): import all or nothing, versions, lookup of one matter."""

from __future__ import annotations

import json
import logging
import re
import threading
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from clerk_app.domain.catalogue import CatalogueError, Matter, parse_catalogue, parse_matter
from clerk_app.i18n import _
from clerk_app.services.bundles.definitions import apply_bundles, bundles_of_document
from clerk_app.services.intake.search import SearchEntry, syllables
from clerk_app.services.station.context import SYSTEM_ACTOR, Actor, ServiceContext
from clerk_app.services.station.journal import audit
from clerk_app.services.station.permissions import Permission, require
from clerk_app.store.models import MatterRecord

log = logging.getLogger(__name__)

RESOURCES = Path(__file__).resolve().parents[3] / "resources"
BUNDLED_CATALOGUE = RESOURCES / "catalogue" / "sample_catalogue.json"
SCHEMA_PATH = RESOURCES / "catalogue" / "catalogue.schema.json"


@dataclass(frozen=True)
class ImportResult:
    """What an import changed."""

    added: int
    updated: int
    unchanged: int
    withdrawn: int

    @property
    def summary(self) -> str:
        return _("新增 {a} 项，更新 {u} 项，未变 {n} 项，其中停用 {w} 项").format(
            a=self.added, u=self.updated, n=self.unchanged, w=self.withdrawn)


@lru_cache(maxsize=1)
def _schema_validator() -> Any:
    import jsonschema

    if not SCHEMA_PATH.exists():
        return None
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    return jsonschema.Draft202012Validator(schema)


_SCHEMA_WORDS = {
    "required": _("缺少必填项"),
    "enum": _("取值不在允许范围内"),
    "type": _("类型不对"),
    "additionalProperties": _("含有未定义的字段"),
    "pattern": _("格式不对"),
    "minimum": _("数值太小"),
    "minItems": _("项数不足"),
    "minLength": _("不能为空"),
    "const": _("取值不对"),
}


def schema_problems(document: Any) -> list[str]:
    """JSON Schema problems, in Chinese, naming the matter and the field path."""
    validator = _schema_validator()
    if validator is None:
        return []
    problems = []
    for error in sorted(validator.iter_errors(document), key=lambda e: list(e.absolute_path)):
        path = list(error.absolute_path)
        where = _("目录文件")
        if len(path) >= 2 and path[0] == "matters" and isinstance(path[1], int):
            matter = document["matters"][path[1]]
            code = matter.get("code", "?") if isinstance(matter, dict) else "?"
            name = matter.get("name", "") if isinstance(matter, dict) else ""
            where = _("事项 {code}「{name}」").format(code=code, name=name)
            path = path[2:]
        missing = re.match(r"'(.+?)' is a required property", error.message)
        if error.validator == "required" and missing:
            path.append(missing.group(1))
        field = ".".join(str(p) for p in path) or _("（整体）")
        word = _SCHEMA_WORDS.get(str(error.validator), _("不符合格式要求"))
        detail = "" if missing else f"（{error.message[:120]}）"
        problems.append(f"{where} {_('字段')} {field}：{word}{detail}")
    return problems


def read_catalogue_file(path: Path) -> Any:
    """Read a JSON file; a clear Chinese message when it is not readable JSON."""
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise CatalogueError([_("找不到文件：{path}").format(path=path)]) from exc
    except UnicodeDecodeError as exc:
        raise CatalogueError([_("文件不是 UTF-8 编码的文本：{path}").format(path=path)]) from exc
    except json.JSONDecodeError as exc:
        raise CatalogueError([_("文件不是有效的 JSON（第 {line} 行第 {col} 列：{msg}）").format(
            line=exc.lineno, col=exc.colno, msg=exc.msg)]) from exc


def validate_document(document: Any) -> list[Matter]:
    """Parse and validate a catalogue document; CatalogueError lists every problem."""
    problems = schema_problems(document) if isinstance(document, dict) else []
    try:
        matters = parse_catalogue(document)
    except CatalogueError as exc:
        raise CatalogueError(problems + [p for p in exc.problems if p not in problems]) from exc
    if problems:
        raise CatalogueError(problems)
    return matters


def apply_matters(session: Session, matters: list[Matter], now: Any) -> ImportResult:
    """Write matters as new current versions inside the caller's transaction."""
    added = updated = unchanged = 0
    for matter in matters:
        existing = session.scalars(select(MatterRecord).where(
            MatterRecord.code == matter.code, MatterRecord.version == matter.version)).first()
        if existing is not None:
            if existing.document != dict(matter.raw):
                raise CatalogueError([_("事项 {code}「{name}」内容有变化但版本号仍为 {v}，请提高版本号").format(
                    code=matter.code, name=matter.name, v=matter.version)])
            unchanged += 1
            continue
        newer = session.scalars(select(MatterRecord.version).where(
            MatterRecord.code == matter.code, MatterRecord.version > matter.version)).first()
        if newer is not None:
            unchanged += 1  # an older version than we hold: keep ours
            continue
        previous = session.scalars(select(MatterRecord).where(
            MatterRecord.code == matter.code, MatterRecord.current.is_(True))).all()
        for row in previous:
            row.current = False
        had_any = bool(previous)
        searchable = SearchEntry(matter.code, matter.name, keywords=matter.keywords).searchable
        session.add(MatterRecord(
            code=matter.code, version=matter.version, name=matter.name, kind=matter.kind,
            windows=list(matter.windows), active=matter.active, current=True,
            document=dict(matter.raw), imported_at=now,
            syllables=" ".join(syllables(searchable))))
        if had_any:
            updated += 1
        else:
            added += 1
    withdrawn = sum(1 for m in matters if not m.active)
    return ImportResult(added, updated, unchanged, withdrawn)


class CatalogueService:
    """Import, list and fetch matters."""

    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx
        self._cache: dict[tuple[str, int], Matter] = {}
        self._cache_lock = threading.Lock()  # the GUI, the writer and the sync thread share it

    def import_document(self, actor: Actor, document: Any, *, source: str = "") -> ImportResult:
        """Import a whole catalogue document in one transaction: all or nothing."""
        if actor is not SYSTEM_ACTOR:
            require(self.ctx, actor, Permission.IMPORT_CATALOGUE)
        matters = validate_document(document)
        bundles = bundles_of_document(document, matters, self.current_matters)
        with self.ctx.db.transaction() as session:
            result = apply_matters(session, matters, self.ctx.now())
            apply_bundles(session, bundles, self.ctx.now())
            audit(session, actor, "catalogue_imported", "catalogue", source[:40], self.ctx.now(),
                  after={"added": result.added, "updated": result.updated,
                         "unchanged": result.unchanged})
        log.info("catalogue imported: %s added, %s updated", result.added, result.updated)
        return result

    def import_file(self, actor: Actor, path: Path) -> ImportResult:
        return self.import_document(actor, read_catalogue_file(path), source=path.name)

    def load_bundled_if_empty(self) -> ImportResult | None:
        """On first start, load the bundled sample catalogue."""
        with self.ctx.db.reading() as session:
            if session.scalars(select(MatterRecord.id).limit(1)).first() is not None:
                return None
        if not BUNDLED_CATALOGUE.exists():
            log.warning("bundled catalogue missing at %s", BUNDLED_CATALOGUE)
            return None
        return self.import_file(SYSTEM_ACTOR, BUNDLED_CATALOGUE)

    def current_matters(self, *, include_withdrawn: bool = True) -> list[Matter]:
        with self.ctx.db.reading() as session:
            query = select(MatterRecord).where(MatterRecord.current.is_(True))
            if not include_withdrawn:
                query = query.where(MatterRecord.active.is_(True))
            rows = session.scalars(query.order_by(MatterRecord.code)).all()
            return [self._to_matter(row) for row in rows]

    def matter(self, code: str, version: int | None = None) -> Matter:
        """One matter: the given version, or the current one. KeyError when unknown."""
        if version is not None:
            with self._cache_lock:
                cached = self._cache.get((code, version))
            if cached is not None:
                return cached
        with self.ctx.db.reading() as session:
            query = select(MatterRecord).where(MatterRecord.code == code)
            query = (query.where(MatterRecord.version == version) if version is not None
                     else query.where(MatterRecord.current.is_(True)))
            row = session.scalars(query).first()
            if row is None:
                raise KeyError(code)
            return self._to_matter(row)

    def search_entries(self) -> list[SearchEntry]:
        """What the search index needs of the current matters, without parsing documents."""
        with self.ctx.db.reading() as session:
            rows = session.execute(select(
                MatterRecord.code, MatterRecord.name, MatterRecord.active,
                MatterRecord.document["keywords"], MatterRecord.syllables,
                MatterRecord.document["withdrawn_reason"]).where(
                MatterRecord.current.is_(True)).order_by(MatterRecord.code)).all()
        return [SearchEntry(code, name, active, tuple(keywords or ()),
                            tuple(stored.split()) if stored else None, reason or "")
                for code, name, active, keywords, stored, reason in rows]

    def forget_cached(self) -> None:
        """Drop parsed matters after the stored documents changed (e.g. a withdrawal)."""
        with self._cache_lock:
            self._cache.clear()

    def _to_matter(self, row: MatterRecord) -> Matter:
        key = (row.code, row.version)
        with self._cache_lock:
            cached = self._cache.get(key)
        if cached is None:
            cached = parse_matter(row.document, [])
            with self._cache_lock:
                self._cache[key] = cached
        return cached
