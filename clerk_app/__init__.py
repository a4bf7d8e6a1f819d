"""Clerk 窗口受理客户端: window-acceptance client for government service centres."""

# The one version source: pyproject.toml (dynamic), the frozen bundle, the .deb, the Windows
# installer and version resource, and `clerk --version` all read it from here.
__version__ = "0.2.0"
