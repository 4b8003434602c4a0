"""Senders: Firebase Cloud Messaging's v1 API, or a log for development.

A sender takes one message and registration tokens and says, token by token, what happened:
sent, to retry later, the token is dead (delete it), or the message itself failed.

FCM's v1 API takes one request per phone. firebase-admin sends them from a new thread per
token (`send_each_for_multicast`, requests) or as HTTP/2 streams (`send_each_for_multicast_async`,
httpx); measured against the same server (bench/push.py, figures in its docstring), both spend
ten times the processor time per message of plain keep-alive HTTP/1.1 connections, each held by
a thread of a pool, which is what FcmSender does. firebase-admin still makes the message
(its classes and their validation, encoded as the library encodes them), reads the service
account and names the FCM address; google-auth gets and renews the access token.
"""

import http.client
import json
import logging
import os
import ssl
import threading
import time
import warnings
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from urllib.parse import urlsplit

import certifi
from firebase_admin import credentials, messaging
from google.auth.transport.requests import Request as AuthRequest

log = logging.getLogger(__name__)

MAX_TOKENS = 500
RETRYABLE = {"QUOTA_EXCEEDED", "UNAVAILABLE", "INTERNAL", "RESOURCE_EXHAUSTED"}
# Answers worth asking again at once, after these pauses (as firebase-admin does for them);
# past them, the dispatcher retries the row later, with its own backoff.
RETRY_AT_ONCE = {500, 503}
PAUSES = (0.5, 1.0)
# Connections to FCM, one per thread: past a few, the interpreter is the limit, not the network.
CONNECTIONS = 16
TIMEOUT_SECONDS = 30


@dataclass
class Outgoing:
    message_id: str  # the same for every copy, so that the app can drop a duplicate
    title: str
    body: str
    link: str
    urgent: bool
    collapse_key: str | None


@dataclass
class Outcome:
    token: str
    result: str  # "sent", "retry", "dead_token" or "failed"
    error_code: str | None = None


class FcmSender:
    def __init__(self, service_account: dict | str, connections: int = CONNECTIONS):
        certificate = credentials.Certificate(
            json.loads(service_account)
            if isinstance(service_account, str) and service_account.strip().startswith("{")
            else service_account
        )
        self._credential = certificate.get_credential()  # scoped for Firebase messaging
        self._credential_lock = threading.Lock()
        address = urlsplit(messaging._MessagingService.FCM_URL.format(certificate.project_id))
        self._host, self._port, self._path = address.hostname, address.port or 443, address.path
        # The authorities httpx and requests would trust: SSL_CERT_FILE, or certifi's.
        self._tls = ssl.create_default_context(
            cafile=os.environ.get("SSL_CERT_FILE") or certifi.where()
        )
        self._local = threading.local()
        self._pool = ThreadPoolExecutor(max_workers=connections, thread_name_prefix="fcm")

    def send(self, message: Outgoing, tokens: list[str]) -> list[Outcome]:
        assert len(tokens) <= MAX_TOKENS
        encoded = _encode(message)
        bodies = (json.dumps({"message": {**encoded, "token": token}}).encode() for token in tokens)
        answers = self._pool.map(self._post, bodies)
        return [_outcome(token, *answer) for token, answer in zip(tokens, answers, strict=True)]

    def close(self) -> None:
        self._pool.shutdown()

    def _post(self, body: bytes) -> tuple[int | None, dict]:
        """One message to FCM: the answer's status and document, or (None, {}) when no answer
        came. A 500 or 503 is asked again after a pause, an expired access token once renewed,
        and a kept-alive connection that had closed once on a new one."""
        pauses, renewed = list(PAUSES), False
        while True:
            connection, reused = self._connection()
            try:
                connection.request("POST", self._path, body, self._headers())
                response = connection.getresponse()
                status, data = response.status, response.read()
            except (OSError, http.client.HTTPException) as error:
                connection.close()
                self._local.connection = None
                if reused:
                    continue
                log.warning("FCM could not be reached: %s", error)
                return None, {}
            if status == 401 and not renewed:
                self._renew_access_token(expired=True)
                renewed = True
                continue
            if status in RETRY_AT_ONCE and pauses:
                time.sleep(pauses.pop(0))
                continue
            return status, _document(data)

    def _connection(self) -> tuple[http.client.HTTPSConnection, bool]:
        connection = getattr(self._local, "connection", None)
        if connection is not None:
            return connection, True
        connection = http.client.HTTPSConnection(
            self._host, self._port, timeout=TIMEOUT_SECONDS, context=self._tls
        )
        self._local.connection = connection
        return connection, False

    def _headers(self) -> dict:
        if not self._credential.valid:
            self._renew_access_token()
        return {
            "Authorization": f"Bearer {self._credential.token}",
            "Content-Type": "application/json; charset=UTF-8",
            "X-GOOG-API-FORMAT-VERSION": "2",
        }

    def _renew_access_token(self, expired: bool = False) -> None:
        token = self._credential.token
        with self._credential_lock:
            # Another thread may have renewed it while this one waited.
            if self._credential.token == token and (expired or not self._credential.valid):
                self._credential.refresh(AuthRequest())


class LogSender:
    """Without Firebase credentials (development), messages are written to the log."""

    def send(self, message: Outgoing, tokens: list[str]) -> list[Outcome]:
        log.info(
            "push %s to %d device(s): %s — %s",
            message.message_id,
            len(tokens),
            message.title,
            message.body,
        )
        return [Outcome(token, "sent") for token in tokens]


def _encode(message: Outgoing) -> dict:
    """The message as firebase-admin would send it, its token left for each phone."""
    with warnings.catch_warnings():
        # firebase-admin 7.7 prefers Firebase installation ids (`fid`) to registration tokens;
        # the apps register FCM tokens, which FCM v1 still takes: keep them.
        warnings.filterwarnings("ignore", "Message.token is deprecated", DeprecationWarning)
        prototype = messaging.Message(
            token="-",
            notification=messaging.Notification(title=message.title, body=message.body),
            data={"notification_id": message.message_id, "link": message.link},
            android=messaging.AndroidConfig(
                priority="high" if message.urgent else "normal", collapse_key=message.collapse_key
            ),
            apns=messaging.APNSConfig(
                headers={"apns-priority": "10" if message.urgent else "5"}
                | ({"apns-collapse-id": message.collapse_key} if message.collapse_key else {})
            ),
        )
    return messaging._MessagingService.encode_message(prototype)


def _document(data: bytes) -> dict:
    try:
        document = json.loads(data)
    except ValueError:
        return {}
    return document if isinstance(document, dict) else {}


def _outcome(token: str, status: int | None, document: dict) -> Outcome:
    if status is None:
        return Outcome(token, "retry", "UNREACHABLE")
    if status == 200:
        return Outcome(token, "sent")
    error = document.get("error") if isinstance(document.get("error"), dict) else {}
    details = error.get("details") if isinstance(error.get("details"), list) else []
    codes = [d.get("errorCode") for d in details if isinstance(d, dict) and d.get("errorCode")]
    code = codes[0] if codes else error.get("status") or f"HTTP_{status}"
    if code == "UNREGISTERED":
        return Outcome(token, "dead_token", code)
    if code == "INVALID_ARGUMENT" and "registration token" in str(error.get("message")).lower():
        # The same code stands for a bad payload: only the message says it is the token.
        return Outcome(token, "dead_token", code)
    if code in RETRYABLE or status in (429, 500, 503):
        return Outcome(token, "retry", code)
    return Outcome(token, "failed", code)


def sender_from_config(config) -> "FcmSender | LogSender":
    """Firebase when FIREBASE_CREDENTIALS (a service-account JSON, or its path) is set."""
    credentials_value = config.get("FIREBASE_CREDENTIALS")
    if not credentials_value:
        return LogSender()
    return FcmSender(credentials_value)
