"""Composition root: config -> database -> services (the UI and the CLI start here)."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from clerk_app.config import Config
from clerk_app.logging_setup import setup_logging
from clerk_app.services.accounts import AccountService
from clerk_app.services.application_view import ApplicationViewService
from clerk_app.services.calendar import CalendarService
from clerk_app.services.catalogue import CatalogueService
from clerk_app.services.clock import ClockService
from clerk_app.services.context import ServiceContext
from clerk_app.services.deadlines import DeadlineService
from clerk_app.services.due_dates import DueDateService
from clerk_app.services.handover import HandoverService
from clerk_app.services.intake import IntakeService
from clerk_app.services.lookup import LookupService
from clerk_app.services.matter_search import MatterSearchService
from clerk_app.services.notices import NoticeService
from clerk_app.services.owed import OwedService
from clerk_app.services.postal import PostalService
from clerk_app.services.ratings import RatingService
from clerk_app.services.sync_store import StationSyncStore
from clerk_app.store.database import Database

log = logging.getLogger(__name__)


@dataclass
class Services:
    """Every service of one process, built once and handed to the UI or the CLI."""

    ctx: ServiceContext
    accounts: AccountService
    catalogue: CatalogueService
    calendar: CalendarService
    matters: MatterSearchService
    intake: IntakeService
    lookup: LookupService
    due_dates: DueDateService
    clock: ClockService
    deadlines: DeadlineService
    notices: NoticeService
    handover: HandoverService
    postal: PostalService
    owed: OwedService
    ratings: RatingService
    sync_store: StationSyncStore
    application_view: ApplicationViewService

    def close(self) -> None:
        self.ctx.db.close()


def open_services(config: Config, *, load_sample: bool = True, log_to_file: bool = True) -> Services:
    """Open (and migrate) the database and build the services on it."""
    if log_to_file:
        setup_logging(config.log_dir, config.log_level)
    db = Database(config.database_path)
    ctx = ServiceContext(db=db, config=config)
    catalogue = CatalogueService(ctx)
    if load_sample:
        catalogue.load_bundled_if_empty()
    calendar = CalendarService(ctx)
    matters = MatterSearchService(catalogue)
    due_dates = DueDateService(ctx, catalogue, calendar)
    notices = NoticeService(ctx, catalogue)
    handover = HandoverService(ctx, catalogue, notices)
    clock = ClockService(ctx, catalogue, calendar)
    services = Services(
        ctx=ctx,
        accounts=AccountService(ctx),
        catalogue=catalogue,
        calendar=calendar,
        matters=matters,
        intake=IntakeService(ctx, catalogue, calendar.calendar),
        lookup=LookupService(ctx),
        due_dates=due_dates,
        clock=clock,
        deadlines=DeadlineService(ctx, catalogue, calendar),
        notices=notices,
        handover=handover,
        postal=PostalService(ctx, catalogue, handover),
        owed=OwedService(ctx, catalogue),
        ratings=RatingService(ctx, calendar.calendar),
        sync_store=StationSyncStore(ctx, catalogue, matters, calendar, due_dates),
        application_view=ApplicationViewService(ctx, catalogue, calendar, clock),
    )
    log.info("services ready on %s", config.database_path.name)
    return services
