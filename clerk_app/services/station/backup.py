"""Backups that restore (备份与恢复): daily and pre-migration copies, rotation, a second folder,
and a restore that checks the file first and keeps the current database aside until it worked."""

from __future__ import annotations

import logging
import shutil
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import inspect, text
from sqlalchemy.orm import Session

from clerk_app.config import Config
from clerk_app.i18n import _
from clerk_app.services.station.audit_trail import ChainReport, verify_session
from clerk_app.services.station.context import Actor, ServiceContext
from clerk_app.services.station.journal import audit
from clerk_app.store.backup import (
    DAILY,
    MANUAL,
    PRE_MIGRATION,
    PRE_RESTORE,
    BackupHeader,
    BackupProblem,
    BrokenBackup,
    backup_name,
    backups_folder,
    backups_of,
    checkpoint_wal,
    put_back,
    rotate,
    side_files,
    swap_in,
    taken_at,
    unseal_file,
    write_backup,
)
from clerk_app.store.cipher import DataKey
from clerk_app.store.database import SCHEMA_HEAD, Database, make_engine

log = logging.getLogger(__name__)

DAILY_EVERY = timedelta(days=1)
KEEP_PRE_RESTORE = 3
KEEP_MANUAL = 10  # "立即备份" into backups/ (a file of one's choice is never rotated)


def keep_for(config: Config, kind: str) -> int:
    return {DAILY: config.backup_keep_daily, PRE_MIGRATION: config.backup_keep_pre_migration,
            PRE_RESTORE: KEEP_PRE_RESTORE, MANUAL: KEEP_MANUAL}.get(kind, 0)


def mirror(config: Config, made: Path, kind: str) -> tuple[Path | None, str]:
    """Copy an automatic backup to the second folder (a USB stick); a missing or unwritable
    folder is a warning in words, never an error."""
    folder_text = config.backup_mirror_dir.strip()
    if not folder_text:
        return None, ""
    folder = Path(folder_text)
    if not folder.is_dir():
        return None, _("备份未能另存到第二位置（{folder}）：文件夹不存在，U盘可能未插入。"
                       "本机备份已完成。").format(folder=folder)
    target = folder / made.name
    partial = target.with_name(target.name + ".part")
    try:
        shutil.copyfile(made, partial)
        partial.replace(target)
        rotate(folder, kind, keep_for(config, kind))
    except OSError as exc:
        partial.unlink(missing_ok=True)
        log.warning("backup mirror failed: %s", type(exc).__name__)
        return None, _("备份未能另存到第二位置（{folder}）：{why}。本机备份已完成。").format(
            folder=folder, why=exc.strerror or type(exc).__name__)
    return target, ""


@dataclass(frozen=True)
class BackupResult:
    """A backup written: where, what it says about itself, and any warning in words."""

    path: Path
    header: BackupHeader
    mirrored: Path | None = None
    warning: str = ""


class BackupService:
    """Backups of the open station database (the window's timer, `backup`, before `restore`)."""

    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx

    @property
    def folder(self) -> Path:
        return backups_folder(self.ctx.db.path)

    def back_up(self, actor: Actor, kind: str = MANUAL, out: Path | None = None) -> BackupResult:
        """Write a backup (to `out`, else to backups/ with rotation and the second folder)
        and record it in the audit trail."""
        result = self.write_file(kind, out)
        self.record(actor, result)
        return result

    def write_file(self, kind: str, out: Path | None = None) -> BackupResult:
        """The backup file only (a reader's job: the copy never holds the write lock)."""
        now = self.ctx.clock()
        target = out if out is not None else self.folder / backup_name(kind, now)
        header = write_backup(self.ctx.db.path, target, self.ctx.db.key, kind,
                              now.isoformat(timespec="seconds"))
        mirrored, warning = None, ""
        if out is None:
            rotate(self.folder, kind, keep_for(self.ctx.config, kind))
            mirrored, warning = mirror(self.ctx.config, target, kind)
        log.info("backup %s written (%s)", target.name, kind)
        return BackupResult(target, header, mirrored, warning)

    def record(self, actor: Actor, result: BackupResult) -> None:
        """The audit entry of a backup written (the writer's job)."""
        with self.ctx.db.transaction() as session:
            audit(session, actor, "backup_made", "backup", result.header.kind, self.ctx.now(),
                  after={"file": result.path.name, "audit_head": result.header.audit_head,
                         "mirrored": result.mirrored is not None})

    def newest_daily(self) -> datetime | None:
        found = [t for t in map(taken_at, backups_of(self.folder, DAILY)) if t is not None]
        return max(found) if found else None

    def daily_due(self) -> bool:
        newest = self.newest_daily()
        return newest is None or self.ctx.clock() - newest >= DAILY_EVERY

    def run_daily_if_due(self, actor: Actor) -> BackupResult | None:
        """The daily backup when the newest is a day old (on start and from the window's timer)."""
        if not self.daily_due():
            return None
        return self.back_up(actor, DAILY)

    def daily_file_if_due(self) -> BackupResult | None:
        """The daily backup file when due, without its audit entry (then `record` it)."""
        return self.write_file(DAILY) if self.daily_due() else None


# -- restore ------------------------------------------------------------------------------


@dataclass(frozen=True)
class RestoreReport:
    """A restore that succeeded: the backup's header and its chain, and the pre-restore copy."""

    header: BackupHeader
    chain: ChainReport | None
    safety_copy: Path | None


def _check_copy(copy: Path, key: DataKey | None) -> ChainReport | None:
    """SQLite's integrity check (and SQLCipher's page check) and the audit chain of a copy."""
    engine = make_engine(copy, key)
    try:
        with engine.connect() as connection:
            if connection.execute(text("PRAGMA integrity_check")).scalar() != "ok":
                raise BrokenBackup(_("备份中的数据库未通过完整性检查，不能用于恢复"))
            if key is not None and connection.execute(
                    text("PRAGMA cipher_integrity_check")).first():
                raise BrokenBackup(_("备份中的数据库页校验不符，不能用于恢复"))
            columns = {c["name"] for c in inspect(connection).get_columns("audit_log")}
        if "hash" not in columns:
            return None  # made before the hash chain existed
        with Session(engine) as session:
            report = verify_session(session)
        if report.broken is not None:
            raise BrokenBackup(_("备份中的审计记录与哈希链不符（第 {id} 号记录，{at}，{action}），"
                                 "不能用于恢复").format(
                id=report.broken.id, at=f"{report.broken.at:%Y-%m-%d %H:%M:%S}",
                action=report.broken.action))
        return report
    finally:
        engine.dispose()


@dataclass(frozen=True)
class CheckedBackup:
    """A backup unsealed beside the database and found fit: ready to be swapped in."""

    source: Path
    copy: Path
    header: BackupHeader
    chain: ChainReport | None

    def discard(self) -> None:
        for leftover in (self.copy, *side_files(self.copy)):
            leftover.unlink(missing_ok=True)


def check_backup(config: Config, key: DataKey | None, backup: Path,
                 station: str = "") -> CheckedBackup:
    """Unseal `backup` beside the database and check it all (authentication, integrity,
    audit chain, station, schema); BackupProblem in words when it is unfit."""
    work = config.database_path.with_name(config.database_path.name + ".restoring")
    header = unseal_file(backup, work, key)
    checked = CheckedBackup(backup, work, header, None)
    try:
        if header.schema and header.schema > SCHEMA_HEAD:
            raise BackupProblem(_("该备份由更新版本的 Clerk 制作（数据结构 {schema}），"
                                  "请先升级本程序").format(schema=header.schema))
        if station and header.station and header.station != station:
            raise BackupProblem(_("该备份属于站点 {theirs}，本站为 {ours}，不能恢复到本站").format(
                theirs=header.station, ours=station))
        chain = _check_copy(work, key)
    except BaseException:
        checked.discard()
        raise
    for side in side_files(work):
        side.unlink(missing_ok=True)
    return CheckedBackup(backup, work, header, chain)


def swap_checked(config: Config, key: DataKey | None, checked: CheckedBackup, actor: Actor,
                 safety_copy: Path | None = None) -> RestoreReport:
    """Put a checked backup in place of the station database; every connection must be
    closed. The current database stays aside until the restored one opened (and comes back
    if it does not)."""
    database = config.database_path
    try:
        if database.exists() and not checkpoint_wal(database, key):
            log.warning("current database could not be checkpointed (damaged?)")
        aside = swap_in(database, checked.copy)
    except BaseException:
        checked.discard()
        raise
    header = checked.header
    try:
        restored = Database(database, key)
        try:
            if not restored.integrity_ok():
                raise BrokenBackup(_("恢复后的数据库未通过完整性检查，已退回原数据库"))
            with restored.transaction() as session:
                audit(session, actor, "database_restored", "backup", header.kind,
                      datetime.now().replace(microsecond=0), after={
                          "file": checked.source.name, "created_at": header.created_at,
                          "audit_head": header.audit_head})
        finally:
            restored.close()
    except BaseException:
        log.error("restore failed after the swap: the previous database is put back")
        put_back(database, aside)
        raise
    for leftover in (aside, *side_files(aside)):
        leftover.unlink(missing_ok=True)
    log.info("database restored from a %s backup of %s", header.kind, header.created_at)
    return RestoreReport(header, checked.chain, safety_copy)


def restore_database(config: Config, key: DataKey | None, backup: Path, actor: Actor,
                     station: str = "", safety_copy: Path | None = None) -> RestoreReport:
    """Check `backup`, then swap it in (`check_backup` + `swap_checked`)."""
    return swap_checked(config, key, check_backup(config, key, backup, station), actor,
                        safety_copy)


def prepare_restore(ctx: ServiceContext, actor: Actor) -> Path | None:
    """Before a swap: a backup of the database as it is now (best effort: a damaged database
    may not copy)."""
    try:
        return BackupService(ctx).back_up(actor, PRE_RESTORE).path
    except Exception as exc:  # noqa: BLE001 - the restore is what repairs a broken database
        log.warning("no pre-restore backup: %s", type(exc).__name__)
        return None
