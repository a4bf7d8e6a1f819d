"""A station with material pages for page-sync tests and the bench: a plain database (a child
process can open it without signing in), a registered token, intakes with generated pages."""

from __future__ import annotations

import io
import random
from pathlib import Path

from clerk_app.app import Services, open_services
from clerk_app.config import Config
from clerk_app.domain.fake_people import FakePeople
from clerk_app.services.attachments.normalize import ColourPolicy, PreparedPage, prepare_bytes
from clerk_app.services.station.context import SYSTEM_ACTOR, Actor
from clerk_app.services.station.settings import CentreSettings, save_settings
from tests.attachments.samples import document_page
from tests.platform.backoffice import BackOffice
from tests.sync_station import bundled_matter, confirm_intake, make_clerk, register


def open_page_station(data_dir: Path, station_code: str, url: str,
                      read_timeout: float = 5.0) -> Services:
    """Services on a plain database in `data_dir`, set up as `station_code`."""
    config = Config(data_dir=data_dir, platform_url=url, connect_timeout_s=2.0,
                    read_timeout_s=read_timeout)
    services = open_services(config, log_to_file=False)
    save_settings(services.ctx, SYSTEM_ACTOR, CentreSettings(
        centre_name="青石镇便民服务中心", region_code=station_code[:6],
        station_code=station_code[6:]), first_setup=True)
    return services


def new_page_station(data_dir: Path, station_code: str, url: str,
                     office: BackOffice) -> tuple[Services, Actor]:
    services = open_page_station(data_dir, station_code, url)
    clerk = make_clerk(services)
    register(services, office, station_code)
    return services, clerk


def scanned_page(seed: int, *, colour: bool = False, width: int = 1000,
                 height: int = 1414) -> PreparedPage:
    """A normalized page made from a generated A4 scan (about 120 dpi by default: ~150 KB)."""
    image = document_page(width, height, seal=colour, seed=seed, text_px=28)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=92)
    return prepare_bytes(out.getvalue(), f"scan-{seed}.jpg",
                         ColourPolicy.COLOUR if colour else ColourPolicy.AUTO)


def case_with_pages(services: Services, clerk: Actor, pages: list[PreparedPage],
                    seed: int = 1) -> str:
    """One confirmed intake with `pages` on its second material; its number."""
    number = confirm_intake(services, clerk, bundled_matter(services), FakePeople(seed))
    material = services.attachments.material_id_of(number, 2)
    services.attachments.add_to_application(clerk, number, material, pages)
    return number


def random_seed() -> int:
    return random.randrange(1 << 30)
