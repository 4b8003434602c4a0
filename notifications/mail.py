"""E-mail: the one Flask-Mail instance and `send_mail`, through which everything the app e-mails
goes (monthly reports; address checks, password resets and changes of address:
services/account_mail.py).

E-mails go over SMTP with the MAIL_* settings (app/config.py). Without MAIL_SERVER (development)
nothing is sent: `send_mail` writes the e-mail to the log instead (logger `notifications.mail`,
INFO), recipients, subject, body and the attachments' names and sizes. In production, where an
unset MAIL_SERVER is a mistake and a body may hold a secret link, it writes a WARNING without
the body.
"""

import logging
from collections.abc import Iterable
from email.header import Header

from flask import current_app
from flask_mail import Mail, Message

log = logging.getLogger(__name__)

mail = Mail()


def send_mail(
    recipients: list[str],
    subject: str,
    body: str,
    attachments: Iterable[tuple[str, str, bytes]] = (),
) -> None:
    """Send a plain-text e-mail from MAIL_DEFAULT_SENDER; `attachments` are (file name,
    content type, data). SMTP errors are raised to the caller."""
    attachments = list(attachments)
    if not current_app.extensions["mail"].server:
        _write_to_log(recipients, subject, body, attachments)
        return
    message = Message(subject=_encoded(subject), recipients=list(recipients), body=body)
    for filename, content_type, data in attachments:
        message.attach(filename, content_type, data)
    mail.send(message)


def _encoded(subject: str) -> str:
    """The subject as RFC 2047 encoded words, folded to fit the Subject line.

    Flask-Mail encodes without counting the header's name, so the email package folds the
    header again, and on Python before the fix of CPython gh-144156 such a refolding drops the
    space between two encoded words ("— Résidence" arrived as "—Résidence")."""
    if subject.isascii():
        return subject
    # Folded with CRLF, as Flask-Mail's check of the header wants it.
    return Header(subject, "utf-8", header_name="Subject").encode(linesep="\r\n")


def _write_to_log(recipients: list[str], subject: str, body: str, attachments: list) -> None:
    attached = ", ".join(f"{name} ({len(data)} bytes)" for name, _, data in attachments)
    if current_app.config["PALIER_ENVIRONMENT"] == "production":
        log.warning(
            "E-mail not sent (MAIL_SERVER is not set) to %s: %s; attached: %s",
            ", ".join(recipients),
            subject,
            attached or "nothing",
        )
        return
    log.info(
        "E-mail (MAIL_SERVER is not set: written here, not sent) to %s: %s\n%s\nattached: %s",
        ", ".join(recipients),
        subject,
        body,
        attached or "nothing",
    )
