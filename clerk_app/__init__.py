"""Clerk 窗口受理客户端: window-acceptance client for government service centres."""

__version__ = "0.1.0"
