"""Run the reference platform: ``python -m tests.platform --db platform.sqlite --port 8700 --admin-key demo``."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from pathlib import Path

from tests.platform.progress import ClientLimiter, parse_limit
from tests.platform.server import create_app, seed, serve
from tests.platform.store import PlatformStore


def database_url(value: str) -> str:
    """A SQLAlchemy URL as given, or a SQLite URL for a file path."""
    if "://" in value:
        return value
    return f"sqlite:///{Path(value).resolve()}"


def main(argv: list[str] | None = None) -> int:
    """Parse options, seed an empty store, serve until interrupted."""
    parser = argparse.ArgumentParser(prog="python -m tests.platform",
                                     description="Clerk reference platform (Clerk Sync API v1)")
    parser.add_argument("--db", default="platform.sqlite",
                        help="SQLite file path or any SQLAlchemy URL (default platform.sqlite)")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8700, help="0 picks a free port")
    parser.add_argument("--admin-key", default=os.environ.get("CLERK_PLATFORM_ADMIN_KEY", ""),
                        help="key for /admin (or env CLERK_PLATFORM_ADMIN_KEY)")
    parser.add_argument("--catalogue", type=Path,
                        help="clerk-catalogue/1 file to seed an empty store with "
                             "(default resources/catalogue/sample_catalogue.json if present)")
    parser.add_argument("--calendar-dir", type=Path,
                        help="folder of cn-*.json calendars (default resources/calendar)")
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--public-url", default="",
                        help="progress page address told to stations "
                             "(default: this server's /q)")
    parser.add_argument("--progress-limit", type=parse_limit, default="20/600",
                        help="progress page lookups per client address, TRIES/SECONDS")
    parser.add_argument("--verbose", action="store_true")
    args = parser.parse_args(argv)
    if not args.admin_key:
        parser.error("--admin-key is required (or set CLERK_PLATFORM_ADMIN_KEY)")
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.INFO,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")

    store = PlatformStore(database_url(args.db))
    seed(store, args.catalogue, args.calendar_dir)

    def ready(host: str, port: int) -> None:
        print(f"clerk-platform listening on http://{host}:{port}", flush=True)

    try:
        app = create_app(store, args.admin_key, public_url=args.public_url,
                         progress_limiter=ClientLimiter(*args.progress_limit))
        serve(app, args.host, args.port, args.threads, ready)
    except KeyboardInterrupt:
        pass
    finally:
        store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
