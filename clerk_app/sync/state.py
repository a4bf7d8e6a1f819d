"""What the sync indicator shows, kept in the database's sync_state so a restart shows the truth.

`SyncState` is a frozen value built by `load_state` from the stored keys (STATE_* names) and
the outbox; its text methods give the Chinese words for the status bar and its tooltip, so
the words are the same in the window and on the command line. "已全部上传" is said only when
nothing waits, i.e. when the platform acknowledged every event.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Protocol

from clerk_app.i18n import _

STATE_TOKEN = "station_token"
"""The bearer token of this station (keep the data directory on an encrypted volume)."""
STATE_STATION = "station_registered_as"
"""The station code the token was issued for."""
STATE_CENTRE = "station_centre"
STATE_TOKEN_REFUSED = "token_refused"
"""Non-empty (the Chinese reason) once the platform refused the token: sync stops."""
STATE_TOKEN_REVOKED = "token_revoked"
""""1" when the refusal was a revocation."""
STATE_ONLINE = "last_exchange_ok"
STATE_LAST_SUCCESS = "last_success_at"
STATE_LAST_ATTEMPT = "last_attempt_at"
STATE_LAST_ERROR = "last_error"
STATE_LAST_ERROR_AT = "last_error_at"
STATE_CLOCK_OFFSET = "clock_offset_s"
STATE_BACKOFF_ATTEMPT = "backoff_attempt"
STATE_NEXT_ATTEMPT = "next_attempt_at"
STATE_LAST_EXPORT = "sync_file_last_export"
"""When a sync file was last written; cleared once the platform holds all it could carry."""

STATE_NAMES = (
    STATE_TOKEN, STATE_STATION, STATE_CENTRE, STATE_TOKEN_REFUSED, STATE_TOKEN_REVOKED,
    STATE_ONLINE, STATE_LAST_SUCCESS, STATE_LAST_ATTEMPT, STATE_LAST_ERROR, STATE_LAST_ERROR_AT,
    STATE_CLOCK_OFFSET, STATE_BACKOFF_ATTEMPT, STATE_NEXT_ATTEMPT,
)
CLOCK_SKEW_WARNING_S = 120.0
"""A station clock further off the platform's than this is shown as a warning."""


class Phase(StrEnum):
    """The one word the indicator leads with."""

    ONLINE = "online"  # 在线: the last exchange worked
    OFFLINE = "offline"  # 离线: the last attempt failed; retried by itself
    SYNCING = "syncing"  # 同步中
    NOT_CONFIGURED = "not_configured"  # no platform address
    NOT_REGISTERED = "not_registered"  # no token, or the platform refused / revoked it

    @property
    def label(self) -> str:
        return {
            Phase.ONLINE: _("在线"), Phase.OFFLINE: _("离线"), Phase.SYNCING: _("同步中"),
            Phase.NOT_CONFIGURED: _("未设置平台"), Phase.NOT_REGISTERED: _("未注册"),
        }[self]


class Severity(StrEnum):
    """How the indicator is coloured (the text says the same in words)."""

    OK = "ok"
    BUSY = "busy"
    WARNING = "warning"
    ERROR = "error"


class StateStore(Protocol):
    """The reads `load_state` needs (StationSyncStore has them)."""

    def get_values(self, names: Iterable[str]) -> dict[str, str]: ...

    def outbox_summary(self) -> tuple[int, datetime | None, int]: ...

    def stale_hours(self) -> int: ...


@dataclass(frozen=True)
class SyncState:
    """Everything the sync indicator shows.

    Attributes:
        phase: online / offline / syncing / not configured / not registered.
        waiting: events not yet acknowledged by the platform (parked ones excluded).
        oldest_waiting_at: when the oldest waiting event was written (station time).
        parked: events the platform refused, set aside with their reason.
        last_success_at: the last complete exchange with the platform.
        last_error: the last error in Chinese ("" after a success).
        last_error_at: when it happened.
        clock_offset_s: platform clock minus station clock, None before the first check.
        token_revoked: the platform revoked the station's token.
        next_attempt_at: when the next automatic attempt may go (backoff), None if any time.
        progress: what a long pull is doing now ("" when nothing).
        stale_hours: waiting events older than this are a warning.
        now: the moment the state describes (ages are counted to it).
    """

    phase: Phase
    waiting: int = 0
    oldest_waiting_at: datetime | None = None
    parked: int = 0
    last_success_at: datetime | None = None
    last_error: str = ""
    last_error_at: datetime | None = None
    clock_offset_s: float | None = None
    token_revoked: bool = False
    next_attempt_at: datetime | None = None
    progress: str = ""
    stale_hours: int = 24
    now: datetime | None = None
    pages_waiting: int = 0  # material pages the platform does not hold whole yet
    page_bytes_waiting: int = 0

    def syncing(self, progress: str = "") -> SyncState:
        """The same state while a sync runs."""
        return replace(self, phase=Phase.SYNCING, progress=progress)

    # -- judgements ---------------------------------------------------------------------

    @property
    def clock_skewed(self) -> bool:
        """The station clock is more than two minutes off the platform's."""
        return self.clock_offset_s is not None and abs(self.clock_offset_s) > CLOCK_SKEW_WARNING_S

    @property
    def oldest_age(self) -> timedelta | None:
        if self.oldest_waiting_at is None or self.now is None:
            return None
        return max(timedelta(0), self.now - _aware(self.oldest_waiting_at))

    @property
    def stale(self) -> bool:
        """Something has waited longer than the centre allows (MOSIP-style warning)."""
        age = self.oldest_age
        return age is not None and age > timedelta(hours=self.stale_hours)

    @property
    def all_sent(self) -> bool:
        """The platform acknowledged every event (the only case that says "已全部上传")."""
        return self.phase is Phase.ONLINE and self.waiting == 0

    @property
    def severity(self) -> Severity:
        if self.phase in (Phase.NOT_CONFIGURED, Phase.NOT_REGISTERED):
            return Severity.ERROR
        if self.phase is Phase.SYNCING:
            return Severity.BUSY
        if self.stale or self.parked or self.clock_skewed or self.phase is Phase.OFFLINE:
            return Severity.WARNING
        return Severity.OK if self.waiting == 0 else Severity.BUSY

    # -- words --------------------------------------------------------------------------

    def headline(self) -> str:
        """The status-bar text: the phase word first, then what waits."""
        parts = [self.phase.label]
        if self.phase is Phase.SYNCING and self.progress:
            parts.append(self.progress)
        if self.waiting:
            age = self.oldest_age
            waiting = _("待上传 {n} 条").format(n=self.waiting)
            if age is not None:
                waiting += _("（最早 {age}）").format(age=age_text(age))
            parts.append(waiting)
        elif self.all_sent:
            parts.append(_("已全部上传"))
        if self.parked:
            parts.append(_("{n} 条被平台退回").format(n=self.parked))
        if self.clock_skewed:
            parts.append(_("本机时间不准"))
        return " · ".join(parts)

    def details(self) -> list[str]:
        """Lines for the tooltip and the command line, in Chinese."""
        lines = [_("状态：{phase}").format(phase=self.phase.label)]
        lines.append(_("待上传：{n} 条").format(n=self.waiting) + (
            _("，最早的已等待 {age}").format(age=age_text(self.oldest_age))
            if self.oldest_age is not None else ""))
        if self.pages_waiting:
            lines.append(_("材料页面待上传：{n} 页，约 {kb} KB").format(
                n=self.pages_waiting, kb=max(1, round(self.page_bytes_waiting / 1024))))
        if self.parked:
            lines.append(_("被平台退回、需要处理：{n} 条").format(n=self.parked))
        lines.append(_("上次成功同步：{when}").format(when=self._when(self.last_success_at)))
        if self.last_error:
            lines.append(_("上次错误（{when}）：{error}").format(
                when=self._when(self.last_error_at), error=self.last_error))
        if self.next_attempt_at is not None and self.now is not None \
                and self.next_attempt_at > self.now and self.phase is Phase.OFFLINE:
            lines.append(_("将于 {when} 自动重试").format(
                when=self.next_attempt_at.strftime("%H:%M:%S")))
        if self.clock_skewed and self.clock_offset_s is not None:
            direction = _("慢") if self.clock_offset_s > 0 else _("快")
            lines.append(_("本机时钟比平台{direction} {age}，请校准电脑时间").format(
                direction=direction, age=age_text(timedelta(seconds=abs(self.clock_offset_s)))))
        if self.stale:
            lines.append(_("有记录超过 {h} 小时未能上传，请检查网络或联系中心负责人").format(
                h=self.stale_hours))
        if self.phase is Phase.NOT_CONFIGURED:
            lines.append(_("请在「平台连接设置」中填写政务服务平台地址"))
        if self.phase is Phase.NOT_REGISTERED:
            lines.append(_("请管理员在「平台连接设置」中用注册码重新注册站点"))
        return lines

    def _when(self, moment: datetime | None) -> str:
        if moment is None:
            return _("从未")
        shown = moment.strftime("%m-%d %H:%M")
        if self.now is None:
            return shown
        age = max(timedelta(0), self.now - moment)
        if age < timedelta(seconds=10):
            return _("{time}（刚刚）").format(time=shown)
        return _("{time}（{age}前）").format(time=shown, age=age_text(age))


def age_text(age: timedelta | None) -> str:
    """A short Chinese duration: 刚刚, 5 分钟, 3 小时, 2 天."""
    if age is None:
        return ""
    seconds = int(age.total_seconds())
    if seconds < 60:
        return _("{n} 秒").format(n=seconds) if seconds >= 10 else _("刚刚")
    if seconds < 3600:
        return _("{n} 分钟").format(n=seconds // 60)
    if seconds < 86400:
        return _("{n} 小时").format(n=seconds // 3600)
    return _("{n} 天").format(n=seconds // 86400)


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.astimezone()


def parse_moment(value: str | None) -> datetime | None:
    """A stored ISO time back to an aware datetime (None when missing or unreadable)."""
    if not value:
        return None
    try:
        return _aware(datetime.fromisoformat(value))
    except ValueError:
        return None


def load_state(store: StateStore, now: datetime, *, configured: bool = True) -> SyncState:
    """The indicator's state as stored (no network)."""
    values: Mapping[str, str] = store.get_values(STATE_NAMES)
    waiting, oldest, parked = store.outbox_summary()
    pages_summary = getattr(store, "pages_waiting", None)  # stores with material pages
    pages, page_bytes = pages_summary() if callable(pages_summary) else (0, 0)
    if not configured:
        phase = Phase.NOT_CONFIGURED
    elif not values.get(STATE_TOKEN) or values.get(STATE_TOKEN_REFUSED):
        phase = Phase.NOT_REGISTERED
    elif values.get(STATE_ONLINE) == "1":
        phase = Phase.ONLINE
    else:
        phase = Phase.OFFLINE
    offset = values.get(STATE_CLOCK_OFFSET)
    last_error = values.get(STATE_LAST_ERROR, "")
    if phase is Phase.NOT_REGISTERED and not last_error and not values.get(STATE_TOKEN):
        last_error = _("本站点尚未在平台注册")
    return SyncState(
        phase=phase, waiting=waiting,
        oldest_waiting_at=_aware(oldest) if oldest is not None else None,
        parked=parked,
        last_success_at=parse_moment(values.get(STATE_LAST_SUCCESS)),
        last_error=last_error,
        last_error_at=parse_moment(values.get(STATE_LAST_ERROR_AT)),
        clock_offset_s=float(offset) if offset else None,
        token_revoked=values.get(STATE_TOKEN_REVOKED) == "1",
        next_attempt_at=parse_moment(values.get(STATE_NEXT_ATTEMPT)),
        stale_hours=store.stale_hours(), now=now,
        pages_waiting=pages, page_bytes_waiting=page_bytes,
    )
