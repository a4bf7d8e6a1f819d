"""The key file beside the database: the data key wrapped per account and under a recovery code.

`clerk.keys` (JSON, written atomically) holds the station's random data key wrapped once per
account with a key derived from that account's password (argon2id, a salt per copy) and once
under the recovery code printed at setup, each with AES-256-GCM. It is all sign-in needs: the
accounts table is inside the encrypted database and cannot be read before a copy is opened.
Accounts are named by a salted hash, so the file does not list the staff's user names.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import hmac
import json
import os
import secrets
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from clerk_app.i18n import _
from clerk_app.store import kek_ahead
from clerk_app.store.cipher import KEY_BYTES, NONCE_BYTES, DataKey
from clerk_app.store.db_file import DatabaseUnavailable, KeyRejected

KEY_FILE_NAME = "clerk.keys"
FORMAT = "clerk-keys/1"
SALT_BYTES = 16
# No 0/O, 1/I/L or U: read aloud over the phone and typed back without doubt.
RECOVERY_ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"
RECOVERY_GROUPS, RECOVERY_GROUP_LEN = 6, 5  # 30 characters, about 147 bits
LOCK_WAIT_S = 30  # an argon2 wrap takes ~0.2 s; a held lock beyond this is a stuck program


@dataclass(frozen=True)
class KdfCost:
    """argon2id cost of turning a password into a key-wrapping key (RFC 9106, low memory)."""

    time_cost: int = 3
    memory_kib: int = 64 * 1024
    parallelism: int = 4


# Stored with every copy, so raising it later keeps old copies readable.
DEFAULT_COST = KdfCost()


class KeyFileDamaged(DatabaseUnavailable):
    """The key file cannot be read (altered, truncated, or not a key file)."""

    def __init__(self, path: Path) -> None:
        super().__init__(_(
            "密钥文件（{path}）已损坏或被改动，无法登录。请不要删除数据目录中的任何文件，"
            "联系技术支持，用恢复码或备份恢复。").format(path=path))


class NoKeyCopy(KeyRejected):
    """The account exists nowhere in the key file (unknown, disabled, or never given a copy)."""

    def __init__(self) -> None:
        super().__init__(_(
            "用户名或密码不正确；若该账号是新建、重新启用或本版本加密前的账号，"
            "请管理员在「账号管理」中为其重置密码后再登录"))


class KeyFileBusy(DatabaseUnavailable):
    """Another program has held the key file's lock for too long."""

    def __init__(self) -> None:
        super().__init__(_("另一个程序正在修改密钥文件（如另一窗口或命令正在改密码），请稍后再试"))


def key_file_path(database_path: Path) -> Path:
    """The key file lives beside the database."""
    return database_path.with_name(KEY_FILE_NAME)


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.b64decode(text.encode("ascii"), validate=True)


def _argon2id(secret: bytes, salt: bytes, cost: KdfCost) -> bytes:
    from argon2.low_level import Type, hash_secret_raw  # here: the login dialog loads this file

    return hash_secret_raw(secret, salt, cost.time_cost, cost.memory_kib, cost.parallelism,
                           KEY_BYTES, Type.ID)


def derive_kek(secret: bytes, salt: bytes, cost: KdfCost) -> bytes:
    """The key-wrapping key: argon2id(secret, salt) with the copy's own cost (taken from
    kek_ahead when the login dialog derived it while the clerk typed)."""
    return kek_ahead.take(secret, salt, cost) or _argon2id(secret, salt, cost)


@dataclass(frozen=True)
class WrappedCopy:
    """One copy of the data key, wrapped under a key derived from a secret."""

    salt: bytes
    nonce: bytes
    wrapped: bytes
    cost: KdfCost

    @classmethod
    def wrap(cls, secret: bytes, key: DataKey, aad: bytes, cost: KdfCost) -> WrappedCopy:
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM

        salt, nonce = os.urandom(SALT_BYTES), os.urandom(NONCE_BYTES)
        kek = derive_kek(secret, salt, cost)
        return cls(salt, nonce, AESGCM(kek).encrypt(nonce, key.raw, aad), cost)

    def unwrap(self, secret: bytes, aad: bytes) -> DataKey:
        from cryptography.exceptions import InvalidTag
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM

        kek = derive_kek(secret, self.salt, self.cost)
        try:
            return DataKey(AESGCM(kek).decrypt(self.nonce, self.wrapped, aad))
        except InvalidTag:
            raise KeyRejected() from None

    def to_json(self) -> dict[str, Any]:
        return {"kdf": "argon2id", "t": self.cost.time_cost, "m": self.cost.memory_kib,
                "p": self.cost.parallelism, "salt": _b64(self.salt), "nonce": _b64(self.nonce),
                "wrapped": _b64(self.wrapped)}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> WrappedCopy:
        if data.get("kdf") != "argon2id":
            raise ValueError("unknown kdf")
        return cls(_unb64(data["salt"]), _unb64(data["nonce"]), _unb64(data["wrapped"]),
                   KdfCost(int(data["t"]), int(data["m"]), int(data["p"])))


def new_recovery_code() -> str:
    """A fresh recovery code, grouped for reading aloud: XXXXX-XXXXX-XXXXX-XXXXX-XXXXX-XXXXX."""
    chars = "".join(secrets.choice(RECOVERY_ALPHABET)
                    for _ in range(RECOVERY_GROUPS * RECOVERY_GROUP_LEN))
    return "-".join(chars[i:i + RECOVERY_GROUP_LEN]
                    for i in range(0, len(chars), RECOVERY_GROUP_LEN))


def normalize_recovery_code(text: str) -> str:
    """The code as typed (any case, spaces or dashes) in its canonical form; ValueError
    with a Chinese message when it cannot be one."""
    chars = "".join(ch for ch in text.upper() if ch not in " -\t\r\n")
    if len(chars) != RECOVERY_GROUPS * RECOVERY_GROUP_LEN:
        raise ValueError(_("恢复码应为 {n} 个字符（{g} 组，每组 {k} 个）").format(
            n=RECOVERY_GROUPS * RECOVERY_GROUP_LEN, g=RECOVERY_GROUPS, k=RECOVERY_GROUP_LEN))
    wrong = sorted({ch for ch in chars if ch not in RECOVERY_ALPHABET})
    if wrong:
        raise ValueError(_("恢复码中没有这些字符：{chars}（恢复码不含 0、O、1、I、L、U）").format(
            chars=" ".join(wrong)))
    return "-".join(chars[i:i + RECOVERY_GROUP_LEN]
                    for i in range(0, len(chars), RECOVERY_GROUP_LEN))


def write_atomically(path: Path, data: bytes) -> None:
    """Temp file, fsync, os.replace, fsync of the folder: the old or the new file, never half."""
    tmp = path.with_name(path.name + ".tmp")
    with tmp.open("wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)
    if hasattr(os, "O_DIRECTORY"):
        fd = os.open(path.parent, os.O_RDONLY | os.O_DIRECTORY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


@dataclass
class KeyFile:
    """The wrapped copies of one station's data key (see the module docstring)."""

    path: Path
    station_id: str
    salt: bytes
    check: str
    accounts: dict[str, WrappedCopy] = field(default_factory=dict)
    recovery: WrappedCopy | None = None
    machine_copy: bool = False

    # -- file ---------------------------------------------------------------------------------

    @classmethod
    def create(cls, path: Path, key: DataKey) -> KeyFile:
        """A new key file for `key` (not yet saved)."""
        return cls(path, secrets.token_hex(8), os.urandom(SALT_BYTES), key_check(key))

    @classmethod
    def load(cls, path: Path) -> KeyFile:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            if data.get("format") != FORMAT:
                raise ValueError("not a key file")
            recovery = data.get("recovery")
            return cls(path, str(data["station_id"]), _unb64(data["salt"]), str(data["check"]),
                       {str(k): WrappedCopy.from_json(v) for k, v in data["accounts"].items()},
                       WrappedCopy.from_json(recovery) if recovery else None,
                       bool(data.get("machine_copy", False)))
        except FileNotFoundError:
            raise
        except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
            raise KeyFileDamaged(path) from exc

    @classmethod
    def load_or_create(cls, path: Path, key: DataKey) -> KeyFile:
        try:
            keys = cls.load(path)
        except FileNotFoundError:
            return cls.create(path, key)
        if not keys.matches(key):
            raise KeyFileDamaged(path)
        return keys

    @classmethod
    @contextlib.contextmanager
    def editing(cls, path: Path, key: DataKey | None = None) -> Iterator[KeyFile]:
        """Load the key file, let the caller change it, save it: all under an exclusive lock
        held across processes (the window and a command changing passwords at once would
        otherwise each write back a file without the other's copy). With `key`, a missing
        file is created for it."""
        from filelock import FileLock, Timeout

        try:
            with FileLock(str(path) + ".lock", timeout=LOCK_WAIT_S):
                keys = cls.load_or_create(path, key) if key is not None else cls.load(path)
                yield keys
                keys.save()
        except Timeout as exc:
            raise KeyFileBusy() from exc

    def save(self) -> None:
        data = {"format": FORMAT, "station_id": self.station_id, "salt": _b64(self.salt),
                "check": self.check, "machine_copy": self.machine_copy,
                "accounts": {k: v.to_json() for k, v in sorted(self.accounts.items())},
                "recovery": self.recovery.to_json() if self.recovery else None}
        self.path.parent.mkdir(parents=True, exist_ok=True)
        write_atomically(self.path, json.dumps(data, indent=1).encode("utf-8"))

    def matches(self, key: DataKey) -> bool:
        """Whether `key` is this station's key (for copies that carry no tag of their own)."""
        return hmac.compare_digest(self.check, key_check(key))

    # -- account copies -----------------------------------------------------------------------

    def account_id(self, username: str) -> str:
        return hashlib.sha256(b"clerk-keys/user\0" + self.salt
                              + username.strip().encode("utf-8")).hexdigest()[:32]

    def _aad(self, kind: str, ident: str = "") -> bytes:
        return f"{FORMAT}\0{self.station_id}\0{kind}\0{ident}".encode()

    def has_account(self, username: str) -> bool:
        return self.account_id(username) in self.accounts

    def put_account(self, username: str, password: str, key: DataKey,
                    cost: KdfCost | None = None) -> None:
        """Wrap `key` for the account (a new copy, or a re-wrap after a password change)."""
        ident = self.account_id(username)
        self.accounts[ident] = WrappedCopy.wrap(password.encode("utf-8"), key,
                                                self._aad("account", ident), cost or DEFAULT_COST)

    def remove_account(self, username: str) -> bool:
        return self.accounts.pop(self.account_id(username), None) is not None

    def unlock(self, username: str, password: str) -> DataKey:
        """The data key from the account's copy; NoKeyCopy / KeyRejected otherwise."""
        ident = self.account_id(username)
        copy = self.accounts.get(ident)
        if copy is None:
            raise NoKeyCopy()
        return copy.unwrap(password.encode("utf-8"), self._aad("account", ident))

    def derive_ahead(self, username: str, password: str) -> None:
        """Derive the key-wrapping key `unlock(username, password)` will need (kek_ahead);
        nothing for an unknown account."""
        copy = self.accounts.get(self.account_id(username))
        if copy is not None:
            kek_ahead.derive_ahead(_argon2id, password.encode("utf-8"), copy.salt, copy.cost)

    # -- recovery copy ------------------------------------------------------------------------

    def new_recovery(self, key: DataKey, cost: KdfCost | None = None) -> str:
        """Replace the recovery copy; returns the new code (shown once, never stored)."""
        code = new_recovery_code()
        self.recovery = WrappedCopy.wrap(code.encode("ascii"), key, self._aad("recovery"),
                                         cost or DEFAULT_COST)
        return code

    def unlock_with_recovery(self, code: str) -> DataKey:
        if self.recovery is None:
            raise KeyRejected(_("本站没有恢复码副本"))
        try:
            canonical = normalize_recovery_code(code)
        except ValueError as exc:
            raise KeyRejected(str(exc)) from None
        try:
            return self.recovery.unwrap(canonical.encode("ascii"), self._aad("recovery"))
        except KeyRejected:
            raise KeyRejected(_("恢复码不正确")) from None


def key_check(key: DataKey) -> str:
    """A short tag that tells whether a key is the station's key, revealing nothing of it."""
    return hmac.new(key.raw, b"clerk-keys/check", hashlib.sha256).hexdigest()[:32]


def remove_quietly(path: Path) -> None:
    with contextlib.suppress(FileNotFoundError):
        path.unlink()
