"""Page files in the data directory, named by the SHA-256 of their normalized bytes.

`pages/ab/cdef…` holds one page; with a data key it is sealed (AES-GCM, purpose
"attachments", the hash as associated data), without one (a plain legacy or test database) it
is the bytes themselves. Reading always checks the hash, so a damaged file is never served.
"""

from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path

from clerk_app.i18n import _
from clerk_app.store.cipher import MAGIC, DataKey, SealBroken

PURPOSE = "attachments"
SHA256_RE = re.compile(r"^[0-9a-f]{64}$")


class PageDamaged(OSError):
    """A stored page is missing or does not hash to its name."""


class PageFiles:
    """The folder of page files (content-addressed, written once, removed when unreferenced)."""

    def __init__(self, root: Path, key: DataKey | None) -> None:
        self.root = root
        self.key = key

    def path(self, sha256: str) -> Path:
        if not SHA256_RE.match(sha256):
            raise ValueError("not a SHA-256 hex digest")
        return self.root / sha256[:2] / sha256[2:]

    def write(self, sha256: str, data: bytes) -> None:
        """Store the bytes under their hash (atomic: temp file, fsync, rename); idempotent."""
        target = self.path(sha256)
        if target.exists():
            return
        target.parent.mkdir(parents=True, exist_ok=True)
        blob = self.key.seal(PURPOSE, data, sha256.encode()) if self.key is not None else data
        temp = target.with_name(target.name + f".{os.getpid()}.tmp")
        with temp.open("wb") as handle:
            handle.write(blob)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, target)

    def read(self, sha256: str) -> bytes:
        """The page's normalized bytes; PageDamaged when missing, altered or not ours."""
        try:
            blob = self.path(sha256).read_bytes()
        except OSError as exc:
            raise PageDamaged(_("材料页面文件缺失（{h}…），请重新添加该页").format(
                h=sha256[:8])) from exc
        data = blob
        if blob.startswith(MAGIC):
            if self.key is None:
                raise PageDamaged(_("材料页面已加密，但本机数据库未加密，无法读取"))
            try:
                data = self.key.unseal(PURPOSE, blob, sha256.encode())
            except SealBroken as exc:
                raise PageDamaged(str(exc)) from exc
        if hashlib.sha256(data).hexdigest() != sha256:
            raise PageDamaged(_("材料页面文件已损坏（{h}…），请重新添加该页").format(h=sha256[:8]))
        return data

    def remove(self, sha256: str) -> None:
        self.path(sha256).unlink(missing_ok=True)

    def exists(self, sha256: str) -> bool:
        return self.path(sha256).exists()
