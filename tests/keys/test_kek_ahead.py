"""A key-wrapping key derived ahead (while the clerk types) is used once, for exactly its
inputs; a sign-in waits for one being derived; `forget` drops it."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest

from clerk_app.store import kek_ahead
from clerk_app.store.keys import KdfCost, derive_kek

COST = KdfCost(time_cost=1, memory_kib=8, parallelism=1)
SALT = b"s" * 16


@pytest.fixture(autouse=True)
def nothing_ahead() -> Iterator[None]:
    kek_ahead.forget()
    yield
    kek_ahead.forget()


class Counting:
    """A derivation that records its calls and can be held until released."""

    def __init__(self, hold: bool = False) -> None:
        self.calls: list[bytes] = []
        self.started = threading.Event()
        self.release = threading.Event()
        if not hold:
            self.release.set()

    def __call__(self, secret: bytes, salt: bytes, cost: KdfCost) -> bytes:
        self.calls.append(secret)
        self.started.set()
        assert self.release.wait(10)
        return b"K" + secret


def test_taken_once_and_only_for_its_own_secret_salt_and_cost() -> None:
    derive = Counting()
    kek_ahead.derive_ahead(derive, b"pass2026", SALT, COST)
    assert kek_ahead.take(b"pass2026x", SALT, COST) is None  # another secret
    assert kek_ahead.take(b"pass2026", b"t" * 16, COST) is None  # another salt
    assert kek_ahead.take(b"pass2026", SALT, KdfCost(time_cost=2, memory_kib=8,
                                                     parallelism=1)) is None
    assert kek_ahead.take(b"pass2026", SALT, COST) == b"Kpass2026"
    assert kek_ahead.take(b"pass2026", SALT, COST) is None  # handed out once
    kek_ahead.derive_ahead(derive, b"pass2026", SALT, COST)
    kek_ahead.derive_ahead(derive, b"pass2026", SALT, COST)  # already there: not again
    assert derive.calls == [b"pass2026", b"pass2026"]


def test_derive_kek_uses_the_key_derived_ahead_and_equals_argon2id() -> None:
    from clerk_app.store.keys import _argon2id

    expected = _argon2id(b"pass2026", SALT, COST)
    kek_ahead.derive_ahead(_argon2id, b"pass2026", SALT, COST)
    assert derive_kek(b"pass2026", SALT, COST) == expected
    assert derive_kek(b"other2026", SALT, COST) == _argon2id(b"other2026", SALT, COST)


def deriving(derive: Counting, secret: bytes) -> threading.Thread:
    """A derivation ahead of `secret` under way on its own thread (held by `derive`)."""
    ahead = threading.Thread(target=kek_ahead.derive_ahead, args=(derive, secret, SALT, COST))
    ahead.start()
    assert derive.started.wait(10)
    return ahead


def test_a_sign_in_waits_for_the_key_being_derived() -> None:
    derive = Counting(hold=True)
    ahead = deriving(derive, b"pass2026")
    taken: list[bytes | None] = []
    waiting = threading.Thread(target=lambda: taken.append(
        kek_ahead.take(b"pass2026", SALT, COST)))
    waiting.start()
    waiting.join(0.2)
    assert waiting.is_alive() and not taken  # waits rather than deriving again
    derive.release.set()
    waiting.join(10)
    ahead.join(10)
    assert taken == [b"Kpass2026"] and derive.calls == [b"pass2026"]


def test_a_different_secret_does_not_wait_and_forget_drops_a_derivation_under_way() -> None:
    derive = Counting(hold=True)
    ahead = deriving(derive, b"pass202")
    assert kek_ahead.take(b"pass2026", SALT, COST) is None  # a prefix under way: no wait
    kek_ahead.forget()
    derive.release.set()
    ahead.join(10)
    assert kek_ahead.take(b"pass202", SALT, COST) is None  # dropped, not kept afterwards
