"""The sync pump (同步): one `run_once` checks the clock, pushes the outbox, pulls what changed.

Pure Python (no Qt): the window's worker thread, `python main.py sync --once` and the tests
drive the same `SyncEngine`. It holds no state of its own: cursors, the token, the backoff
and what the indicator shows all live in the station database (sync_state), so a kill -9 at
any moment resumes where it stopped, and a restart honours a backoff or a Retry-After.

One run, in order (the first failure ends it, and the next attempt is backed off with full
jitter, never sooner than a Retry-After):

1. ``GET /v1/time``: the station clock is compared with the platform's (warning past 2 min;
   numbers and ordering never depend on it: numbers come from a local counter, events go in
   ``seq`` order, status changes in the platform's order).
2. Push: waiting events in ``seq`` order, in batches bounded by count and gzip bytes; a
   batch refused as too large (413) is split, down to one event which is then parked; an
   event the platform rejects is parked with its reason and never holds back the rest.
3. Pulls: the catalogue (with ETag: unchanged costs a 304), back-office status changes page
   by page, calendar years. Each page is applied with its cursor in one transaction.
4. Material pages (clerk_app/sync/page_upload.py): only those the platform lacks, in chunks
   resumed from the last acknowledged byte; last, so a long upload holds back nothing.
"""

from __future__ import annotations

import logging
import random
import threading
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from clerk_app.config import Config
from clerk_app.domain.calendar_import import CalendarImportError
from clerk_app.domain.catalogue import CatalogueError
from clerk_app.i18n import _
from clerk_app.sync.api import (
    PlatformAdapter,
    PlatformBusy,
    PlatformError,
    PlatformRejected,
    TokenRevoked,
)
from clerk_app.sync.backoff import Backoff
from clerk_app.sync.http_batching import batch_events
from clerk_app.sync.page_upload import (
    CHUNK_BYTES,
    PageTransport,
    StationPages,
    station_pages_of,
    upload_pages,
)
from clerk_app.sync.ports import (
    CURSOR_CALENDAR,
    CURSOR_CATALOGUE,
    CURSOR_CATALOGUE_ETAG,
    CURSOR_STATUS_CHANGES,
)
from clerk_app.sync.progress_address import STATE_PROGRESS_ETAG, keep_progress_address
from clerk_app.sync.report import (
    EXIT_FAILED,
    EXIT_NOT_REGISTERED,
    EXIT_OK,
    EXIT_PARKED,
    EXIT_PARTIAL,
    EngineStore,
    Outcome,
    SyncReport,
)
from clerk_app.sync.state import (
    STATE_BACKOFF_ATTEMPT,
    STATE_CLOCK_OFFSET,
    STATE_LAST_ATTEMPT,
    STATE_LAST_ERROR,
    STATE_LAST_ERROR_AT,
    STATE_LAST_EXPORT,
    STATE_LAST_SUCCESS,
    STATE_NAMES,
    STATE_NEXT_ATTEMPT,
    STATE_ONLINE,
    STATE_TOKEN,
    STATE_TOKEN_REFUSED,
    STATE_TOKEN_REVOKED,
    SyncState,
    load_state,
    parse_moment,
)

__all__ = [
    "EXIT_FAILED", "EXIT_NOT_REGISTERED", "EXIT_OK", "EXIT_PARKED", "EXIT_PARTIAL",
    "EngineStore", "Outcome", "SyncCancelled", "SyncEngine", "SyncReport", "adapter_factory",
    "local_now",
]

log = logging.getLogger(__name__)

HELD_ASKED = 1000
"""Event ids asked per `/v1/events/held` request (the platform's batch limit)."""

class SyncCancelled(Exception):
    """The run was asked to stop (the window is closing)."""


@dataclass
class _Run:
    now: datetime
    values: dict[str, str] = field(default_factory=dict)
    report: dict[str, Any] = field(default_factory=dict)


def local_now() -> datetime:
    """The station's wall clock, timezone-aware."""
    return datetime.now().astimezone()


def adapter_factory(config: Config) -> Callable[[str | None], PlatformAdapter]:
    """Adapters on the configured platform address, CA bundle and timeouts (read each time,
    so a changed setting applies to the next run)."""

    def make(token: str | None) -> PlatformAdapter:
        # requests, urllib3 and the schemas load with the first exchange, not at start-up
        from clerk_app.sync.adapter import ClerkSyncV1Adapter
        from clerk_app.sync.transport import pins_of

        return ClerkSyncV1Adapter(
            config.platform_url.strip(), token=token, connect_timeout=config.connect_timeout_s,
            read_timeout=config.read_timeout_s, ca_bundle=config.ca_bundle or None,
            pins=pins_of(config))

    return make


class SyncEngine:
    """The pump. Thread-confined: one run at a time, from one thread (`cancel` from any).

    Args:
        adapter_factory: builds a `PlatformAdapter` for a token (None: unregistered).
        store: the station's sync store.
        clock: the station clock (aware datetimes); injected by tests.
        rng: random source of the backoff's jitter.
        configured: whether a platform address is set.
        backoff: the retry policy.
        batch_count / batch_bytes: the bounds of one push (events / gzip bytes).
        status_page: status changes asked for per page.
    """

    def __init__(
        self, adapter_factory: Callable[[str | None], PlatformAdapter], store: EngineStore,
        clock: Callable[[], datetime] = local_now, rng: random.Random | None = None, *,
        configured: Callable[[], bool] = lambda: True, backoff: Backoff | None = None,
        batch_count: int = 200, batch_bytes: int = 48 * 1024, status_page: int = 200,
        pages: StationPages | None = None, page_chunk: int = CHUNK_BYTES,
    ) -> None:
        self.adapter_factory = adapter_factory
        self.store = store
        self.clock = clock
        self.rng = rng or random.Random()
        self.configured = configured
        self.backoff = backoff or Backoff(base=5.0, factor=2.0, cap=300.0)
        self.batch_count = batch_count
        self.batch_bytes = batch_bytes
        self.status_page = status_page
        self.progress: Callable[[str], None] | None = None
        self._cancelled = threading.Event()
        self.pages = pages  # material pages, uploaded after the events
        self.page_chunk = page_chunk

    @classmethod
    def for_station(cls, config: Config, store: EngineStore,
                    clock: Callable[[], datetime] = local_now,
                    rng: random.Random | None = None) -> SyncEngine:
        """The engine on the machine's settings (platform address, CA bundle, timeouts)."""
        return cls(adapter_factory(config), store, clock, rng,
                   configured=lambda: bool(config.platform_url.strip()),
                   pages=station_pages_of(store))

    # -- state --------------------------------------------------------------------------

    def state(self) -> SyncState:
        """What the indicator shows now (no network)."""
        return load_state(self.store, self.clock(), configured=self.configured())

    def backoff_left(self) -> float | None:
        """Seconds until an automatic attempt may go (stored backoff), None when it may now."""
        run = _Run(now=self.clock(), values=self.store.get_values([STATE_NEXT_ATTEMPT]))
        return self._backoff_left(run)

    def cancel(self) -> None:
        """Ask a running `run_once` to stop at the next request boundary (any thread)."""
        self._cancelled.set()

    def _check_cancel(self) -> None:
        if self._cancelled.is_set():
            raise SyncCancelled

    def _say(self, text: str) -> None:
        if self.progress is not None:
            self.progress(text)

    # -- one run ------------------------------------------------------------------------

    def run_once(self, force: bool = False) -> SyncReport:
        """Exchange everything that can be exchanged now.

        Without `force` a pending backoff (kept in the database) is honoured and the run
        returns WAITING at once; with it ("立即同步") the attempt is made anyway. A revoked
        or refused token stops every run until the station is registered again.
        """
        run = _Run(now=self.clock())
        run.values = self.store.get_values(STATE_NAMES)
        if not self.configured():
            return self._report(Outcome.NOT_CONFIGURED, run)
        token = run.values.get(STATE_TOKEN)
        if not token or run.values.get(STATE_TOKEN_REFUSED):
            return self._report(Outcome.NOT_REGISTERED, run)
        wait = self._backoff_left(run)
        if wait is not None and not force:
            return self._report(Outcome.WAITING, run, retry_in_s=wait)
        try:
            adapter = self.adapter_factory(token)
        except ValueError as exc:
            log.warning("platform address unusable: %s", exc)
            return self._report(Outcome.NOT_CONFIGURED, run)
        try:
            self._exchange(adapter, run)
        except SyncCancelled:
            log.info("sync cancelled")
            return self._report(Outcome.PARTIAL, run)
        except TokenRevoked as exc:
            return self._refused(run, exc, revoked=True)
        except PlatformRejected as exc:
            if exc.status == 401:
                return self._refused(run, exc, revoked=False)
            return self._failed(run, exc.message, exc.detail)
        except PlatformError as exc:
            retry_after = exc.retry_after if isinstance(exc, PlatformBusy) else None
            return self._failed(run, exc.message, exc.detail, retry_after)
        except (CatalogueError, CalendarImportError) as exc:  # the platform sent unusable data
            detail = f"unusable data from the platform ({type(exc).__name__})"
            return self._failed(run, _("平台下发的数据有误，本机数据未改动：{what}").format(
                what=str(exc)[:300]), detail)
        except Exception as exc:
            stack = "".join(traceback.format_tb(exc.__traceback__))
            log.error("sync failed with a program error %s (message withheld)\n%s",
                      type(exc).__name__, stack)
            return self._failed(run, _("同步时程序出错，已记录在日志中，稍后会自动重试。"),
                                type(exc).__name__, outcome=Outcome.FAILED)
        finally:
            adapter.close()
        return self._succeeded(run)

    def _exchange(self, adapter: PlatformAdapter, run: _Run) -> None:
        self._check_clock(adapter, run)
        exported = bool(self.store.get_values([STATE_LAST_EXPORT]).get(STATE_LAST_EXPORT))
        if exported:
            self._settle_exported(adapter, run)
        self._push(adapter, run)
        if exported:  # everything a sync file held is now acknowledged one way or the other
            self.store.set_values({STATE_LAST_EXPORT: ""})
        self._pull_catalogue(adapter, run)
        self._pull_status_changes(adapter, run)
        self._pull_calendar(adapter, run)
        self._pull_progress_address(adapter, run)
        self._push_pages(adapter, run)  # last: a long upload cut short holds back nothing

    def _count(self, run: _Run, name: str, amount: int = 1) -> None:
        run.report[name] = run.report.get(name, 0) + amount

    # -- steps --------------------------------------------------------------------------

    def _check_clock(self, adapter: PlatformAdapter, run: _Run) -> None:
        self._check_cancel()
        before = self.clock()
        server = adapter.server_time()
        after = self.clock()
        self._count(run, "requests")
        offset = (server.server_time - (before + (after - before) / 2)).total_seconds()
        run.values[STATE_CLOCK_OFFSET] = f"{offset:.1f}"
        self.store.set_values({STATE_CLOCK_OFFSET: f"{offset:.1f}"})
        if abs(offset) > 120:
            log.warning("station clock is %.0f s off the platform's", offset)

    def _push(self, adapter: PlatformAdapter, run: _Run) -> None:
        after = 0
        while True:
            self._check_cancel()
            events = self.store.pending_events(self.batch_count * 5, after_seq=after)
            if not events:
                return
            after = int(events[-1]["seq"])
            batches = batch_events(events, self.batch_count, self.batch_bytes)
            for number, batch in enumerate(batches, start=1):
                if len(batches) > 1:
                    self._say(_("正在上传（{i}/{n} 批）").format(i=number, n=len(batches)))
                self._send(adapter, batch, run)

    def _settle_exported(self, adapter: PlatformAdapter, run: _Run) -> None:
        """After a sync file: mark what the platform already holds as sent, not push it again."""
        if not hasattr(adapter, "held_events"):
            return
        after = 0
        while True:
            self._check_cancel()
            events = self.store.pending_events(HELD_ASKED, after_seq=after)
            if not events:
                return
            after = int(events[-1]["seq"])
            self._count(run, "requests")
            held = adapter.held_events([str(event["id"]) for event in events])
            self.store.mark_held(held)
            self._count(run, "held", len(held))

    def _send(self, adapter: PlatformAdapter, batch: list[dict[str, Any]], run: _Run) -> None:
        self._check_cancel()
        try:
            self._count(run, "requests")
            result = adapter.push_events(batch)
        except PlatformRejected as exc:
            if exc.status != 413:
                raise
            if len(batch) > 1:
                log.info("batch of %d refused as too large: splitting", len(batch))
                middle = len(batch) // 2
                self._send(adapter, batch[:middle], run)
                self._send(adapter, batch[middle:], run)
                return
            reason = _("这条记录太大，平台拒收：{message}").format(message=exc.message)
            self.store.park(str(batch[0]["id"]), reason)
            self._count(run, "parked")
            log.warning("event seq=%s parked: too large for the platform", batch[0].get("seq"))
            return
        except PlatformError as exc:
            self.store.note_attempt([str(event["id"]) for event in batch], exc.message)
            raise
        self.store.mark_acknowledged(result.acknowledged_ids)
        self._count(run, "pushed", len(result.acknowledged_ids))
        for event_id, reason in result.rejected.items():
            self.store.park(event_id, reason)
            self._count(run, "parked")
        if result.rejected:
            log.warning("%d event(s) parked: %s", len(result.rejected),
                        ",".join(sorted(set(result.rejected_codes.values()))))
        self._count(run, "unanswered", len(result.unanswered_ids))

    def _push_pages(self, adapter: PlatformAdapter, run: _Run) -> None:
        """Material pages after every event: only what the platform lacks, resumable chunks."""
        if self.pages is None or not hasattr(adapter, "put_page_chunk"):
            return
        transport: PageTransport = adapter  # type: ignore[assignment]
        tally = upload_pages(transport, self.pages, chunk_bytes=self.page_chunk,
                             check_cancel=self._check_cancel, say=self._say)
        self._count(run, "requests", tally.chunks + (1 if tally.pages_known
                                                     or tally.pages_sent else 0))
        self._count(run, "pages_sent", tally.pages_sent)
        self._count(run, "page_bytes", tally.bytes_sent)

    def _pull_catalogue(self, adapter: PlatformAdapter, run: _Run) -> None:
        self._check_cancel()
        self._say(_("正在检查事项目录"))
        cursor = self.store.get_cursor(CURSOR_CATALOGUE)
        etag = self.store.get_cursor(CURSOR_CATALOGUE_ETAG)
        self._count(run, "requests")
        delta = adapter.pull_catalogue(cursor, etag)
        if delta.not_modified:
            return
        if delta.full and len(delta.matters) > 50:
            self._say(_("正在更新事项目录（{n} 项）").format(n=len(delta.matters)))
        self.store.apply_catalogue_changes(delta)
        if delta.full or delta.matters or delta.withdrawn:
            run.report["catalogue_changed"] = True

    def _pull_status_changes(self, adapter: PlatformAdapter, run: _Run) -> None:
        cursor = self.store.get_cursor(CURSOR_STATUS_CHANGES)
        received = 0
        while True:
            self._check_cancel()
            self._count(run, "requests")
            page = adapter.pull_status_changes(cursor, limit=self.status_page)
            moved = self.store.apply_status_changes(page.changes, page.cursor)
            self._count(run, "moved", moved)
            received += len(page.changes)
            self._count(run, "status_changes", len(page.changes))
            if not page.more or not page.changes or page.cursor == cursor:
                return
            cursor = page.cursor
            self._say(_("正在下载办件状态（已 {n} 条）").format(n=received))

    def _pull_calendar(self, adapter: PlatformAdapter, run: _Run) -> None:
        self._check_cancel()
        cursor = self.store.get_cursor(CURSOR_CALENDAR)
        self._count(run, "requests")
        delta = adapter.pull_calendar(cursor)
        if delta.years:
            self._say(_("正在更新节假日安排"))
        if delta.years or delta.cursor != cursor:
            self.store.apply_calendar(delta.years, delta.cursor)
        if delta.years:
            run.report["calendar_changed"] = True

    def _pull_progress_address(self, adapter: PlatformAdapter, run: _Run) -> None:
        """The progress page address may change; a platform without the route is fine."""
        self._check_cancel()
        self._count(run, "requests")
        etag = self.store.get_values([STATE_PROGRESS_ETAG]).get(STATE_PROGRESS_ETAG)
        try:
            address = adapter.progress_address(etag)
        except PlatformRejected as exc:
            if exc.status != 404:
                raise
            return
        keep_progress_address(self.store, address)

    # -- endings ------------------------------------------------------------------------

    def _backoff_left(self, run: _Run) -> float | None:
        """Seconds until the stored backoff ends, None when an attempt may go now.

        A stored time further ahead than any backoff could be (the station clock was
        turned back) is ignored, so a wrong clock never silences the station."""
        next_at = parse_moment(run.values.get(STATE_NEXT_ATTEMPT))
        if next_at is None:
            return None
        left = (next_at - run.now).total_seconds()
        longest = max(self.backoff.cap, self.backoff.retry_after_limit) + 60
        return left if 0 < left <= longest else None

    def _report(self, outcome: Outcome, run: _Run, **extra: Any) -> SyncReport:
        report = SyncReport(outcome, self.state(), **run.report, **extra)
        log.info("sync %s: %d pushed, %d parked, %d status changes (%d moved), %d requests",
                 outcome.value, report.pushed, report.parked, report.status_changes,
                 report.moved, report.requests)
        return report

    def _succeeded(self, run: _Run) -> SyncReport:
        now = self.clock().isoformat()
        self.store.set_values({
            STATE_ONLINE: "1", STATE_LAST_SUCCESS: now, STATE_LAST_ATTEMPT: now,
            STATE_LAST_ERROR: "", STATE_LAST_ERROR_AT: "", STATE_BACKOFF_ATTEMPT: "0",
            STATE_NEXT_ATTEMPT: "",
        })
        complete = not run.report.get("unanswered")
        return self._report(Outcome.DONE if complete else Outcome.PARTIAL, run)

    def _failed(self, run: _Run, message: str, detail: str, retry_after: float | None = None,
                outcome: Outcome = Outcome.PARTIAL) -> SyncReport:
        try:
            attempt = int(run.values.get(STATE_BACKOFF_ATTEMPT) or 0)
        except ValueError:
            attempt = 0
        delay = self.backoff.delay(attempt, self.rng, retry_after)
        now = self.clock()
        self.store.set_values({
            STATE_ONLINE: "0", STATE_LAST_ATTEMPT: now.isoformat(), STATE_LAST_ERROR: message,
            STATE_LAST_ERROR_AT: now.isoformat(), STATE_BACKOFF_ATTEMPT: str(attempt + 1),
            STATE_NEXT_ATTEMPT: (now + timedelta(seconds=delay)).isoformat(),
        })
        log.warning("sync attempt %d failed: %s; next in %.1f s", attempt + 1, detail, delay)
        return self._report(outcome, run, retry_in_s=delay, error=message)

    def _refused(self, run: _Run, exc: PlatformError, *, revoked: bool) -> SyncReport:
        now = self.clock().isoformat()
        self.store.set_values({
            STATE_TOKEN_REFUSED: exc.message or "1", STATE_TOKEN_REVOKED: "1" if revoked else "",
            STATE_ONLINE: "0", STATE_LAST_ATTEMPT: now, STATE_LAST_ERROR: exc.message,
            STATE_LAST_ERROR_AT: now,
        })
        log.warning("platform refused the station token (%s): sync stopped", exc.detail)
        return self._report(Outcome.NOT_REGISTERED, run, error=exc.message)
