"""A fake FCM server on 127.0.0.1, speaking what Google's does: HTTP/2 over TLS (and HTTP/1.1,
chosen by ALPN), with a certificate made at start-up by a
certificate authority of its own. Clients trust it through `trust_store`, a bundle of the usual
public authorities plus this one, named by SSL_CERT_FILE (httpx) and REQUESTS_CA_BUNDLE (requests).

It answers the OAuth token endpoint and the v1 `messages:send`. The real firebase-admin library
talks to it (its FCM address is a class attribute, read once per Firebase app). Tokens say how
the fake answers them:
- `unregistered-…`: 404 UNREGISTERED; `invalid-…`: 400, not a valid registration token;
- `badpayload-…`: 400 INVALID_ARGUMENT about the message itself; anything else: delivered.
`fail_next(status, n)` makes the next n sends fail with 429, 500 or 503; `down()` hangs up on
every send, and `crash_after(n)` hangs up on every send after the next n;
`revoke_access_tokens()` answers 401 to the access tokens issued so far.

`python -m tests.fake_fcm` serves from a process of its own (the benchmark's, so that the server
does not share the client's interpreter): it prints its address and trust store as one JSON
line, then answers `stats` (counts and its processor time) and `reset` lines on its standard input.
"""

import asyncio
import datetime
import ipaddress
import json
import os
import ssl
import sys
import tempfile
import threading
import time
from collections import deque
from http import HTTPStatus
from pathlib import Path

import certifi
import h2.config
import h2.connection
import h2.events
import h2.exceptions
import h2.settings
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import NameOID

PROJECT = "palier-test"
FCM_ERROR = "type.googleapis.com/google.firebase.fcm.v1.FcmError"
# Streams a client may open at once on one connection (the server's SETTINGS say so).
MAX_CONCURRENT_STREAMS = 100


def _error(code: int, status: str, message: str, fcm_code: str | None = None) -> dict:
    details = [{"@type": FCM_ERROR, "errorCode": fcm_code}] if fcm_code else []
    return {"error": {"code": code, "message": message, "status": status, "details": details}}


FAILURES = {
    429: _error(429, "RESOURCE_EXHAUSTED", "Quota exceeded.", "QUOTA_EXCEEDED"),
    500: _error(500, "INTERNAL", "Internal error encountered.", "INTERNAL"),
    503: _error(503, "UNAVAILABLE", "The service is unavailable.", "UNAVAILABLE"),
}
UNAUTHENTICATED = _error(401, "UNAUTHENTICATED", "Request had invalid authentication credentials.")
HANG_UP = None  # what `_answer` returns for a request the server hangs up on


class Certificates:
    """A certificate authority and the server's certificate for 127.0.0.1, in a folder of
    their own; `trust_store` is certifi's bundle plus this authority."""

    def __init__(self):
        self.folder = Path(tempfile.mkdtemp(prefix="fake-fcm-"))
        now = datetime.datetime.now(datetime.UTC)
        ca_key = ec.generate_private_key(ec.SECP256R1())
        ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Fake FCM test authority")])
        ca = (
            x509.CertificateBuilder()
            .subject_name(ca_name)
            .issuer_name(ca_name)
            .public_key(ca_key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(minutes=5))
            .not_valid_after(now + datetime.timedelta(days=1))
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .add_extension(
                x509.KeyUsage(
                    digital_signature=True,
                    key_cert_sign=True,
                    crl_sign=True,
                    content_commitment=False,
                    key_encipherment=False,
                    data_encipherment=False,
                    key_agreement=False,
                    encipher_only=False,
                    decipher_only=False,
                ),
                critical=True,
            )
            .add_extension(
                x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False
            )
            .sign(ca_key, hashes.SHA256())
        )
        key = ec.generate_private_key(ec.SECP256R1())
        server = (
            x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")]))
            .issuer_name(ca_name)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(minutes=5))
            .not_valid_after(now + datetime.timedelta(days=1))
            .add_extension(
                x509.SubjectAlternativeName(
                    [x509.IPAddress(ipaddress.ip_address("127.0.0.1")), x509.DNSName("localhost")]
                ),
                critical=False,
            )
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(
                x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.SERVER_AUTH]), critical=False
            )
            .add_extension(
                x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()),
                critical=False,
            )
            .sign(ca_key, hashes.SHA256())
        )
        pem = serialization.Encoding.PEM
        self.certificate = self.folder / "server.pem"
        self.certificate.write_bytes(server.public_bytes(pem))
        self.key = self.folder / "server-key.pem"
        self.key.write_bytes(
            key.private_bytes(pem, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
        )
        self.authority = self.folder / "authority.pem"
        self.authority.write_bytes(ca.public_bytes(pem))
        self.trust_store = self.folder / "trust-store.pem"
        self.trust_store.write_bytes(Path(certifi.where()).read_bytes() + ca.public_bytes(pem))

    def server_context(self) -> ssl.SSLContext:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(self.certificate, self.key)
        context.set_alpn_protocols(["h2", "http/1.1"])
        return context


def trust(trust_store: Path | str, environ=os.environ) -> None:
    """Make httpx (firebase-admin's async client) and requests (google-auth's token request,
    firebase-admin's sync client) trust the fake server, besides the public authorities."""
    environ["SSL_CERT_FILE"] = str(trust_store)
    environ["REQUESTS_CA_BUNDLE"] = str(trust_store)


def service_account(url: str) -> dict:
    """Credentials with a key made here, whose token endpoint is the fake server at `url`."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    return {
        "type": "service_account",
        "project_id": PROJECT,
        "private_key_id": "fake-key",
        "private_key": pem,
        "client_email": f"palier@{PROJECT}.iam.gserviceaccount.com",
        "client_id": "1",
        "token_uri": f"{url}/token",
    }


class FakeFcm:
    def __init__(self):
        self.delivered: list[dict] = []
        self.requests = 0
        self._failures: deque[int] = deque()
        self._down = False
        self._sends_before_crash: int | None = None
        self.access_tokens = 0  # issued by the token endpoint
        self._revoked_up_to = 0
        self._lock = threading.Lock()
        self.certificates = Certificates()
        self._loop = asyncio.new_event_loop()
        started = threading.Event()
        threading.Thread(target=self._serve, args=(started,), daemon=True, name="fake-fcm").start()
        started.wait()
        self.url = f"https://127.0.0.1:{self._port}"

    def _serve(self, started: threading.Event) -> None:
        asyncio.set_event_loop(self._loop)
        server = self._loop.run_until_complete(
            self._loop.create_server(
                lambda: _Connection(self),
                "127.0.0.1",
                0,
                ssl=self.certificates.server_context(),
                backlog=1024,
            )
        )
        self._port = server.sockets[0].getsockname()[1]
        started.set()
        self._loop.run_forever()

    @property
    def trust_store(self) -> Path:
        return self.certificates.trust_store

    def _answer(
        self, method: str, path: str, headers: dict, body: bytes
    ) -> tuple[int, dict] | None:
        if path == "/token":
            with self._lock:
                self.access_tokens += 1
                token = f"fake-{self.access_tokens}"
            return 200, {"access_token": token, "expires_in": 3600, "token_type": "Bearer"}
        if method != "POST" or not path.endswith("messages:send"):
            return 404, _error(404, "NOT_FOUND", "No such method.")
        with self._lock:
            if self._down:
                return HANG_UP
            if self._sends_before_crash is not None:
                if self._sends_before_crash == 0:
                    return HANG_UP
                self._sends_before_crash -= 1
            access_token = headers.get("authorization", "").removeprefix("Bearer fake-")
            if not access_token.isdigit() or int(access_token) <= self._revoked_up_to:
                return 401, UNAUTHENTICATED
        return self._decide(json.loads(body)["message"])

    def _decide(self, message: dict) -> tuple[int, dict]:
        token = message.get("token", "")
        with self._lock:
            self.requests += 1
            if self._failures:
                status = self._failures.popleft()
                return status, FAILURES[status]
            if token.startswith("unregistered"):
                return 404, _error(
                    404, "NOT_FOUND", "Requested entity was not found.", "UNREGISTERED"
                )
            if token.startswith("invalid"):
                return 400, _error(
                    400,
                    "INVALID_ARGUMENT",
                    "The registration token is not a valid FCM registration token",
                    "INVALID_ARGUMENT",
                )
            if token.startswith("badpayload"):
                return 400, _error(
                    400,
                    "INVALID_ARGUMENT",
                    "Invalid value at 'message.data[0].value'",
                    "INVALID_ARGUMENT",
                )
            self.delivered.append(message)
            return 200, {"name": f"projects/{PROJECT}/messages/{len(self.delivered)}"}

    def fail_next(self, status: int, count: int = 1) -> None:
        with self._lock:
            self._failures.extend([status] * count)

    def down(self, is_down: bool = True) -> None:
        with self._lock:
            self._down = is_down

    def crash_after(self, sends: int | None) -> None:
        """Answer the next `sends` sends, then hang up on all until called with None."""
        with self._lock:
            self._sends_before_crash = sends

    def revoke_access_tokens(self) -> None:
        """Answer 401 to the access tokens issued so far, as when one has expired."""
        with self._lock:
            self._revoked_up_to = self.access_tokens

    def reset(self) -> None:
        with self._lock:
            self.delivered.clear()
            self._failures.clear()
            self._down = False
            self._sends_before_crash = None
            self.requests = 0

    def to(self, token: str) -> list[dict]:
        with self._lock:
            return [message for message in self.delivered if message["token"] == token]

    def service_account(self) -> dict:
        return service_account(self.url)


class _Connection(asyncio.Protocol):
    """One TLS connection: HTTP/2 if the client chose it by ALPN, HTTP/1.1 otherwise."""

    def __init__(self, fake: FakeFcm):
        self.fake = fake

    def connection_made(self, transport):
        self.transport = transport
        chosen = transport.get_extra_info("ssl_object").selected_alpn_protocol()
        if chosen == "h2":
            self.http2 = h2.connection.H2Connection(
                h2.config.H2Configuration(client_side=False, header_encoding="utf-8")
            )
            self.http2.local_settings = h2.settings.Settings(
                client=False,
                initial_values={
                    h2.settings.SettingCodes.MAX_CONCURRENT_STREAMS: MAX_CONCURRENT_STREAMS
                },
            )
            self.http2.initiate_connection()
            self.streams: dict[int, tuple[dict, bytearray]] = {}
            self.transport.write(self.http2.data_to_send())
        else:
            self.buffer = bytearray()

    def data_received(self, data: bytes) -> None:
        if hasattr(self, "http2"):
            self._http2_received(data)
        else:
            self._http1_received(data)

    def _http2_received(self, data: bytes) -> None:
        try:
            events = self.http2.receive_data(data)
        except h2.exceptions.ProtocolError:
            self.transport.write(self.http2.data_to_send())
            self.transport.close()
            return
        for event in events:
            if isinstance(event, h2.events.RequestReceived):
                self.streams[event.stream_id] = (dict(event.headers), bytearray())
            elif isinstance(event, h2.events.DataReceived):
                self.streams[event.stream_id][1].extend(event.data)
                self.http2.acknowledge_received_data(event.flow_controlled_length, event.stream_id)
            elif isinstance(event, h2.events.StreamEnded):
                headers, body = self.streams.pop(event.stream_id)
                answer = self.fake._answer(
                    headers[":method"], headers[":path"], headers, bytes(body)
                )
                if answer is HANG_UP:
                    self.transport.abort()
                    return
                status, payload = answer
                data = json.dumps(payload).encode()
                self.http2.send_headers(
                    event.stream_id,
                    [
                        (":status", str(status)),
                        ("content-type", "application/json; charset=UTF-8"),
                        ("content-length", str(len(data))),
                    ],
                )
                self.http2.send_data(event.stream_id, data, end_stream=True)
            elif isinstance(event, h2.events.StreamReset):
                self.streams.pop(event.stream_id, None)
            elif isinstance(event, h2.events.ConnectionTerminated):
                self.transport.write(self.http2.data_to_send())
                self.transport.close()
                return
        self.transport.write(self.http2.data_to_send())

    def _http1_received(self, data: bytes) -> None:
        # HTTP/1.1 as its clients here write it: bodies with a Content-Length, kept alive.
        self.buffer.extend(data)
        while (end := self.buffer.find(b"\r\n\r\n")) >= 0:
            head = self.buffer[:end].decode("latin-1").split("\r\n")
            method, target, _ = head[0].split(" ", 2)
            headers = dict(line.split(":", 1) for line in head[1:])
            headers = {name.strip().lower(): value.strip() for name, value in headers.items()}
            length = int(headers.get("content-length", 0))
            if len(self.buffer) < end + 4 + length:
                return
            body = bytes(self.buffer[end + 4 : end + 4 + length])
            del self.buffer[: end + 4 + length]
            answer = self.fake._answer(method, target, headers, body)
            if answer is HANG_UP:
                self.transport.abort()
                return
            status, payload = answer
            data = json.dumps(payload).encode()
            self.transport.write(
                f"HTTP/1.1 {status} {HTTPStatus(status).phrase}\r\n"
                "Content-Type: application/json; charset=UTF-8\r\n"
                f"Content-Length: {len(data)}\r\n\r\n".encode()
                + data
            )
            if headers.get("connection", "").lower() == "close":
                self.transport.close()
                return


def main() -> None:
    fake = FakeFcm()
    print(json.dumps({"url": fake.url, "trust_store": str(fake.trust_store)}), flush=True)
    for line in sys.stdin:
        if line.strip() == "stats":
            with fake._lock:
                stats = {
                    "delivered": len(fake.delivered),
                    "requests": fake.requests,
                    "cpu_seconds": time.process_time(),
                }
            print(json.dumps(stats), flush=True)
        elif line.strip() == "reset":
            fake.reset()
            print("{}", flush=True)


if __name__ == "__main__":
    main()
