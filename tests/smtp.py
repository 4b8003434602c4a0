"""A real SMTP server on 127.0.0.1 (aiosmtpd) for the tests, and reading what it received."""

import email
import re
from contextlib import contextmanager
from email import policy
from email.message import EmailMessage
from urllib.parse import parse_qs, urlsplit

from aiosmtpd.controller import Controller

from notifications.mail import mail
from tests.servers import free_port


class Mailbox:
    """What the SMTP server received: each message's envelope, in order."""

    def __init__(self):
        self.envelopes = []
        self.port = None

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        self.envelopes.append(envelope)
        return "250 Message accepted for delivery"

    def messages_to(self, address: str) -> list[EmailMessage]:
        """The messages sent to `address`, oldest first, parsed."""
        return [
            email.message_from_bytes(envelope.content, policy=policy.default)
            for envelope in self.envelopes
            if address in envelope.rcpt_tos
        ]

    def last_to(self, address: str) -> EmailMessage:
        messages = self.messages_to(address)
        assert messages, f"nothing was sent to {address}"
        return messages[-1]


def body(message: EmailMessage) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def link_in(message: EmailMessage) -> str:
    """The one address (http or https) written in the message's text."""
    [link] = re.findall(r"https?://\S+", body(message))
    return link


@contextmanager
def smtp_server(app):
    """Run the server and point the app's mail settings at it, for the block."""
    received = Mailbox()
    server = Controller(received, hostname="127.0.0.1", port=free_port())
    server.start()
    received.port = server.port
    settings = {"MAIL_SERVER": "127.0.0.1", "MAIL_PORT": server.port}
    before = {name: app.config[name] for name in settings}
    app.config.update(settings)
    mail.init_app(app)  # Flask-Mail reads its settings here
    try:
        yield received
    finally:
        app.config.update(before)
        mail.init_app(app)
        server.stop()


def token_in(message: EmailMessage) -> str:
    """The `token` of the link in the message."""
    [token] = parse_qs(urlsplit(link_in(message)).query)["token"]
    return token
