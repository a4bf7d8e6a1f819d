"""The station's data key and authenticated encryption of blobs at rest (AES-256-GCM).

One random 256-bit data key opens the SQLCipher database; every other thing kept at rest
(attachment pages, backups) is sealed with a sub-key derived from it for its purpose (HKDF),
so a page key can never open a backup and neither is the database key itself.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from clerk_app.i18n import _

# cryptography is imported where it is used: the login dialog reads the key file before it
# is needed (clerk_app/ui/station/warm_up.py)

KEY_BYTES = 32
NONCE_BYTES = 12
MAGIC = b"CLK1"


class SealBroken(ValueError):
    """A sealed blob failed authentication: wrong key, altered or truncated."""


@dataclass(frozen=True)
class DataKey:
    """The station's random data key (never written anywhere unwrapped)."""

    raw: bytes

    def __post_init__(self) -> None:
        if len(self.raw) != KEY_BYTES:
            raise ValueError("a data key has 32 bytes")

    def __repr__(self) -> str:  # never print key bytes into a log or a traceback
        return "DataKey(…)"

    @classmethod
    def generate(cls) -> DataKey:
        return cls(os.urandom(KEY_BYTES))

    def sqlcipher_pragma(self) -> str:
        """The raw-key form SQLCipher takes (no passphrase key derivation per connection)."""
        return f"PRAGMA key = \"x'{self.raw.hex()}'\""

    def subkey(self, purpose: str) -> bytes:
        """A 256-bit key for one purpose ("attachments", "backup", …), derived with HKDF."""
        from cryptography.hazmat.primitives import hashes
        from cryptography.hazmat.primitives.kdf.hkdf import HKDF

        return HKDF(algorithm=hashes.SHA256(), length=KEY_BYTES, salt=None,
                    info=b"clerk/" + purpose.encode()).derive(self.raw)

    def seal(self, purpose: str, plaintext: bytes, aad: bytes = b"") -> bytes:
        """MAGIC + nonce + AES-GCM ciphertext and tag of `plaintext` under the purpose's key."""
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM

        nonce = os.urandom(NONCE_BYTES)
        return MAGIC + nonce + AESGCM(self.subkey(purpose)).encrypt(nonce, plaintext, aad)

    def unseal(self, purpose: str, blob: bytes, aad: bytes = b"") -> bytes:
        """The plaintext of a sealed blob; SealBroken when it was altered or is not ours."""
        from cryptography.exceptions import InvalidTag
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM

        if len(blob) < len(MAGIC) + NONCE_BYTES + 16 or not blob.startswith(MAGIC):
            raise SealBroken(_("加密文件已损坏或不属于本站"))
        nonce = blob[len(MAGIC):len(MAGIC) + NONCE_BYTES]
        try:
            return AESGCM(self.subkey(purpose)).decrypt(
                nonce, blob[len(MAGIC) + NONCE_BYTES:], aad)
        except InvalidTag as exc:
            raise SealBroken(_("加密文件已损坏、被改动或密钥不符")) from exc
