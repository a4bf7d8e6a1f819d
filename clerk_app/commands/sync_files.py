"""`sync export --out FILE` and `sync upload FILE`: sync by file for a point without network.

`sync export` (exit 0 written, 1 nothing to export or cannot write, 5 not registered) writes
every event and page the platform has not acknowledged, sealed to the platform's key.
`sync upload` (exit 0 applied, 1 refused — truncated, altered, not a sync file —, 4 platform
unreachable, 5 this station not registered) relays a file from any registered station.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from clerk_app.commands import EXIT_FAILED, EXIT_OK, SubParsers, services_for
from clerk_app.commands.notice import CLI_ACTOR
from clerk_app.i18n import _
from clerk_app.services.attachments.normalize import human_size
from clerk_app.sync.api import PlatformError
from clerk_app.sync.engine import EXIT_NOT_REGISTERED, EXIT_PARTIAL, adapter_factory
from clerk_app.sync.file_transport import (
    SyncFileProblem,
    export_sync_file,
    read_sync_file,
    relay_sync_file,
)
from clerk_app.sync.state import STATE_TOKEN


def register_actions(actions: SubParsers) -> None:
    """Add `export` and `upload` under `sync`."""
    export = actions.add_parser("export", help=_("把平台尚未确认的记录和材料页面导出为加密同步文件"))
    export.add_argument("--out", type=Path, required=True, help=_("同步文件（如 U 盘上的文件）"))
    export.set_defaults(handler=_export)
    upload = actions.add_parser("upload", help=_("把其他站点导出的同步文件原样转交平台"))
    upload.add_argument("file", type=Path, help=_("同步文件"))
    upload.set_defaults(handler=_upload)


def _export(args: argparse.Namespace) -> int:
    with services_for(args) as services:
        store = services.sync_store
        if not store.get_cursor(STATE_TOKEN):
            print(_("本站尚未在平台注册，不能导出同步文件（先在有网络时注册一次）"),
                  file=sys.stderr)
            return EXIT_NOT_REGISTERED
        try:
            result = export_sync_file(store, CLI_ACTOR, args.out)
        except (SyncFileProblem, ValueError) as exc:
            print(str(exc), file=sys.stderr)
            return EXIT_FAILED
    print(_("已写出同步文件 {path}：{events} 条记录，{pages} 个材料页面（{bytes}），文件共 {size}。")
          .format(path=result.path, events=result.events, pages=result.pages,
                  bytes=human_size(result.page_bytes) if result.pages else "0 KB",
                  size=human_size(result.size)))
    print(_("文件已加密，只有政务服务平台能打开。请带到任一有网络的已注册站点，运行："
            "python main.py sync upload 文件名"))
    return EXIT_OK


def _upload(args: argparse.Namespace) -> int:
    try:
        blob = read_sync_file(args.file)
    except SyncFileProblem as exc:
        print(str(exc), file=sys.stderr)
        return EXIT_FAILED
    with services_for(args) as services:
        token = services.sync_store.get_cursor(STATE_TOKEN)
        config = services.ctx.config
    if not token or not config.platform_url.strip():
        print(_("本站尚未在平台注册或未设置平台地址，不能转交同步文件"), file=sys.stderr)
        return EXIT_NOT_REGISTERED
    adapter = adapter_factory(config)(token)
    try:
        answer = relay_sync_file(adapter, blob)
    except PlatformError as exc:
        print(exc.message, file=sys.stderr)
        return EXIT_PARTIAL if exc.transient else EXIT_FAILED
    finally:
        adapter.close()
    events, pages = answer.get("events", {}), answer.get("pages", {})
    print(_("平台已采用站点 {station} 的同步文件：新记录 {applied} 条，已有 {duplicate} 条，"
            "退回 {rejected} 条；新页面 {stored} 个，已有 {known} 个").format(
        station=answer.get("station", "?"), applied=events.get("applied", 0),
        duplicate=events.get("duplicate", 0), rejected=events.get("rejected", 0),
        stored=pages.get("stored", 0), known=pages.get("known", 0)))
    return EXIT_OK
