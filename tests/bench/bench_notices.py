"""Benchmark: time to make one notice PDF, warm and cold, against a .docx template filled in
and converted by LibreOffice (the way many offices make notices today).

Run from the repository root:  python tests/bench/bench_notices.py [--warm 50] [--cold 3] [--lo-runs 3]

Prints, per notice kind: warm median of N renders in one process (wall and CPU time); "new no."
= warm, but each render for another application number (new barcode and QR code, as a clerk's
next notice); cold = the first notice in a fresh process (fonts loaded then), shown as
render-only and imports+render;
LibreOffice median (python-docx fill + ``soffice --headless --convert-to pdf``) and the ratios;
and, as a baseline for the warm column under the same load, a raw reportlab canvas page (CJK
subset and Code 128, no layout engine) made after each warm render. Each column is measured in
its own pass over the kinds.
Issue 16's targets: warm median of the kinds <= 8 ms, cold <= 60 ms, LibreOffice / warm >= 150x.

The LibreOffice column is skipped with a message when soffice or python-docx is missing. Both
are tools of this benchmark only, not of Clerk (never in packaging/install.sh or pyproject):
  apt-get install -y --no-install-recommends libreoffice-writer-nogui   # Debian 12: LO 7.4
  .venv/bin/pip install python-docx

Profiles (the commands used for issue 16):
  python tests/bench/bench_notices.py --profile          # cProfile of warm renders, by own time
  python tests/bench/bench_notices.py --profile cumulative
  python -c 'import cProfile, pathlib, clerk_app.documents.font_face as f
  p = pathlib.Path("resources/fonts/uming.ttc")
  cProfile.run("f.MappedTTFont(chr(120), p)", sort="tottime")'   # cold: parsing the main face
What they showed and what was done: tests/bench/README.md ("What the profiles showed").
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from clerk_app.documents.notice_data import MaterialStatus, NoticeData, NoticeKind  # noqa: E402
from tests.documents.samples import KIND_MATTERS, sample  # noqa: E402

COLD_CHILD = """
import json, sys, time
t0 = time.perf_counter()
from clerk_app.documents.notice_data import NoticeKind
from clerk_app.documents.notices import render_notice
from tests.documents.samples import sample
t1 = time.perf_counter()
data = sample(NoticeKind(sys.argv[1]), sys.argv[2])
t2 = time.perf_counter()
pdf = render_notice(data)
t3 = time.perf_counter()
print(json.dumps({"imports": (t1 - t0) * 1000, "render": (t3 - t2) * 1000, "bytes": len(pdf)}))
"""


def warm_ms(data: NoticeData, runs: int, raw_page: Callable[[], float]) -> tuple[float, ...]:
    """Median wall time and median CPU time of `runs` renders after a warm-up, and the median
    of a raw canvas page rendered after each of them (the baseline under the same load)."""
    from clerk_app.documents.notices import render_notice

    for _ in range(3):
        render_notice(data)
        raw_page()
    wall, cpu, raw = [], [], []
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        render_notice(data)
        wall.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
        raw.append(raw_page())
    return statistics.median(wall), statistics.median(cpu), statistics.median(raw)


def raw_canvas_page() -> Callable[[], float]:
    """A function that makes one raw reportlab canvas page and returns its wall time in ms:
    600 characters of notice wording in the embedded main face (a subset of ~300 glyphs) and
    a Code 128, no layout engine. The reference the issue quotes (2-4 ms a page)."""
    import io

    from reportlab.graphics.barcode.code128 import Code128
    from reportlab.pdfgen.canvas import Canvas

    from clerk_app.documents.fonts import main_font
    from clerk_app.documents.styles import PAGE_HEIGHT, PAGE_WIDTH
    from clerk_app.documents.wording import load_wording

    texts = [page.title + "".join(getattr(block, "text", "") for block in page.blocks)
             for pages in load_wording().kinds.values() for page in pages]
    text = "".join(texts)[:600]
    font = main_font()

    def page() -> float:
        start = time.perf_counter()
        canvas = Canvas(io.BytesIO(), pagesize=(PAGE_WIDTH, PAGE_HEIGHT), invariant=True)
        canvas.setFont(font, 14)
        for line in range(30):
            canvas.drawString(60, PAGE_HEIGHT - 80 - 22 * line, text[20 * line : 20 * line + 20])
        Code128("510823101-20261126-0012", barHeight=28, barWidth=0.9).drawOn(canvas, 300, 780)
        canvas.showPage()
        canvas.save()
        return (time.perf_counter() - start) * 1000

    return page


def new_number_ms(kind: NoticeKind, matter: str, runs: int) -> float:
    """Median wall time of `runs` warm renders, each for another application number: its
    barcode and QR code are new (the QR symbol is cached per link, so "warm" reuses it)."""
    from clerk_app.documents.notices import render_notice

    wall = []
    for i in range(runs):
        data = sample(kind, matter, number=1000 + i)
        start = time.perf_counter()
        render_notice(data)
        wall.append((time.perf_counter() - start) * 1000)
    return statistics.median(wall)


def cold_ms(kind: NoticeKind, matter: str, runs: int) -> tuple[float, float]:
    """Median over `runs` fresh processes of (first render, imports + first render)."""
    renders, totals = [], []
    for _ in range(runs):
        done = subprocess.run(
            [sys.executable, "-c", COLD_CHILD, kind.value, matter],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
            timeout=120,
        )
        figures = json.loads(done.stdout.strip().splitlines()[-1])
        renders.append(figures["render"])
        totals.append(figures["imports"] + figures["render"])
    return statistics.median(renders), statistics.median(totals)


def profile_warm(sort: str, runs: int) -> None:
    """cProfile of `runs` warm renders of each kind, top 40 functions by `sort`."""
    import cProfile
    import pstats

    from clerk_app.documents.notices import render_notice

    datas = [sample(kind, KIND_MATTERS[kind][0]) for kind in NoticeKind]
    for data in datas:
        render_notice(data)
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(runs):
        for data in datas:
            render_notice(data)
    profiler.disable()
    pstats.Stats(profiler).sort_stats(sort).print_stats(40)


# --- the .docx way --------------------------------------------------------------------------


def docx_notice(data: NoticeData, path: Path) -> None:
    """The same notice as a filled-in .docx: title, serial, the wording's paragraphs, tables."""
    from docx import Document  # python-docx, installed for this benchmark only
    from docx.shared import Pt

    from clerk_app.documents.context import notice_values
    from clerk_app.documents.text import fill
    from clerk_app.documents.wording import Facts, MaterialsTable, Paragraph, load_wording

    wording = load_wording()
    values = notice_values(data, False, wording.layout.date_style)
    document = Document()
    style = document.styles["Normal"]
    style.font.name = "AR PL UMing CN"
    style.font.size = Pt(12)
    for page in wording.kinds[data.kind]:
        heading = document.add_paragraph()
        run = heading.add_run(page.title)
        run.font.size = Pt(22)
        run.bold = True
        document.add_paragraph(values["serial_no"])
        for block in page.blocks:
            if isinstance(block, Paragraph):
                if (block.when and not values.get(block.when)) or (
                    block.unless and values.get(block.unless)
                ):
                    continue
                document.add_paragraph(fill(block.text, values))
            elif isinstance(block, Facts):
                table = document.add_table(rows=0, cols=2)
                for row in block.rows:
                    if row.when and not values.get(row.when):
                        continue
                    cells = table.add_row().cells
                    cells[0].text = fill(row.label, values)
                    cells[1].text = fill(row.value, values)
            elif isinstance(block, MaterialsTable):
                table = document.add_table(rows=1, cols=len(block.columns))
                for cell, column in zip(table.rows[0].cells, block.columns, strict=True):
                    cell.text = column.label
                lines = [m for m in data.materials if m.status in block.statuses]
                for i, line in enumerate(lines, start=1):
                    cells = table.add_row().cells
                    texts = {
                        "index": str(i),
                        "name": line.name,
                        "form": line.form,
                        "requirement": line.requirement,
                        "status": line.status.value,
                    }
                    for cell, column in zip(cells, block.columns, strict=True):
                        cell.text = texts.get(column.key, "")
        document.add_paragraph(values["centre"])
        document.add_paragraph(values["issued_on"])
        document.add_page_break()
    document.save(str(path))


def libreoffice_ms(data: NoticeData, runs: int, soffice: str) -> float:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        profile = (folder / "profile").as_uri()
        command = [soffice, f"-env:UserInstallation={profile}", "--headless"]

        def one(name: str) -> float:
            start = time.perf_counter()
            source = folder / f"{name}.docx"
            docx_notice(data, source)
            subprocess.run(
                [*command, "--convert-to", "pdf", "--outdir", str(folder), str(source)],
                capture_output=True,
                check=True,
                timeout=300,
            )
            if not (folder / f"{name}.pdf").exists():
                raise RuntimeError("LibreOffice made no PDF")
            return (time.perf_counter() - start) * 1000

        one("warmup")  # the first start also creates the user profile
        return statistics.median(one(f"n{i}") for i in range(runs))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--warm", type=int, default=50, help="renders per kind for the warm median")
    parser.add_argument("--cold", type=int, default=3, help="fresh processes per kind")
    parser.add_argument("--lo-runs", type=int, default=3, help="LibreOffice conversions per kind")
    parser.add_argument(
        "--profile", nargs="?", const="tottime", metavar="SORT",
        help="print a cProfile of warm renders of every kind (sorted by SORT) and stop",
    )
    args = parser.parse_args()
    if args.profile:
        profile_warm(args.profile, args.warm)
        return

    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    docx_missing = ""
    try:
        import docx  # noqa: F401
    except ImportError:
        docx_missing = "python-docx is not installed (pip install python-docx)"
    if soffice is None:
        print(
            "LibreOffice column skipped: soffice not found "
            "(apt-get install -y libreoffice-writer-nogui)"
        )
    elif docx_missing:
        print(f"LibreOffice column skipped: {docx_missing}")
    use_lo = soffice is not None and not docx_missing and args.lo_runs > 0

    try:
        import _rl_accel  # noqa: F401

        accel = "with reportlab's C accelerator (rl-accel)"
    except ImportError:
        accel = "without reportlab's C accelerator (pip install rl-accel)"
    print(f"Python {sys.version.split()[0]}, {accel}; times in ms")
    load = " ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"load average {load} on {os.cpu_count()} CPUs (other work inflates wall times)")
    header = f"{'notice':<22}{'warm':>8}{'warm cpu':>10}{'new no.':>9}{'cold':>8}{'cold+imp':>10}"
    if use_lo:
        header += f"{'LibreOffice':>13}{'LO/warm':>9}{'LO/cold':>9}"
    print(header)
    # One pass per column, so that no column's work (LibreOffice's processes above all) runs
    # into another's measurements.
    kinds = list(NoticeKind)
    datas = {kind: sample(kind, KIND_MATTERS[kind][0]) for kind in kinds}
    for data in datas.values():
        assert any(m.status is not MaterialStatus.NOT_APPLICABLE for m in data.materials)
    raw_page = raw_canvas_page()
    warm = {kind: warm_ms(datas[kind], args.warm, raw_page) for kind in kinds}
    fresh = {kind: new_number_ms(kind, KIND_MATTERS[kind][0], max(args.warm // 2, 1))
             for kind in kinds}
    cold = {kind: cold_ms(kind, KIND_MATTERS[kind][0], args.cold) if args.cold else (0.0, 0.0)
            for kind in kinds}
    office = ({kind: libreoffice_ms(datas[kind], args.lo_runs, soffice) for kind in kinds}
              if use_lo and soffice is not None else {})
    warm_all = [warm[kind][0] for kind in kinds]
    new_all = [fresh[kind] for kind in kinds]
    cold_all = [cold[kind][0] for kind in kinds]
    office_all = [office[kind] for kind in kinds if kind in office]
    lo_warm = [office[kind] / warm[kind][0] for kind in kinds if kind in office]
    lo_cold = [office[kind] / cold[kind][0] for kind in kinds if kind in office and cold[kind][0]]
    for kind in kinds:
        line = (
            f"{kind.value:<22}{warm[kind][0]:>8.1f}{warm[kind][1]:>10.1f}{fresh[kind]:>9.1f}"
            f"{cold[kind][0]:>8.1f}{cold[kind][1]:>10.1f}"
        )
        if kind in office:
            by_cold = office[kind] / cold[kind][0] if cold[kind][0] else 0.0
            line += f"{office[kind]:>13.0f}{office[kind] / warm[kind][0]:>8.0f}x{by_cold:>8.0f}x"
        print(line, flush=True)
    line = (
        f"{'median of kinds':<22}{statistics.median(warm_all):>8.1f}{'':>10}"
        f"{statistics.median(new_all):>9.1f}{statistics.median(cold_all):>8.1f}{'':>10}"
    )
    if office_all:
        line += f"{statistics.median(office_all):>13.0f}{statistics.median(lo_warm):>8.0f}x"
        line += f"{statistics.median(lo_cold) if lo_cold else 0:>8.0f}x"
    print(line)
    raw = statistics.median(warm[kind][2] for kind in kinds)
    print(f"baseline: a raw canvas page (CJK subset + Code 128, no layout), rendered after each "
          f"warm notice: {raw:.1f} ms; warm notice / raw page = "
          f"{statistics.median(warm[kind][0] / warm[kind][2] for kind in kinds):.1f}x")
    print("targets: warm <= 8 ms, cold <= 60 ms, LibreOffice / warm >= 150x")


if __name__ == "__main__":
    main()
