"""Shared fixtures: a fresh station database with a configured centre and accounts."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from clerk_app.app import Services, open_services  # noqa: E402
from clerk_app.config import Config  # noqa: E402
from clerk_app.services.station.context import SYSTEM_ACTOR, Actor  # noqa: E402
from clerk_app.services.station.permissions import Role  # noqa: E402
from clerk_app.services.station.settings import CentreSettings, save_settings  # noqa: E402
from clerk_app.store import keys as key_store  # noqa: E402
from clerk_app.store.cipher import DataKey  # noqa: E402

pytest_plugins = ["tests.platform.fixtures"]

TEST_PASSWORD = "counter2026"
# The argon2id cost is a parameter stored with each key copy; the shared fixtures use a small
# one (5 ms instead of ~0.2 s per copy) so hundreds of tests stay quick. tests/integration/
# test_at_rest.py and the CLI subprocess tests use the production cost.
TEST_KDF_COST = key_store.KdfCost(time_cost=1, memory_kib=8 * 1024, parallelism=1)


@pytest.fixture
def cheap_kdf(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(key_store, "DEFAULT_COST", TEST_KDF_COST)


def station_key(data_dir: Path) -> DataKey:
    """A data key and its key file for a new station in `data_dir` (copies are added as the
    accounts are created), as the setup does."""
    key = DataKey.generate()
    keys = key_store.KeyFile.create(key_store.key_file_path(Config(data_dir=data_dir)
                                                            .database_path), key)
    keys.new_recovery(key)
    keys.save()
    return key


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"


@pytest.fixture
def services(data_dir: Path, cheap_kdf: None) -> Iterator[Services]:
    """Services on a new SQLCipher-encrypted file (key file beside it, as users run it) with
    the bundled catalogue and a configured station."""
    svc = open_services(Config(data_dir=data_dir), key=station_key(data_dir), log_to_file=False)
    save_settings(svc.ctx, SYSTEM_ACTOR, CentreSettings(
        centre_name="青石镇便民服务中心", region_code="510104", station_code="001",
        address="青石镇人民路18号", phone="028-84561234", notice_serial_prefix="青便受",
        qr_base_url="https://zwfw.example.gov.cn/q/"), first_setup=True)
    yield svc
    svc.close()


@pytest.fixture
def admin(services: Services) -> Actor:
    return services.accounts.create_first_admin("admin", "王管理", TEST_PASSWORD)


@pytest.fixture
def clerk(services: Services, admin: Actor) -> Actor:
    return services.accounts.create(admin, "zhangli", "张丽", TEST_PASSWORD, Role.CLERK, "民生事务")


@pytest.fixture
def supervisor(services: Services, admin: Actor) -> Actor:
    return services.accounts.create(admin, "liuzr", "刘主任", TEST_PASSWORD, Role.SUPERVISOR, "")
