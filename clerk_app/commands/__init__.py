"""Headless sub-commands of `python main.py`, one module per topic.

Each module has `register(sub)` that adds its parser(s) with `set_defaults(handler=...)`;
a handler takes the parsed arguments and returns the exit code. Handlers call the same service
functions as the window's buttons.
"""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from contextlib import contextmanager

from clerk_app.app import Services

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_NOT_SET_UP = 0, 1, 2, 3

SubParsers = argparse._SubParsersAction


@contextmanager
def services_for(args: argparse.Namespace, *, load_sample: bool = True) -> Iterator[Services]:
    """Open the services on the data directory named by --data-dir (or the default), signed
    in as --user (password from CLERK_PASSWORD or a prompt) or with the machine copy."""
    from clerk_app.commands.access import open_for_command

    services = open_for_command(args, load_sample=load_sample)
    try:
        yield services
    finally:
        services.close()
