"""Typed settings, declared once: a JSON settings file in the data directory plus env overrides.

The data directory comes from platformdirs (per user), `--data-dir` or `CLERK_DATA_DIR`.
Centre-wide settings that travel with the data (centre name, station code, …) live in the
database (`services.settings`); this file holds only what a machine needs before it opens it.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

import platformdirs

APP_NAME = "Clerk"
APP_AUTHOR = "Clerk"


def default_data_dir() -> Path:
    env = os.environ.get("CLERK_DATA_DIR")
    if env:
        return Path(env)
    return Path(platformdirs.user_data_dir(APP_NAME, APP_AUTHOR))


@dataclass
class Config:
    """Machine-level settings (本机设置)."""

    data_dir: Path = field(default_factory=default_data_dir)
    platform_url: str = ""  # 一体化政务服务平台 address; CLERK_PLATFORM_URL overrides
    ca_bundle: str = ""  # custom CA bundle for TLS verification ("" = system store)
    platform_pins: str = ""  # optional SPKI SHA-256 pins of the platform (base64, comma-separated)
    connect_timeout_s: float = 10.0
    read_timeout_s: float = 30.0
    sync_interval_s: int = 180
    idle_lock_minutes: int = 10
    log_level: str = "INFO"
    backup_mirror_dir: str = ""  # a second folder for automatic backups (e.g. a USB stick)
    backup_keep_daily: int = 7
    backup_keep_pre_migration: int = 5
    free_space_warning_mb: int = 500  # warn on start and hourly below this much free space

    @property
    def database_path(self) -> Path:
        return self.data_dir / "clerk.sqlite"

    @property
    def log_dir(self) -> Path:
        return self.data_dir / "logs"

    @property
    def settings_path(self) -> Path:
        return self.data_dir / "settings.json"

    def save(self) -> None:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        data = {f.name: getattr(self, f.name) for f in fields(self) if f.name != "data_dir"}
        tmp = self.settings_path.with_suffix(".tmp")
        tmp.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
        os.replace(tmp, self.settings_path)


def load_config(data_dir: Path | None = None) -> Config:
    """Read settings.json from the data directory, then apply environment overrides."""
    config = Config(data_dir=data_dir) if data_dir else Config()
    if config.settings_path.exists():
        try:
            stored: dict[str, Any] = json.loads(config.settings_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            stored = {}
        known = {f.name: f.type for f in fields(config)}
        for key, value in stored.items():
            if key in known and key != "data_dir":
                setattr(config, key, value)
    url = os.environ.get("CLERK_PLATFORM_URL")
    if url:
        config.platform_url = url
    return config
