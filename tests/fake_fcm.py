"""A fake FCM server on 127.0.0.1: the OAuth token endpoint and the v1 `messages:send`.

The real firebase-admin library talks to it (its FCM address is a class attribute, read once
per Firebase app). Tokens say how the fake answers them:
- `unregistered-…`: 404 UNREGISTERED; `invalid-…`: 400, not a valid registration token;
- `badpayload-…`: 400 INVALID_ARGUMENT about the message itself; anything else: delivered.
`fail_next(status, n)` makes the next n sends fail with 429 or 503; `down()` hangs up on all.
"""

import json
import threading
from collections import deque
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

PROJECT = "palier-test"
FCM_ERROR = "type.googleapis.com/google.firebase.fcm.v1.FcmError"


def _error(code: int, status: str, message: str, fcm_code: str | None = None) -> dict:
    details = [{"@type": FCM_ERROR, "errorCode": fcm_code}] if fcm_code else []
    return {"error": {"code": code, "message": message, "status": status, "details": details}}


FAILURES = {
    429: _error(429, "RESOURCE_EXHAUSTED", "Quota exceeded.", "QUOTA_EXCEEDED"),
    503: _error(503, "UNAVAILABLE", "The service is unavailable.", "UNAVAILABLE"),
}


class _Server(ThreadingHTTPServer):
    # firebase-admin opens up to 500 connections at once: let them all queue.
    request_queue_size = 1024


class FakeFcm:
    def __init__(self):
        self.delivered: list[dict] = []
        self.requests = 0
        self._failures: deque[int] = deque()
        self._down = False
        self._lock = threading.Lock()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                body = (
                    json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"{}")
                    if self.path.endswith("messages:send")
                    else None
                )
                if self.path == "/token":
                    self.rfile.read(int(self.headers.get("Content-Length", 0)))
                    return self._answer(
                        200, {"access_token": "fake", "expires_in": 3600, "token_type": "Bearer"}
                    )
                if fake.is_down():
                    self.close_connection = True  # hang up without a word, as a dead server
                    return
                status, answer = fake._decide(body["message"])
                self._answer(status, answer)

            def _answer(self, status, payload):
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.server = _Server(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

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

    def is_down(self) -> bool:
        with self._lock:
            return self._down

    def fail_next(self, status: int, count: int = 1) -> None:
        with self._lock:
            self._failures.extend([status] * count)

    def down(self, is_down: bool = True) -> None:
        with self._lock:
            self._down = is_down

    def reset(self) -> None:
        with self._lock:
            self.delivered.clear()
            self._failures.clear()
            self._down = False
            self.requests = 0

    def to(self, token: str) -> list[dict]:
        return [message for message in self.delivered if message["token"] == token]

    def service_account(self) -> dict:
        """Credentials with a key made here, whose token endpoint is this server."""
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
            "token_uri": f"{self.url}/token",
        }
