"""Entry point: `python main.py` (the window) without loading the command-line jobs' modules.

The sub-commands import the whole service layer when their parser is built; a plain start of
the window (only --data-dir, --user or `gui`) goes straight to the window, which loads what it
needs while the login dialog waits. Anything else goes to clerk_app/cli.py, unchanged.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

EXIT_FAILED = 1  # as clerk_app/commands


class _NotPlainStart(Exception):
    """The arguments are not a plain window start: the full parser decides."""


class _QuietParser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        raise _NotPlainStart(message)


def plain_start(argv: Sequence[str]) -> tuple[bool, Path | None]:
    """(True, data dir) when `argv` only starts the window (what cli.py's parser would read
    as the default `gui` job); (False, None) for anything else, help and errors included."""
    parser = _QuietParser(add_help=False)
    parser.add_argument("--data-dir", type=Path, default=None)
    parser.add_argument("--user", default=None)
    try:
        args, rest = parser.parse_known_args(list(argv))
    except _NotPlainStart:
        return False, None
    if rest and (rest != ["gui"] or argv[-1] != "gui"):
        return False, None
    return True, args.data_dir


def run_window(data_dir: Path | None) -> int:
    """The window, with the command line's handling of a fault that escapes it."""
    from clerk_app.ui.station import warm_up

    warm_up.pause_gc()  # until the window's modules are loaded (warm_up.py)
    from clerk_app.config import load_config
    from clerk_app.ui.run import run_gui

    try:
        return run_gui(load_config(data_dir))
    except Exception as exc:
        from clerk_app.store.faults import said_in_words

        message = said_in_words(exc, load_config(data_dir).data_dir)
        if message is None:
            raise
        print(message, file=sys.stderr)
        return EXIT_FAILED


def main(argv: Sequence[str] | None = None) -> int:
    arguments = list(sys.argv[1:] if argv is None else argv)
    window, data_dir = plain_start(arguments)
    if window:
        return run_window(data_dir)
    from clerk_app.cli import main as command_line

    return command_line(arguments)
