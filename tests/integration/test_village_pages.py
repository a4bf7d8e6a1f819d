"""A village case's photos at the township centre, against the real reference platform: the
centre lists and fetches them (hash checked), keeps them with the case without uploading them
back, fetches nothing twice, and a station of another centre can see none of them."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from clerk_app.services.station.permissions import Role
from clerk_app.services.village.wiring import village_of
from clerk_app.store.models import PageFile
from clerk_app.sync.adapter import ClerkSyncV1Adapter
from clerk_app.sync.api import PlatformRejected
from clerk_app.sync.engine import adapter_factory
from clerk_app.sync.page_upload import StationPages
from clerk_app.sync.registration import register_station
from clerk_app.sync.state import STATE_TOKEN
from tests.attachments.page_station import scanned_page
from tests.integration.test_village import (  # noqa: F401 - the two stations, the platform
    Point,
    _form,
    pair,
    reference_platform,
)
from tests.platform.backoffice import BackOffice
from tests.platform.runner import RunningPlatform
from tests.sync_station import PASSWORD, open_station


def _adapter(point: Point) -> ClerkSyncV1Adapter:
    services = point.services
    return ClerkSyncV1Adapter(services.ctx.config.platform_url,
                              token=services.sync_store.get_cursor(STATE_TOKEN))


def test_the_centre_sees_the_village_photos(
        pair: tuple[Point, Point], tmp_path_factory: pytest.TempPathFactory,  # noqa: F811
        reference_platform: RunningPlatform, back_office: BackOffice) -> None:  # noqa: F811
    village, centre = pair
    vs, agent = village.services, village.actor
    vv = village_of(vs)
    draft, form = _form(vs, agent, "最低生活保障申请", 21)
    number = vv.collection.collect(agent, draft, form).application_number
    id_card = vs.attachments.material_id_of(number, 2)
    photos = [scanned_page(61), scanned_page(62, colour=True)]
    vs.attachments.add_to_application(agent, number, id_card, photos)
    batch_no = vv.batches.make_batch(agent, [number])
    village.sync()

    cs, clerk = centre.services, centre.actor
    cv = village_of(cs)
    with _adapter(centre) as adapter:
        cv.centre.open_batch(clerk, batch_no, adapter.village_batch)
        got = cv.centre_pages.fetch(clerk, number, adapter.application_attachments,
                                    adapter.get_page)
        assert [p.sha256 for p in got.listed] == [p.sha256 for p in photos]
        assert got.waiting == 0 and set(got.fetched) == {p.sha256 for p in photos}
        kept = cv.centre_pages.keep(clerk, got)
        assert [p.sha256 for p in kept[id_card].pages] == [p.sha256 for p in photos]
        assert cs.attachments.page_bytes(photos[1].sha256) == photos[1].data
        # held here now: a second look fetches nothing, and nothing is uploaded back
        again = cv.centre_pages.fetch(clerk, number, adapter.application_attachments,
                                      adapter.get_page)
        assert again.fetched == {} and len(again.listed) == 2
        assert cv.centre_pages.keep(clerk, again) == kept
    assert StationPages(cs.ctx).pending_pages() == []
    with cs.ctx.db.reading() as session:
        assert all(f.uploaded_at is not None for f in session.scalars(select(PageFile)))
    assert cv.centre_pages.material_names(number)[id_card].startswith("2 ")

    # a station of another centre: neither the list nor a page
    other_code = centre.code[:6] + f"{(int(centre.code[6:]) + 211) % 1000:03d}"
    other = open_station(tmp_path_factory.mktemp("other"), other_code, reference_platform.url)
    try:
        admin = other.accounts.create_first_admin("admin", "王管理", PASSWORD)
        other.accounts.create(admin, "zhaowei", "赵伟", PASSWORD, Role.CLERK, "综合")
        key = back_office.issue_registration_key(other_code, "邻镇中心", "C510199")
        register_station(other.sync_store, adapter_factory(other.ctx.config), key)
        with ClerkSyncV1Adapter(other.ctx.config.platform_url,
                                token=other.sync_store.get_cursor(STATE_TOKEN)) as stranger:
            with pytest.raises(PlatformRejected) as listed:
                stranger.application_attachments(number)
            assert listed.value.status == 404
            with pytest.raises(PlatformRejected) as page:
                stranger.get_page(photos[0].sha256)
            assert page.value.status == 404
    finally:
        other.close()
