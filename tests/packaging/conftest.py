"""The frozen bundle's tests run only where .ci/run has built it (and, for the .deb upgrade,
only on a throwaway machine as root): the README's test command does not freeze the app, so
there they are not collected at all rather than reported as skipped."""

from __future__ import annotations

import os

collect_ignore = []
if not os.environ.get("CLERK_FROZEN_BUNDLE"):
    collect_ignore.append("test_frozen_smoke.py")
if os.environ.get("CLERK_DEB_UPGRADE") != "1":
    collect_ignore.append("test_deb_upgrade.py")
