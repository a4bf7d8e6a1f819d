"""The optional machine copy of the data key in the OS keystore (Windows Credential Manager).

For PCs that run scheduled jobs (`report daily`, `sync --once`) without anyone to type a
password. Off by default: whoever can sign in to this Windows account can then open the
station's data, so it protects only as well as the Windows login does.
"""

from __future__ import annotations

import base64
import logging

from clerk_app.i18n import _
from clerk_app.store.cipher import DataKey
from clerk_app.store.database import DatabaseUnavailable
from clerk_app.store.keys import KeyFile

log = logging.getLogger(__name__)

SERVICE = "Clerk"

EXPLANATION = _(
    "本机副本：把数据密钥交给操作系统的凭据库（Windows 凭据管理器）保管，计划任务（每日台账、"
    "定时同步）无需输入密码即可打开本站数据。它只和这台电脑的 Windows 登录一样安全："
    "任何能登录这个 Windows 账户的人都能读取本站数据。默认关闭，只在无人值守的电脑上开启。")


class MachineCopyUnavailable(DatabaseUnavailable):
    """The OS keystore is missing, refused, or holds no (or a wrong) copy."""


def _entry(keys: KeyFile) -> str:
    return f"data-key-{keys.station_id}"


def store(keys: KeyFile, key: DataKey) -> None:
    """Put the key into the keystore and mark the key file (saved)."""
    import keyring
    from keyring.errors import KeyringError

    try:
        keyring.set_password(SERVICE, _entry(keys), base64.b64encode(key.raw).decode("ascii"))
    except (KeyringError, RuntimeError) as exc:
        log.warning("keystore refused the machine copy: %s", type(exc).__name__)
        raise MachineCopyUnavailable(_("本机的系统凭据库不可用，无法保存本机副本")) from exc
    keys.machine_copy = True
    keys.save()


def load(keys: KeyFile) -> DataKey:
    """The key from the keystore, checked against the key file."""
    import keyring
    from keyring.errors import KeyringError

    if not keys.machine_copy:
        raise MachineCopyUnavailable(_("本机副本未开启：请用 --user 指定账号，密码由环境变量 "
                                       "CLERK_PASSWORD 提供或在提示时输入"))
    try:
        stored = keyring.get_password(SERVICE, _entry(keys))
    except (KeyringError, RuntimeError) as exc:
        raise MachineCopyUnavailable(_("本机的系统凭据库不可用，无法读取本机副本")) from exc
    try:
        key = DataKey(base64.b64decode(stored or "", validate=True))
    except ValueError:
        key = None
    if key is None or not keys.matches(key):
        raise MachineCopyUnavailable(_("系统凭据库中没有本站的本机副本（或已失效），"
                                       "请用 --user 登录，或由管理员重新开启本机副本"))
    return key


def remove(keys: KeyFile) -> None:
    """Delete the keystore entry (if any) and mark the key file (saved)."""
    import keyring
    from keyring.errors import KeyringError, PasswordDeleteError

    try:
        keyring.delete_password(SERVICE, _entry(keys))
    except PasswordDeleteError:
        pass
    except (KeyringError, RuntimeError) as exc:
        log.warning("keystore refused to delete the machine copy: %s", type(exc).__name__)
    keys.machine_copy = False
    keys.save()
