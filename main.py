"""Clerk 窗口受理客户端 — entry point: `python main.py` starts the window; `--help` lists jobs."""

import sys

from clerk_app.launch import main

if __name__ == "__main__":
    sys.exit(main())
