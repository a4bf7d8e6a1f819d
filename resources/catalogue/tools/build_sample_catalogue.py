"""Generate resources/catalogue/sample_catalogue.json from the matter definitions here.

Usage (from the repository root):

    python resources/catalogue/tools/build_sample_catalogue.py          # write the JSON
    python resources/catalogue/tools/build_sample_catalogue.py --check  # exit 1 if stale

The sample is illustrative: 青石县 / 青石镇, the codes and the phone numbers are fictional;
the legal bases are real texts. Edit the matters_*.py modules, then regenerate.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import matters_bundles  # noqa: E402
import matters_livelihood  # noqa: E402
import matters_other  # noqa: E402
import matters_social  # noqa: E402
from _sample_remedy import with_remedy  # noqa: E402

OUT = HERE.parent / "sample_catalogue.json"
PUBLISHED_AT = "2026-11-01T08:00:00+08:00"
ISSUER = "青石县政务服务管理局"


# Text is typed with ASCII punctuation in the sources; clerks see Chinese full-width marks.
_ASCII_TO_FULL = {",": "，", ";": "；", "(": "（", ")": "）", "?": "？", "!": "！"}
_COLON = re.compile(r"(?<!\d):|:(?!\d)")  # keep clock times such as 9:00
_VERBATIM_KEYS = {"code", "id", "consult_phone", "complaint_phone", "matter", "material",
                  "produced_by", "waits_for"}


def zh_punct(text: str) -> str:
    text = "".join(_ASCII_TO_FULL.get(ch, ch) for ch in text)
    return _COLON.sub("：", text)


def _localise(value: Any, key: str = "") -> Any:
    if isinstance(value, str):
        return value if key in _VERBATIM_KEYS else zh_punct(value)
    if isinstance(value, list):
        return [_localise(v, key) for v in value]
    if isinstance(value, dict):
        return {k: _localise(v, k) for k, v in value.items()}
    return value


def build() -> dict[str, Any]:
    matters = [
        *matters_social.matters(),
        *matters_livelihood.matters(),
        *matters_other.matters(),
        *matters_bundles.member_matters(),
    ]
    return {
        "format": "clerk-catalogue/1",
        "published_at": PUBLISHED_AT,
        "issuer": ISSUER,
        "matters": [_localise(with_remedy(m)) for m in matters],
        "bundles": [_localise(b) for b in matters_bundles.bundles()],
    }


def render() -> str:
    return json.dumps(build(), ensure_ascii=False, indent=2) + "\n"


def main(argv: list[str]) -> int:
    text = render()
    if "--check" in argv:
        current = OUT.read_text(encoding="utf-8") if OUT.exists() else ""
        if current != text:
            print(f"{OUT} is out of date; run {Path(__file__).name}", file=sys.stderr)
            return 1
        return 0
    OUT.write_text(text, encoding="utf-8")
    print(f"wrote {OUT} ({len(build()['matters'])} matters)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
