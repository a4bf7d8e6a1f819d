"""Two processes changing the key file at once (the window resetting a password while a
command changes another): each change is made under the file lock, so none is lost."""

from __future__ import annotations

import multiprocessing
from pathlib import Path

from clerk_app.store import keys as key_store
from clerk_app.store.cipher import DataKey

COST = key_store.KdfCost(time_cost=1, memory_kib=8 * 1024, parallelism=1)
ROUNDS = 25


def _add_accounts(path: str, raw: bytes, prefix: str, start: multiprocessing.synchronize.Event
                  ) -> None:
    key = DataKey(raw)
    start.wait(10)
    for n in range(ROUNDS):
        with key_store.KeyFile.editing(Path(path)) as keys:
            keys.put_account(f"{prefix}{n}", f"pw-{prefix}{n}", key, COST)


def test_two_processes_lose_no_key_copy(tmp_path: Path) -> None:
    key = DataKey.generate()
    path = tmp_path / key_store.KEY_FILE_NAME
    key_store.KeyFile.create(path, key).save()
    spawn = multiprocessing.get_context("spawn")
    start = spawn.Event()
    workers = [spawn.Process(target=_add_accounts, args=(str(path), key.raw, prefix, start))
               for prefix in ("window", "command")]
    for worker in workers:
        worker.start()
    start.set()
    for worker in workers:
        worker.join(120)
        assert worker.exitcode == 0
    keys = key_store.KeyFile.load(path)
    assert len(keys.accounts) == 2 * ROUNDS
    for prefix in ("window", "command"):
        assert keys.unlock(f"{prefix}{ROUNDS - 1}", f"pw-{prefix}{ROUNDS - 1}") == key


def test_a_lock_held_too_long_is_said_in_words(tmp_path: Path) -> None:
    from filelock import FileLock

    key = DataKey.generate()
    path = tmp_path / key_store.KEY_FILE_NAME
    key_store.KeyFile.create(path, key).save()
    before = path.read_bytes()
    # this process is "another program" holding the lock
    with FileLock(str(path) + ".lock"), multiprocessing.get_context("spawn").Pool(1) as pool:
        assert pool.apply(_try_edit, (str(path),)) is None
    assert path.read_bytes() == before  # the refused edit changed nothing


def _try_edit(path: str) -> str | None:
    key_store.LOCK_WAIT_S = 0.2
    try:
        with key_store.KeyFile.editing(Path(path)) as keys:
            keys.machine_copy = True
    except key_store.KeyFileBusy as busy:
        assert "另一个程序正在修改密钥文件" in str(busy)
        return None
    return "edited while another program held the lock"
