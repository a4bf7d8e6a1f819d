"""The stored revision of a draft (草稿), so a restored draft's saves continue above it."""

from __future__ import annotations

from clerk_app.services.context import ServiceContext
from clerk_app.store.models import Draft


def draft_revision(ctx: ServiceContext, draft_id: int) -> int:
    """The revision last saved for the draft; 0 when there is no such draft.

    IntakeService.save_draft drops a revision not above the stored one, so a window that
    restores a draft after a restart numbers its saves from here.
    """
    with ctx.db.reading() as session:
        draft = session.get(Draft, draft_id)
        return 0 if draft is None else draft.revision
