"""What every service needs: the database, the clock, and who is acting."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime

from clerk_app.config import Config
from clerk_app.store.database import Database


@dataclass(frozen=True)
class Actor:
    """The signed-in user on whose behalf a service acts."""

    user_id: int
    username: str
    display_name: str
    role: str
    window: str = ""


SYSTEM_ACTOR = Actor(user_id=0, username="system", display_name="系统", role="admin")


@dataclass
class ServiceContext:
    """Shared by all services of one process (one per thread is not needed: sessions are per call)."""

    db: Database
    config: Config
    clock: Callable[[], datetime] = field(default=datetime.now)

    def now(self) -> datetime:
        return self.clock().replace(microsecond=0)

    def today(self) -> date:
        return self.clock().date()
