"""Matter search latency per keystroke on a generated 10,000-matter catalogue.

Each query is typed one character at a time; every prefix is one keystroke-to-results time.
Baseline, side by side: the same prefixes through a plain `LIKE '%…%'` scan in SQLite over
name, code, full pinyin and initials columns, shortest names first (what many systems do; it
cannot match `dibao` or 低保, so it does less work than the index). Also timed: the previous
per-matter index (tests/unit/search_reference.py), which ranks exactly the same.

The index is built from stored syllables, as the app does (the catalogue stores them at
import); its build time and size (tracemalloc, a second build) are printed for both indexes.

Run: python -m tests.bench.bench_search
Profile: python -c "import cProfile, tests.bench.bench_search as b; cProfile.run('b.main(runs=3)',
  '/tmp/search.prof')" && python -m pstats /tmp/search.prof  (then: sort tottime, stats 15)
"""

from __future__ import annotations

import json
import os
import platform
import random
import sqlite3
import time
import tracemalloc
from collections.abc import Callable, Sequence
from pathlib import Path

import pypinyin

from clerk_app.services.intake.search import MatterIndex, SearchEntry, syllables
from tests.bench.stats import median, percentile
from tests.unit.search_reference import ReferenceIndex

ROOT = Path(__file__).resolve().parents[2]
QUERIES = ["dibao", "dbsq", "gtgsh", "养老 登记", "canjirenzheng", "gaoling jintie", "低保",
           "510104", "yljz", "宅基地", "jiuye chuangye", "临时救助", "lsjz", "shengyu dengji"]
SUBJECTS = ["残疾人证", "高龄津贴", "最低生活保障", "个体工商户", "食品小作坊", "农村宅基地",
            "林木采伐", "临时救助", "医疗救助", "生育登记", "就业创业证", "城乡居民养老保险",
            "城乡居民医疗保险", "特困人员供养", "孤儿基本生活费", "退役军人优待证", "农机购置补贴",
            "耕地地力保护补贴", "殡葬补贴", "独生子女父母奖励", "居住证", "失业登记", "灵活就业",
            "乡村建设规划许可", "危房改造", "农村土地承包", "家庭农场", "农民专业合作社",
            "流动人口婚育证明", "计划生育家庭特别扶助"]
ACTIONS = ["申请", "登记", "变更", "注销", "补办", "审核", "确认", "备案", "认定", "换领",
           "申领", "延续", "年度核查", "资格认证", "待遇发放", "信息更正", "证明开具"]
TOWNS = [f"{a}{b}{c}" for a in "青白石金龙凤安永" for b in "山水河溪岭桥湾坝" for c in "镇乡"]
SCOPES = ["", "城镇", "农村", "城乡", "困难群众", "老年人", "残疾人", "企业", "个人", "家庭"]


def generated_catalogue(size: int, seed: int = 1) -> list[SearchEntry]:
    """Realistic-looking matter names: the sample's names plus combinations."""
    rng = random.Random(seed)
    sample = json.loads((ROOT / "resources/catalogue/sample_catalogue.json").read_text("utf-8"))
    entries = [SearchEntry(m["code"], m["name"], True, tuple(m.get("keywords", ()))) for m in sample["matters"]]
    seen = {e.name for e in entries}
    while len(entries) < size:
        name = rng.choice(SCOPES) + rng.choice(SUBJECTS) + rng.choice(ACTIONS)
        if name in seen or rng.random() < 0.3:
            name += f"（{rng.choice(TOWNS)}{rng.choice(['', '便民服务中心', '代办点'])}）"
        if name in seen:
            continue
        seen.add(name)
        code = f"{rng.choice(['510104', '510105', '510112'])}-{len(entries):06d}"
        entries.append(SearchEntry(code, name))
    return entries


def keystrokes(query: str) -> list[str]:
    return [query[:i] for i in range(1, len(query) + 1) if query[:i].strip()]


def like_database(entries: list[SearchEntry]) -> sqlite3.Connection:
    db = sqlite3.connect(":memory:")
    db.execute("CREATE TABLE matters (code TEXT, name TEXT, pinyin TEXT, initials TEXT)")
    rows = []
    for e in entries:
        syl = syllables(e.name)
        rows.append((e.code, e.name, "".join(syl), "".join(s[0] for s in syl)))
    db.executemany("INSERT INTO matters VALUES (?, ?, ?, ?)", rows)
    return db


def like_search(db: sqlite3.Connection, query: str) -> list[tuple[str, str]]:
    words = query.split()
    where = " AND ".join(
        "(name LIKE ? OR code LIKE ? OR pinyin LIKE ? OR initials LIKE ?)" for _ in words)
    params = [f"%{w}%" for w in words for _ in range(4)]
    return db.execute(f"SELECT code, name FROM matters WHERE {where} ORDER BY length(name) LIMIT 50", params).fetchall()


def with_syllables(entries: list[SearchEntry]) -> list[SearchEntry]:
    """The entries as the catalogue hands them to the index: syllables stored at import."""
    return [SearchEntry(e.code, e.name, e.active, e.keywords, tuple(syllables(e.searchable)))
            for e in entries]


def built(make: Callable[[], object]) -> tuple[float, float]:
    """Seconds to build an index, and the megabytes it holds (measured on a second build)."""
    started = time.perf_counter()
    make()
    seconds = time.perf_counter() - started
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    kept = make()
    size = tracemalloc.get_traced_memory()[0] - before
    tracemalloc.stop()
    del kept
    return seconds, size / 1e6


class Searcher:
    def __init__(self, label: str, search: Callable[[str], Sequence[object]],
                 fresh: Callable[[], None]) -> None:
        self.label, self.search, self.fresh = label, search, fresh
        self.times: list[float] = []


def main(size: int = 10_000, runs: int = 5) -> None:
    load = os.getloadavg()
    entries = generated_catalogue(size)
    started = time.perf_counter()
    stored = with_syllables(entries)
    pinyin = time.perf_counter() - started
    build, megabytes = built(lambda: MatterIndex(stored))
    old_build, old_megabytes = built(lambda: ReferenceIndex(stored))
    index, reference = MatterIndex(stored), ReferenceIndex(stored)
    db = like_database(entries)
    searchers = [Searcher("MatterIndex (ours)", index.search, index.clear_cache),
                 Searcher("previous index", reference.search, reference.clear_cache),
                 Searcher("SQLite LIKE '%…%'", lambda q: like_search(db, q), lambda: None)]
    for _run in range(runs):
        for query in QUERIES:
            for searcher in searchers:
                searcher.fresh()
            for prefix in keystrokes(query):
                for searcher in searchers:
                    t0 = time.perf_counter()
                    searcher.search(prefix)
                    searcher.times.append(time.perf_counter() - t0)
    ours, old, baseline = (searcher.times for searcher in searchers)
    print(f"matter search, {len(entries)} matters, {len(ours)} keystrokes "
          f"({len(QUERIES)} queries typed char by char, {runs} runs); load average "
          f"{load[0]:.2f} {load[1]:.2f} {load[2]:.2f} ({os.cpu_count()} CPUs); Python "
          f"{platform.python_version()}, SQLite {sqlite3.sqlite_version}, pypinyin "
          f"{pypinyin.__version__}")
    print(f"index build from stored syllables: ours {build * 1000:.0f} ms, {megabytes:.1f} MB; "
          f"previous {old_build * 1000:.0f} ms, {old_megabytes:.1f} MB "
          f"(syllables by pypinyin at import: {pinyin * 1000:.0f} ms)")
    print(f"{'':24}{'p50':>12}{'p95':>12}{'max':>12}")
    for searcher in searchers:
        values = searcher.times
        print(f"{searcher.label:24}{percentile(values, 50) * 1000:10.2f}ms"
              f"{percentile(values, 95) * 1000:10.2f}ms{max(values) * 1000:10.2f}ms")
    print(f"ratio LIKE/ours: p50 {percentile(baseline, 50) / percentile(ours, 50):.2f}x, "
          f"p95 {percentile(baseline, 95) / percentile(ours, 95):.2f}x; previous/ours: p50 "
          f"{percentile(old, 50) / percentile(ours, 50):.2f}x, p95 "
          f"{percentile(old, 95) / percentile(ours, 95):.2f}x (target: ours p95 <= 4 ms and "
          f"below LIKE at p50 and p95); median per keystroke {median(ours) * 1000:.2f} ms")
    same = all(index.search(q) == reference.search(q) for query in QUERIES
               for q in keystrokes(query))
    samples = {q: [h.name for h in index.search(q, 3)] for q in ("dibao", "gtgsh", "低保")}
    print(f"same hits as the previous index: {same}; top results:",
          json.dumps(samples, ensure_ascii=False))


if __name__ == "__main__":
    main()
