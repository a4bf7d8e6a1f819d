"""`BackOffice`: a Python client (and a command line) for the reference platform's admin API.

    python -m tests.platform.backoffice --url http://127.0.0.1:8700 --admin-key demo \\
        issue-key 510104001 --name 某某镇便民服务中心
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

import requests


class BackOfficeError(RuntimeError):
    """The admin API refused a request (carries the platform's error code)."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(f"{status} {code}: {message}")
        self.status, self.code = status, code


class BackOffice:
    """Play the back office of a running reference platform."""

    def __init__(self, url: str, admin_key: str, timeout: float = 10.0) -> None:
        self.url = url.rstrip("/")
        self._session = requests.Session()
        self._session.headers["X-Admin-Key"] = admin_key
        self.timeout = timeout

    def _call(self, method: str, path: str, body: Any = None, **params: str) -> Any:
        response = self._session.request(
            method, f"{self.url}/admin{path}", json=body, params=params or None,
            timeout=self.timeout,
        )
        try:
            answer = response.json()
        except ValueError:
            answer = {}
        if response.status_code >= 400:
            raise BackOfficeError(
                response.status_code, answer.get("error", ""), answer.get("message", "")
            )
        return answer

    def issue_registration_key(self, station: str, name: str = "", centre: str = "") -> str:
        """A one-time registration key for a station (centre defaults to the station)."""
        answer = self._call(
            "POST", "/registration-keys", {"station": station, "name": name, "centre": centre}
        )
        return str(answer["registration_key"])

    def revoke_station(self, station: str) -> int:
        """Revoke the station's tokens; returns how many were live."""
        return int(self._call("POST", f"/stations/{station}/revoke")["revoked"])

    def set_status(self, application_no: str, status: str, note: str = "", by: str = "") -> int:
        """Record a back-office status change (in_review, completed, denied, returned…)."""
        body = {"status": status, "note": note, "by": by}
        return int(self._call("POST", f"/applications/{application_no}/status", body)["seq"])

    def application(self, application_no: str) -> dict[str, Any] | None:
        """The platform's projection of an application, None when unknown."""
        try:
            return dict(self._call("GET", f"/applications/{application_no}"))
        except BackOfficeError as exc:
            if exc.status == 404:
                return None
            raise

    def publish_matter(self, matter: dict[str, Any]) -> int:
        """Publish a new version of a matter; returns the catalogue revision."""
        return int(self._call("POST", "/catalogue/matters", matter)["revision"])

    def withdraw_matter(self, code: str, reason: str) -> int:
        """Withdraw a matter; returns the catalogue revision."""
        return int(self._call("POST", f"/catalogue/matters/{code}/withdraw",
                              {"reason": reason})["revision"])

    def publish_calendar(self, document: dict[str, Any]) -> int:
        """Publish one `clerk-calendar/1` year; returns the calendar revision."""
        return int(self._call("PUT", f"/calendar/{document['year']}", document)["revision"])

    def maintenance(self, retry_after: int | None) -> None:
        """Answer 503 with this Retry-After to every API call (None: back to normal)."""
        self._call("PUT", "/maintenance", {"retry_after": retry_after})

    def set_progress_url(self, url: str) -> None:
        """The progress page address stations are told ("" back to the default)."""
        self._call("PUT", "/progress-url", {"url": url})

    def set_centre_contact(self, centre: str, **contact: str) -> None:
        """The centre's public name, phone, address and hours on the progress page."""
        self._call("PUT", f"/centres/{centre}", contact)

    def event_ids(self, station: str | None = None) -> list[str]:
        """Every stored event id (of one station)."""
        params = {"station": station} if station else {}
        return list(self._call("GET", "/events", **params)["ids"])

    def audit_trail(self, station: str) -> dict[str, Any]:
        """The newest audit head the station showed and the alerts (history rewritten)."""
        return dict(self._call("GET", f"/stations/{station}/audit-trail"))

    def attachments(self, application_no: str) -> list[dict[str, Any]]:
        """An application's pages as the platform knows them: material, page, size, SHA-256."""
        return list(self._call("GET", f"/applications/{application_no}/attachments")["pages"])

    def page(self, sha256: str) -> bytes:
        """The bytes of a page exactly as received."""
        response = self._session.get(f"{self.url}/admin/pages/{sha256}", timeout=self.timeout)
        if response.status_code >= 400:
            raise BackOfficeError(response.status_code, "unknown_page", response.text[:200])
        return response.content

    def save_attachments(self, application_no: str, folder: Path) -> list[dict[str, Any]]:
        """Write every received page of an application into `folder` (names say material and
        page); returns the list with each file's name."""
        folder.mkdir(parents=True, exist_ok=True)
        pages = self.attachments(application_no)
        for item in pages:
            if not item["received"]:
                continue
            suffix = ".pdf" if item["media_type"] == "application/pdf" else ".jpg"
            name = f"{item['material']:02d}-{item['material_id']}-{item['page']:02d}{suffix}"
            (folder / name).write_bytes(self.page(item["sha256"]))
            item["file"] = name
        return pages

    def close(self) -> None:
        """Close the HTTP session."""
        self._session.close()


def main(argv: list[str] | None = None) -> int:
    """Command line: one back-office action, result printed as JSON."""
    parser = argparse.ArgumentParser(prog="python -m tests.platform.backoffice")
    parser.add_argument("--url", default="http://127.0.0.1:8700")
    parser.add_argument("--admin-key", required=True)
    actions = parser.add_subparsers(dest="action", required=True)
    issue = actions.add_parser("issue-key", help="issue a one-time registration key")
    issue.add_argument("station")
    issue.add_argument("--name", default="")
    issue.add_argument("--centre", default="")
    actions.add_parser("revoke", help="revoke a station's tokens").add_argument("station")
    status = actions.add_parser("status", help="change an application's status")
    status.add_argument("application_no")
    status.add_argument("status")
    status.add_argument("--note", default="")
    status.add_argument("--by", default="")
    publish = actions.add_parser("publish-matter", help="publish a matter from a JSON file")
    publish.add_argument("file", type=Path)
    withdraw = actions.add_parser("withdraw-matter", help="withdraw a matter")
    withdraw.add_argument("code")
    withdraw.add_argument("reason")
    calendar = actions.add_parser("publish-calendar", help="publish a clerk-calendar/1 file")
    calendar.add_argument("file", type=Path)
    pages = actions.add_parser("attachments", help="an application's pages (JSON), --out DIR writes them")
    pages.add_argument("application_no")
    pages.add_argument("--out", type=Path, default=None)
    maintenance = actions.add_parser("maintenance", help="503 with Retry-After, or 'off'")
    maintenance.add_argument("retry_after")
    progress = actions.add_parser("progress-url", help="progress page address told to stations")
    progress.add_argument("address", help="an http(s) address, or '' for this platform's /q")
    contact = actions.add_parser("centre-contact", help="a centre's name, phone, address, hours "
                                                       "on the progress page")
    contact.add_argument("centre")
    for field in ("name", "phone", "address", "hours"):
        contact.add_argument(f"--{field}", default=None)
    args = parser.parse_args(argv)

    try:
        result = _run(BackOffice(args.url, args.admin_key), args)
    except (BackOfficeError, requests.RequestException) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    json.dump(result, sys.stdout, ensure_ascii=False)
    sys.stdout.write("\n")
    return 0


def _run(office: BackOffice, args: argparse.Namespace) -> Any:
    result: Any
    if args.action == "issue-key":
        result = {"registration_key": office.issue_registration_key(
            args.station, args.name, args.centre)}
    elif args.action == "revoke":
        result = {"revoked": office.revoke_station(args.station)}
    elif args.action == "status":
        result = {"seq": office.set_status(args.application_no, args.status, args.note, args.by)}
    elif args.action == "publish-matter":
        result = {"revision": office.publish_matter(json.loads(args.file.read_text("utf-8")))}
    elif args.action == "withdraw-matter":
        result = {"revision": office.withdraw_matter(args.code, args.reason)}
    elif args.action == "publish-calendar":
        result = {"revision": office.publish_calendar(json.loads(args.file.read_text("utf-8")))}
    elif args.action == "attachments":
        result = (office.save_attachments(args.application_no, args.out) if args.out
                  else office.attachments(args.application_no))
    elif args.action == "progress-url":
        office.set_progress_url(args.address)
        result = {"url": args.address}
    elif args.action == "centre-contact":
        contact = {k: getattr(args, k) for k in ("name", "phone", "address", "hours")
                   if getattr(args, k) is not None}
        office.set_centre_contact(args.centre, **contact)
        result = contact
    else:
        seconds = None if args.retry_after == "off" else int(args.retry_after)
        office.maintenance(seconds)
        result = {"retry_after": seconds}
    return result


if __name__ == "__main__":
    raise SystemExit(main())
