"""The draft of one intake as the database writer sees it: its id and the newest revision.

Each intake shown in the window gets its own `DraftSlot`. The GUI thread numbers every edit
(`next_revision`) and queues a save; the jobs below run on the single database writer in the
order queued, so the job that opens the draft always runs before the saves that follow it,
even though the GUI learns the draft's id only later. A save that is no longer the newest
queued for its slot is dropped without touching the disk. Qt-free on purpose.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from clerk_app.services.intake.intake import ConfirmResult, IntakeService
from clerk_app.services.intake.intake_form import IntakeForm
from clerk_app.services.station.context import Actor


class DraftSlot:
    """The open draft of one intake; shared between the GUI thread and the writer."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.draft_id: int | None = None  # set on the writer by the opening job
        self.base_revision = 0  # the revision stored when this window took the draft over
        self._latest = 0
        self.saved = 0  # newest revision written
        self.closed = False  # confirmed or discarded: no more saves

    def next_revision(self) -> int:
        """Number a new edit (GUI thread)."""
        with self._lock:
            self._latest += 1
            return self._latest

    def is_latest(self, revision: int) -> bool:
        with self._lock:
            return revision == self._latest

    @property
    def edited(self) -> bool:
        """Whether the clerk changed anything since the draft was opened in this window."""
        with self._lock:
            return self._latest > 0

    @property
    def pending(self) -> bool:
        """Edits not yet written (a newer revision is queued than the last one saved)."""
        with self._lock:
            return self.saved < self._latest


# -- jobs for the database writer ------------------------------------------------------------


def open_new(slot: DraftSlot, intake: IntakeService, actor: Actor,
             matter_code: str) -> tuple[int, IntakeForm]:
    draft_id, form = intake.start(actor, matter_code)
    slot.draft_id, slot.base_revision = draft_id, 0
    return draft_id, form


def reopen(slot: DraftSlot, intake: IntakeService, actor: Actor,
           number: str) -> tuple[int, IntakeForm]:
    draft_id, form = intake.reopen(actor, number)
    slot.draft_id, slot.base_revision = draft_id, 0
    return draft_id, form


def adopt(slot: DraftSlot, draft_id: int, revision_of: Callable[[int], int]) -> int:
    """Take over a restored draft: later saves are numbered above its stored revision."""
    slot.draft_id, slot.base_revision = draft_id, revision_of(draft_id)
    return draft_id


def save(slot: DraftSlot, intake: IntakeService, form: IntakeForm, revision: int) -> bool:
    """Write the form unless a newer edit is already queued (then that one is written)."""
    if slot.closed or slot.draft_id is None or not slot.is_latest(revision):
        return False
    written = intake.save_draft(slot.draft_id, form, slot.base_revision + revision)
    slot.saved = revision
    return written


def confirm(slot: DraftSlot, intake: IntakeService, actor: Actor,
            form: IntakeForm) -> ConfirmResult:
    result = intake.confirm(actor, slot.draft_id, form)
    slot.closed = True
    return result


def discard(slot: DraftSlot, intake: IntakeService, actor: Actor) -> None:
    if slot.draft_id is not None:
        intake.discard_draft(actor, slot.draft_id)
    slot.closed = True
