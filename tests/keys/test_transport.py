"""Transport: no plain http:// beyond loopback; SPKI SHA-256 pinning against a real TLS server."""

from __future__ import annotations

import datetime as dt
import http.server
import ipaddress
import json
import ssl
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from clerk_app.app import Services
from clerk_app.cli import main as cli_main
from clerk_app.config import load_config
from clerk_app.services.station.context import Actor
from clerk_app.sync.adapter import ClerkSyncV1Adapter
from clerk_app.sync.api import CertificateProblem, PlatformError
from clerk_app.sync.transport import (
    InsecureAddress,
    PinnedAdapter,
    address_problem,
    parse_pins,
    pin_failure,
    spki_pin,
)
from clerk_app.ui.station.platform_settings import url_problem
from tests.conftest import TEST_PASSWORD


def test_plain_http_only_to_loopback() -> None:
    for url in ("http://127.0.0.1:8700", "http://127.8.9.10/", "http://[::1]:80",
                "http://localhost:8700", "https://zwfw.example.gov.cn", ""):
        assert address_problem(url) == "", url
    for url in ("http://zwfw.example.gov.cn", "http://10.1.2.3:8700", "http://[2001:db8::1]/",
                "http://localhost.example.com"):
        assert "不能使用不加密的 http://" in address_problem(url), url
    assert "https://" in address_problem("ftp://x") and url_problem("http://10.0.0.1")


def test_the_adapter_refuses_plain_http_before_any_connection() -> None:
    adapter = ClerkSyncV1Adapter("http://192.0.2.1:8700", token="t")
    with pytest.raises(InsecureAddress) as caught:
        adapter.server_time()
    assert "http://" in caught.value.message and not caught.value.transient


def test_sync_register_refuses_a_plain_http_address(
        services: Services, admin: Actor, data_dir: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    services.close()
    monkeypatch.setenv("CLERK_PASSWORD", TEST_PASSWORD)
    assert cli_main(["--data-dir", str(data_dir), "--user", "admin", "sync", "register",
                     "--key", "AAAA-BBBB", "--url", "http://zwfw.example.gov.cn"]) == 1
    assert "不能使用不加密的 http://" in capsys.readouterr().err
    assert load_config(data_dir).platform_url == ""


def test_pins_are_parsed_in_both_forms() -> None:
    digest = bytes(range(32))
    b64 = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="
    assert parse_pins(f"sha256/{b64}, {digest.hex()}") == frozenset({b64})
    with pytest.raises(ValueError, match="不是 SHA-256"):
        parse_pins("abc")


class _Handler(http.server.BaseHTTPRequestHandler):
    seen: list[str] = []

    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        self.seen.append(self.path)
        body = json.dumps({"error": "not_found", "message": "no such path"}).encode()
        self.send_response(404)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *_args: object) -> None:
        pass


@pytest.fixture
def tls_server(tmp_path: Path) -> Iterator[tuple[str, Path, bytes]]:
    """A loopback HTTPS server with a self-signed certificate: (url, cert.pem, cert DER)."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(days=1))
            .not_valid_after(now + dt.timedelta(days=30))
            .add_extension(x509.SubjectAlternativeName(
                [x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))
    cert_pem = tmp_path / "cert.pem"
    cert_pem.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_pem = tmp_path / "key.pem"
    key_pem.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                          serialization.PrivateFormat.PKCS8,
                                          serialization.NoEncryption()))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert_pem, key_pem)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    _Handler.seen = []
    try:
        yield (f"https://127.0.0.1:{server.server_address[1]}", cert_pem,
               cert.public_bytes(serialization.Encoding.DER))
    finally:
        server.shutdown()
        server.server_close()


def test_a_wrong_pin_stops_the_request_before_it_is_sent(
        tls_server: tuple[str, Path, bytes]) -> None:
    url, cert_pem, der = tls_server
    right = spki_pin(der)
    wrong = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="
    session = requests.Session()
    session.mount("https://", PinnedAdapter({wrong}))
    with pytest.raises(requests.exceptions.SSLError) as caught:
        session.get(url + "/secret", verify=str(cert_pem), timeout=5)
    assert pin_failure(caught.value) and _Handler.seen == []
    session = requests.Session()
    session.mount("https://", PinnedAdapter({right}))
    assert session.get(url + "/open", verify=str(cert_pem), timeout=5).status_code == 404
    assert _Handler.seen == ["/open"]


def test_the_adapter_says_a_pin_mismatch_in_words(tls_server: tuple[str, Path, bytes]) -> None:
    url, cert_pem, der = tls_server
    wrong = ClerkSyncV1Adapter(url, token="t", ca_bundle=cert_pem,
                               pins={"AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="})
    with pytest.raises(CertificateProblem) as caught:
        wrong.server_time()
    assert "公钥指纹" in caught.value.message and _Handler.seen == []
    right = ClerkSyncV1Adapter(url, token="t", ca_bundle=cert_pem, pins={spki_pin(der)})
    with pytest.raises(PlatformError) as answered:
        right.server_time()  # TLS and pin fine; the test server knows no such path
    assert not isinstance(answered.value, CertificateProblem) and len(_Handler.seen) == 1
