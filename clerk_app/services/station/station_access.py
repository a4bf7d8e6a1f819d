"""Opening the station: first setup, sign-in that unwraps the data key, recovery, conversion.

The window (clerk_app/ui/run.py) and the command line (clerk_app/commands/__init__.py) both
start here, so they open the database the same way:
- no key file and no database: `set_up` makes the data key, the key file (the administrator's
  copy and the recovery copy) and the encrypted database;
- a key file: `sign_in` unwraps the account's copy (argon2id, ~0.2 s) and opens the database;
- a plain database of an earlier version: an administrator's `sign_in` against it converts it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

from clerk_app.app import Services, open_services
from clerk_app.config import Config
from clerk_app.i18n import _
from clerk_app.services.station.context import Actor
from clerk_app.services.station.permissions import Role
from clerk_app.services.station.settings import CentreSettings, save_settings, validate_settings
from clerk_app.services.station.station_state import (
    StationState,
    keys_path,
    station_state,
    unlock,
)
from clerk_app.services.supervision.accounts import AccountError
from clerk_app.store import machine_key
from clerk_app.store.cipher import DataKey
from clerk_app.store.conversion import Progress, convert_to_encrypted, plain_side_files
from clerk_app.store.database import (
    DatabaseDamaged,
    DatabaseUnavailable,
    KeyRejected,
    is_plain_sqlite,
)
from clerk_app.store.keys import KeyFile

log = logging.getLogger(__name__)


@dataclass
class Opened:
    """The services on the unlocked database and who signed in."""

    services: Services
    actor: Actor
    recovery_code: str | None = None  # shown once, after setup or conversion
    needs_reset: list[str] = field(default_factory=list)  # accounts without a key copy
    settings: CentreSettings | None = None  # read by the sign-in task for the window


class DatabaseMissing(DatabaseUnavailable):
    """The key file is there but the database file is not (deleted, or a folder half copied)."""

    def __init__(self, path: Path) -> None:
        super().__init__(_(
            "找不到本站数据库文件（{path}），密钥文件还在。请不要在此新建站点：把数据目录从备份"
            "完整复制回来，或由管理员用备份恢复：python main.py restore 备份文件。").format(path=path))


def _open(config: Config, key: DataKey, *, log_to_file: bool, load_sample: bool = True,
          progress: Progress | None = None, new: bool = False) -> Services:
    """Open the services with a key known to be the station's (it came out of a GCM-checked
    copy): a plain database here is a conversion cut short, finished now; a file the key
    does not open was damaged or swapped; no file at all is said so (only setup makes one)."""
    path = config.database_path
    if not new and not path.exists():
        raise DatabaseMissing(path)
    if path.exists() and path.stat().st_size > 0 and is_plain_sqlite(path):
        convert_to_encrypted(path, key, progress)
    try:
        return open_services(config, key=key, log_to_file=log_to_file, load_sample=load_sample)
    except KeyRejected:
        raise DatabaseDamaged(path) from None


def set_up(config: Config, settings: CentreSettings, username: str, display_name: str,
           password: str, *, log_to_file: bool = True,
           progress: Progress | None = None) -> Opened:
    """First start: data key, key file (administrator and recovery copies), encrypted
    database with the settings and the first administrator."""
    problems = validate_settings(settings)
    if problems:
        raise ValueError("\n".join(problems))
    if station_state(config) is not StationState.NEW:
        raise AccountError(_("本站已设置，请直接登录"))
    path = config.database_path
    if path.exists() and not is_plain_sqlite(path):
        # an encrypted file under the key of a setup cut short: it holds no one's data yet
        for leftover in (path, *plain_side_files(path)):
            leftover.unlink(missing_ok=True)
    key = DataKey.generate()
    keys = KeyFile.create(keys_path(config), key)
    code = keys.new_recovery(key)
    keys.save()  # before the database exists: nothing is ever encrypted under a lost key
    try:
        services = _open(config, key, log_to_file=log_to_file, progress=progress, new=True)
    except Exception:
        if not config.database_path.exists():
            keys_path(config).unlink(missing_ok=True)
        raise
    try:
        admin = services.accounts.create_first_admin(username, display_name, password)
        save_settings(services.ctx, admin, settings, first_setup=True)
    except Exception:
        services.close()
        raise
    return Opened(services, admin, recovery_code=code)


def sign_in(config: Config, username: str, password: str, *, log_to_file: bool = True,
            load_sample: bool = True, progress: Progress | None = None,
            key: DataKey | None = None) -> Opened:
    """Unwrap the account's copy, open the database, sign in (lockout and audit as before).
    On a plain database of an earlier version an administrator's sign-in converts it.
    `key`: the data key this password already unwrapped (`unlock`, done on a worker at start
    while the window's modules load) — not unwrapped a second time."""
    state = station_state(config)
    if state is StationState.NEW:
        raise AccountError(_("本站尚未设置，请先完成首次设置"))
    if state is StationState.PLAIN:
        return _convert_plain(config, username, password, log_to_file=log_to_file,
                              progress=progress)
    if key is None:
        key = unlock(config, username, password)
    code = None
    if is_plain_sqlite(config.database_path):
        # a conversion was cut short: its recovery code was never shown, so make a new one
        with KeyFile.editing(keys_path(config)) as keys:
            code = keys.new_recovery(key)
    services = _open(config, key, log_to_file=log_to_file, load_sample=load_sample,
                     progress=progress)
    try:
        # the key copy just unwrapped with this password proves it: no second argon2 check
        actor = services.accounts.sign_in(username, password, password_proven=True)
    except Exception:
        services.close()
        raise
    needs_reset = services.accounts.accounts_without_key_copy() if code else []
    return Opened(services, actor, recovery_code=code, needs_reset=needs_reset)


def open_with_key(config: Config, key: DataKey, *, log_to_file: bool = True,
                  load_sample: bool = True) -> Services:
    """Open with a key from the machine copy (scheduled jobs)."""
    return _open(config, key, log_to_file=log_to_file, load_sample=load_sample)


def machine_key_of(config: Config) -> DataKey:
    """The key from the OS keystore when the machine copy is on (MachineCopyUnavailable)."""
    return machine_key.load(KeyFile.load(keys_path(config)))


def recover(config: Config, code: str, username: str, new_password: str, *,
            log_to_file: bool = True) -> Opened:
    """The recovery code opens the data; the named administrator gets a new password (and
    with it a new key copy) and is signed in."""
    key = KeyFile.load(keys_path(config)).unlock_with_recovery(code)
    services = _open(config, key, log_to_file=log_to_file)
    try:
        actor = services.accounts.recover_admin(username, new_password)
    except Exception:
        services.close()
        raise
    return Opened(services, actor, needs_reset=services.accounts.accounts_without_key_copy())


def recovery_admins(config: Config, code: str) -> list[str]:
    """The administrators the recovery code may give a new password (checks the code)."""
    key = KeyFile.load(keys_path(config)).unlock_with_recovery(code)
    services = _open(config, key, log_to_file=False, load_sample=False)
    try:
        return services.accounts.admins()
    finally:
        services.close()


def _convert_plain(config: Config, username: str, password: str, *, log_to_file: bool,
                   progress: Progress | None) -> Opened:
    """An administrator signs in against the plain database, then it is encrypted; the
    administrator gets the first key copy and a recovery code, the others need a reset (or
    a sign-in on this open session, e.g. by switching user) before their next start."""
    plain = open_services(config, key=None, log_to_file=log_to_file, load_sample=False)
    try:
        actor = plain.accounts.sign_in(username, password)
        if actor.role != Role.ADMIN.value:
            raise AccountError(_("本版本起本站数据加密保存。首次启动须由管理员登录一次，"
                                 "完成数据加密后其他账号才能登录"))
    finally:
        plain.close()
    key = DataKey.generate()
    keys = KeyFile.create(keys_path(config), key)
    code = keys.new_recovery(key)
    keys.put_account(actor.username, password, key)
    keys.save()  # from here a kill leaves a plain database and a key file: sign-in resumes
    log.info("converting the station database to SQLCipher")
    services = _open(config, key, log_to_file=log_to_file, progress=progress)
    return Opened(services, actor, recovery_code=code,
                  needs_reset=services.accounts.accounts_without_key_copy())
