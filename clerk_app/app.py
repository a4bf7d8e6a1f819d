"""Composition root: config -> database -> services (the UI and the CLI start here)."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from clerk_app.config import Config
from clerk_app.logging_setup import setup_logging
from clerk_app.services.attachments.service import AttachmentService
from clerk_app.services.bundles.service import BundleService
from clerk_app.services.intake.application_view import ApplicationViewService
from clerk_app.services.intake.intake import IntakeService
from clerk_app.services.intake.lookup import LookupService
from clerk_app.services.intake.matter_search import MatterSearchService
from clerk_app.services.intake.notices import NoticeService
from clerk_app.services.results.handover import HandoverService
from clerk_app.services.results.owed import OwedService
from clerk_app.services.results.postal import PostalService
from clerk_app.services.results.ratings import RatingService
from clerk_app.services.station.catalogue import CatalogueService
from clerk_app.services.station.context import ServiceContext
from clerk_app.services.station.sync_store import StationSyncStore
from clerk_app.services.supervision.accounts import AccountService
from clerk_app.services.supervision.centre_log import CentreLog, StationCentreSource
from clerk_app.services.supervision.figures import FiguresService
from clerk_app.services.supervision.reassign import ReassignService
from clerk_app.services.supervision.reports import ReportService
from clerk_app.services.time_limits.calendar import CalendarService
from clerk_app.services.time_limits.clock import ClockService
from clerk_app.services.time_limits.deadlines import DeadlineService
from clerk_app.services.time_limits.due_dates import DueDateService
from clerk_app.store.cipher import DataKey
from clerk_app.store.database import Database
from clerk_app.sync.api import PlatformAdapter

log = logging.getLogger(__name__)


def platform_adapter(config: Config, sync_store: StationSyncStore) -> PlatformAdapter | None:
    """An adapter on the configured platform with the station's token (None when there is
    no platform address or no registration yet)."""
    from clerk_app.sync.adapter import ClerkSyncV1Adapter  # requests: only when needed
    from clerk_app.sync.state import STATE_TOKEN
    from clerk_app.sync.transport import pins_of

    token = sync_store.get_cursor(STATE_TOKEN)
    if not config.platform_url.strip() or not token:
        return None
    return ClerkSyncV1Adapter(config.platform_url.strip(), token=token,
                              connect_timeout=config.connect_timeout_s,
                              read_timeout=config.read_timeout_s,
                              ca_bundle=config.ca_bundle or None, pins=pins_of(config))


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
    reports: ReportService
    figures: FiguresService
    reassign: ReassignService
    attachments: AttachmentService
    bundles: BundleService

    def close(self) -> None:
        self.ctx.db.close()


def open_services(config: Config, *, key: DataKey | None = None, load_sample: bool = True,
                  log_to_file: bool = True) -> Services:
    """Open (and migrate) the database and build the services on it.

    `key` opens the SQLCipher-encrypted station database (clerk_app/services/station_access.py
    unwraps it at sign-in); without one the file is plain SQLite (tests of other parts, benches,
    the conversion source)."""
    if log_to_file:
        setup_logging(config.log_dir, config.log_level)
    db = Database(config.database_path, key)
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
    sync_store = StationSyncStore(ctx, catalogue, matters, calendar, due_dates)
    reports = ReportService(ctx, calendar.calendar, CentreLog(ctx, StationCentreSource(
        lambda: platform_adapter(config, sync_store))))
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
        sync_store=sync_store,
        application_view=ApplicationViewService(ctx, catalogue, calendar, clock),
        reports=reports,
        figures=FiguresService(reports),
        reassign=ReassignService(ctx),
        attachments=AttachmentService(ctx),
        bundles=BundleService(ctx, catalogue, IntakeService(ctx, catalogue, calendar.calendar),
                              calendar.calendar),
    )
    log.info("services ready on %s", config.database_path.name)
    return services
