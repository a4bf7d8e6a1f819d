"""Material pages: stored bytes and normalization time per page, and pages over a 2G link.

1. Stored bytes per page for 12-megapixel phone photos (4000 × 3000, JPEG q92 with EXIF, as a
   phone writes them: dense small print, a sparse form, a page with a red seal, all with
   photo-like noise) against the original files (the baseline, same run); normalization
   time per page (target ≤ 200 ms), with decoding the original alone as a baseline.
2. N cases × 3 pages pushed by `SyncEngine.run_once` through the fault proxy at 64 kbit/s
   each way and 600 ms round trip, with the link cut 3 times mid-upload (every connection
   reset, back after 1 s): wall time, bytes on the wire (both directions, as the proxy
   counts them) against the page bytes themselves, and page bytes sent again.
3. `--sample-out PNG` writes the JPEG quality sample (small print at q 40/60/75/90).

Run: python -m tests.bench.bench_pages [--photos 6] [--cases 20] [--sample-out FILE]
(64 kbit/s moves about 8 KB/s: 20 cases × 3 pages of ~590 KB take about 75 minutes;
`--cases 2` takes about 9.)
"""

from __future__ import annotations

import argparse
import io
import os
import platform as host
import shutil
import sys
import tempfile
import threading
import time
from pathlib import Path

import PIL
from PIL import Image, ImageDraw, ImageFont

from clerk_app.services.attachments.normalize import JPEG_QUALITY, PreparedPage, prepare_bytes
from clerk_app.sync.adapter import ClerkSyncV1Adapter
from clerk_app.sync.engine import Outcome, SyncEngine
from clerk_app.sync.page_upload import StationPages
from tests.attachments.page_station import case_with_pages, new_page_station
from tests.attachments.samples import FONT, document_page
from tests.bench.stats import median
from tests.faults.proxy import FaultProxy
from tests.platform.runner import start_platform
from tests.platform.samples import write_catalogue

BANDWIDTH = 64_000
ONE_WAY = 0.3
KINDS = ("dense", "form", "seal")


def phone_photo(kind: str, seed: int) -> bytes:
    """A 12 MP photo of a page, JPEG q92 with EXIF orientation and GPS, as a phone saves it."""
    if kind == "form":
        page = document_page(4000, 3000, text_px=56, seed=seed)
        draw = ImageDraw.Draw(page)
        draw.rectangle((0, 600, 4000, 3000), fill=(244, 242, 236))  # a form's blank half
        for y in range(700, 2900, 180):
            draw.line((200, y, 3800, y), fill=(40, 40, 40), width=4)
        page = Image.blend(page, Image.effect_noise((1000, 750), 24).resize((4000, 3000))
                           .convert("RGB"), 0.10)
    else:
        page = document_page(4000, 3000, text_px=40, seed=seed, seal=kind == "seal")
    exif = Image.Exif()
    exif[0x0112] = 1
    exif[0x8825] = {1: "N", 2: (30.0, 39.0, 12.5), 3: "E", 4: (104.0, 4.0, 30.25)}
    out = io.BytesIO()
    page.save(out, "JPEG", quality=92, exif=exif.tobytes())
    return out.getvalue()


def part_sizes(photos: int) -> list[PreparedPage]:
    print(f"1. {photos} photos of 12 MP (4000×3000, JPEG q92 + EXIF/GPS) → stored page "
          f"(≤2000 px, JPEG q{JPEG_QUALITY}, grey unless red ink)")
    prepared: list[PreparedPage] = []
    rows = []
    for i in range(photos):
        kind = KINDS[i % len(KINDS)]
        original = phone_photo(kind, i)
        decode = []
        for _ in range(3):
            started = time.perf_counter()
            Image.open(io.BytesIO(original)).load()
            decode.append(time.perf_counter() - started)
        times = []
        for _ in range(3):
            started = time.perf_counter()
            page = prepare_bytes(original, f"IMG_{i:04d}.JPG")
            times.append(time.perf_counter() - started)
        prepared.append(page)
        rows.append((kind, len(original), page.size, min(times), min(decode), page.colour))
        print(f"   {kind:5s} original {len(original) / 1024:7.0f} KB → stored {page.size / 1024:6.0f}"
              f" KB ({page.size / len(original):5.1%})  {'colour' if page.colour else 'grey  '}"
              f"  normalize {min(times) * 1000:5.0f} ms (best of 3; decoding the original alone "
              f"{min(decode) * 1000:4.0f} ms)")
    originals = [r[1] for r in rows]
    stored = [r[2] for r in rows]
    print(f"   median: original {median(originals) / 1024:.0f} KB (baseline), stored "
          f"{median(stored) / 1024:.0f} KB ({median(stored) / median(originals):.1%}); "
          f"normalize median {median([r[3] for r in rows]) * 1000:.0f} ms, max "
          f"{max(r[3] for r in rows) * 1000:.0f} ms (target ≤ 200 ms); decode-only median "
          f"{median([r[4] for r in rows]) * 1000:.0f} ms")
    return prepared


class CountingAdapter(ClerkSyncV1Adapter):
    """The real adapter, counting the page bytes it puts on the wire (failed tries too)."""

    tried = 0

    def put_page_chunk(self, sha256: str, offset: int, size: int, media_type: str,
                       chunk: bytes) -> tuple[int, bool]:
        CountingAdapter.tried += len(chunk)
        return super().put_page_chunk(sha256, offset, size, media_type, chunk)


def part_link(cases: int, pages: list[PreparedPage], folder: Path) -> None:
    print(f"2. {cases} cases × 3 pages through the fault proxy at {BANDWIDTH // 1000} kbit/s "
          f"each way, {ONE_WAY * 2000:.0f} ms round trip, link cut 3 times mid-upload")
    platform = start_platform(folder / "platform",
                              catalogue=write_catalogue(folder / "catalogue.json"))
    proxy = FaultProxy("127.0.0.1", platform.port)
    proxy.start()
    try:
        office = platform.back_office()
        services, clerk = new_page_station(folder / "station", "510104001", proxy.url, office)
        page_sets = [[pages[(3 * c + k) % len(pages)] for k in range(3)] for c in range(cases)]
        # the same content twice would be sent once: make every page distinct
        distinct = [[prepare_bytes(_retag(p.data, c, k), p.original_name) for k, p in
                     enumerate(group)] for c, group in enumerate(page_sets)]
        for c, group in enumerate(distinct):
            case_with_pages(services, clerk, group, seed=c + 1)
        total = sum(p.size for group in distinct for p in group)

        def factory(token: str | None) -> ClerkSyncV1Adapter:
            return CountingAdapter(proxy.url, token=token, connect_timeout=10, read_timeout=60)

        engine = SyncEngine(factory, services.sync_store, pages=StationPages(services.ctx))
        proxy.set_bandwidth(BANDWIDTH)
        proxy.set_latency(ONE_WAY)
        proxy.reset_counters()
        cuts = [total // 4, total // 2, 3 * total // 4]
        done = threading.Event()

        def cutter() -> None:
            while cuts and not done.is_set():
                if CountingAdapter.tried >= cuts[0]:
                    cuts.pop(0)
                    proxy.go_offline()
                    time.sleep(1.0)
                    proxy.offline = False
                time.sleep(0.05)

        thread = threading.Thread(target=cutter, daemon=True)
        started = time.perf_counter()
        thread.start()
        runs = 0
        while True:
            runs += 1
            report = engine.run_once(force=True)
            if report.outcome is Outcome.DONE and not StationPages(services.ctx).pending_pages():
                break
            assert runs < 200, report.error
            time.sleep(1.5)  # the link is down: try again shortly, as the worker's backoff would
        wall = time.perf_counter() - started
        done.set()
        counters = proxy.counters
        wire = counters.bytes_up + counters.bytes_down
        print(f"   {cases * 3} pages, {total / 1024:.0f} KB of page bytes (baseline: the bytes "
              f"themselves); {runs} sync runs (failed ones retried after 1.5 s); wall {wall:7.1f} s "
              f"({total * 8 / BANDWIDTH:6.1f} s is the page bytes alone at line rate)")
        print(f"   bytes on the wire: {counters.bytes_up / 1024:.0f} KB up, "
              f"{counters.bytes_down / 1024:.0f} KB down, {wire / total:.3f}× the page bytes; "
              f"{counters.requests} requests")
        resent = CountingAdapter.tried - total
        print(f"   page bytes sent again after {3 - len(cuts)} cuts: {resent / 1024:.1f} KB "
              f"(bound: 3 chunks = {3 * engine.page_chunk / 1024:.0f} KB)")
        missing = [p.sha256 for group in distinct for p in group
                   if office.page(p.sha256) != p.data]
        print(f"   pages at the platform equal to the station's: {cases * 3 - len(missing)}"
              f"/{cases * 3}")
        office.close()
        services.close()
    finally:
        proxy.stop()
        platform.stop()


def _retag(data: bytes, case: int, page: int) -> bytes:
    """The same picture with one pixel changed, so each page has its own content."""
    image = Image.open(io.BytesIO(data))
    image.load()
    image.putpixel((case % image.width, page), 0 if image.mode == "L" else (0, 0, 0))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=95)
    return out.getvalue()


def quality_sample(path: Path) -> None:
    """Small print (about 六号 at 2,000 px per A4 height) at JPEG q 40, 60, 75 and 90."""
    page = document_page(1414, 2000, text_px=18, seed=5).convert("L")
    crop = (60, 40, 520, 200)
    font = ImageFont.truetype(str(FONT / "uming.ttc"), 22)
    tiles = []
    for quality in (40, 60, 75, 90):
        out = io.BytesIO()
        page.save(out, "JPEG", quality=quality)
        zoomed = Image.open(io.BytesIO(out.getvalue())).crop(crop).resize(
            ((crop[2] - crop[0]) * 2, (crop[3] - crop[1]) * 2), Image.Resampling.NEAREST)
        tile = Image.new("L", (zoomed.width, zoomed.height + 34), 255)
        ImageDraw.Draw(tile).text((4, 4), f"q={quality}  整页 {len(out.getvalue()) // 1024} KB",
                                  fill=0, font=font)
        tile.paste(zoomed, (0, 34))
        tiles.append(tile)
    sheet = Image.new("L", (tiles[0].width * 2 + 10, tiles[0].height * 2 + 10), 200)
    for i, tile in enumerate(tiles):
        sheet.paste(tile, ((i % 2) * (tile.width + 10), (i // 2) * (tile.height + 10)))
    sheet.save(path)
    print(f"3. quality sample written to {path}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--photos", type=int, default=6)
    parser.add_argument("--cases", type=int, default=20)
    parser.add_argument("--sample-out", type=Path, default=None)
    args = parser.parse_args()
    print(f"bench_pages: Python {sys.version.split()[0]}, Pillow {PIL.__version__}, "
          f"{host.machine()}, {os.cpu_count()} CPUs, load average "
          f"{' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    pages = part_sizes(args.photos)
    folder = Path(tempfile.mkdtemp(prefix="bench-pages-"))
    try:
        if args.cases:
            part_link(args.cases, pages, folder)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    if args.sample_out:
        quality_sample(args.sample_out)
    print(f"load average at the end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
