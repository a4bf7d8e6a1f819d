"""What an agent may see: the cases of their own point only (own station, own captures)."""

from __future__ import annotations

from sqlalchemy import ColumnElement, true

from clerk_app.services.station.context import Actor, ServiceContext
from clerk_app.services.station.permissions import Role
from clerk_app.services.station.settings import load_settings
from clerk_app.services.village.point import load_point
from clerk_app.store.models import Application


def is_agent(actor: Actor) -> bool:
    return actor.role == Role.AGENT.value


def own_point(ctx: ServiceContext, actor: Actor) -> ColumnElement[bool]:
    """A filter on applications for lists, lookups and searches.

    Everyone but an agent sees the station's applications. An agent at a 代办点 sees the
    applications of that point (captured there); an agent account on a 中心 station sees only
    the cases they captured themselves — never anyone else's in the township."""
    if not is_agent(actor):
        return true()
    if load_point(ctx).is_village:
        return Application.station_code == load_settings(ctx).station_id
    return Application.clerk_id == actor.user_id


def visible(ctx: ServiceContext, actor: Actor, app: Application) -> bool:
    """The same rule as `own_point`, for one application already loaded."""
    if not is_agent(actor):
        return True
    if load_point(ctx).is_village:
        return app.station_code == load_settings(ctx).station_id
    return app.clerk_id == actor.user_id
