"""Senders: Firebase Cloud Messaging through firebase-admin, or a log for development.

A sender takes one message and up to 500 registration tokens and says, token by token, what
happened: sent, to retry later, the token is dead (delete it), or the message itself failed.
"""

import json
import logging
import warnings
from dataclasses import dataclass

import firebase_admin
from firebase_admin import credentials, exceptions, messaging

log = logging.getLogger(__name__)

MAX_TOKENS = 500
RETRYABLE = {"QUOTA_EXCEEDED", "UNAVAILABLE", "INTERNAL", "RESOURCE_EXHAUSTED"}


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
    def __init__(self, service_account: dict | str, name: str = "palier"):
        certificate = credentials.Certificate(
            json.loads(service_account)
            if isinstance(service_account, str) and service_account.strip().startswith("{")
            else service_account
        )
        try:
            self.app = firebase_admin.get_app(name)
        except ValueError:
            self.app = firebase_admin.initialize_app(certificate, name=name)

    def send(self, message: Outgoing, tokens: list[str]) -> list[Outcome]:
        assert len(tokens) <= MAX_TOKENS
        with warnings.catch_warnings():
            # firebase-admin 7.7 prefers Firebase installation ids (`fids`) to registration
            # tokens; the apps register FCM tokens, which FCM v1 still takes: keep them.
            warnings.filterwarnings(
                "ignore", "MulticastMessage.tokens is deprecated", DeprecationWarning
            )
            return self._send(message, tokens)

    def _send(self, message: Outgoing, tokens: list[str]) -> list[Outcome]:
        multicast = messaging.MulticastMessage(
            tokens=tokens,
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
        batch = messaging.send_each_for_multicast(multicast, app=self.app)
        return [
            _outcome(token, answer) for token, answer in zip(tokens, batch.responses, strict=True)
        ]


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


def _outcome(token: str, answer) -> Outcome:
    if answer.success:
        return Outcome(token, "sent")
    error = answer.exception
    code = _fcm_code(error)
    if isinstance(error, messaging.UnregisteredError):
        return Outcome(token, "dead_token", code)
    if (
        isinstance(error, exceptions.InvalidArgumentError)
        and "registration token" in str(error).lower()
    ):
        # The same error stands for a bad payload: only the message says it is the token.
        return Outcome(token, "dead_token", code)
    if code in RETRYABLE or isinstance(
        error, (messaging.QuotaExceededError, exceptions.UnavailableError, exceptions.InternalError)
    ):
        return Outcome(token, "retry", code)
    return Outcome(token, "failed", code)


def _fcm_code(error) -> str | None:
    response = getattr(error, "http_response", None)
    try:
        details = response.json()["error"].get("details", [])
        codes = [d.get("errorCode") for d in details if d.get("errorCode")]
        return codes[0] if codes else response.json()["error"].get("status")
    except Exception:
        return getattr(error, "code", None)


def sender_from_config(config) -> "FcmSender | LogSender":
    """Firebase when FIREBASE_CREDENTIALS (a service-account JSON, or its path) is set."""
    credentials_value = config.get("FIREBASE_CREDENTIALS")
    if not credentials_value:
        return LogSender()
    return FcmSender(credentials_value)
