"""The centre's windows (窗口): those set in 中心设置, and any an account still works at."""

from __future__ import annotations

from sqlalchemy import select

from clerk_app.services.station.context import ServiceContext
from clerk_app.services.station.settings import load_settings
from clerk_app.store.models import User


def known_windows(ctx: ServiceContext) -> tuple[str, ...]:
    """The windows of 中心设置 in their order, then windows accounts work at that the settings
    no longer (or never) listed, so an account's window is always offered."""
    names = list(load_settings(ctx).window_names)
    with ctx.db.reading() as session:
        used = session.scalars(select(User.window).where(User.window != "").distinct()).all()
    names += sorted(w for w in used if w not in names)
    return tuple(names)
