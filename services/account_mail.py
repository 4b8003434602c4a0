"""The e-mails about a member's account, each in the member's language.

They are sent while the request or job runs. An SMTP server that refuses or cannot be reached
does not fail the request: answers must not say whether an address has an account, and the
member can ask for the link again; the failure is logged.
"""

import logging
import smtplib
from datetime import datetime

from babel.dates import format_date
from flask_babel import force_locale, lazy_gettext

from models import User
from notifications.mail import send_mail

log = logging.getLogger(__name__)

SIGNATURE = lazy_gettext("Palier, mutual aid between neighbours")

TEXTS = {
    "verify_email": (
        lazy_gettext("Palier: confirm your e-mail address"),
        lazy_gettext(
            "Hello %(name)s,\n\nTo confirm that this address is yours, open this link:"
            "\n\n%(link)s\n\nUntil you confirm it, your account works until %(until)s. "
            "If you did not create an account on Palier, ignore this e-mail."
        ),
    ),
    "verify_email_reminder": (
        lazy_gettext("Palier: please confirm your e-mail address"),
        lazy_gettext(
            "Hello %(name)s,\n\nYou have not confirmed your e-mail address yet. Without it, "
            "you will no longer be able to sign in after %(until)s. Open this link to confirm "
            "it:\n\n%(link)s"
        ),
    ),
    "registration_attempt": (
        lazy_gettext("Palier: someone tried to register with your address"),
        lazy_gettext(
            "Hello %(name)s,\n\nSomeone tried to create a Palier account with this e-mail "
            "address, which already has one. If it was you, sign in with your password, or "
            'choose a new one from the app ("Forgotten password"). If it was not you, ignore '
            "this e-mail: nothing has changed."
        ),
    ),
    "reset_password": (
        lazy_gettext("Palier: choose a new password"),
        lazy_gettext(
            "Hello %(name)s,\n\nSomeone, we hope you, asked to choose a new password for your "
            "account. Open this link within an hour:\n\n%(link)s\n\nChoosing a new password "
            "signs you out on every phone. If you did not ask for it, ignore this e-mail: your "
            "password has not changed."
        ),
    ),
    "change_email": (
        lazy_gettext("Palier: confirm your new e-mail address"),
        lazy_gettext(
            "Hello %(name)s,\n\nTo use this address for your Palier account, open this link "
            "within 24 hours:\n\n%(link)s\n\nIf you did not ask for it, ignore this e-mail: "
            "nothing changes."
        ),
    ),
    "change_email_taken": (
        lazy_gettext("Palier: someone tried to use your address"),
        lazy_gettext(
            "Hello %(name)s,\n\nSomeone asked to use this e-mail address for another Palier "
            "account, but it is already the address of yours. Nothing has changed."
        ),
    ),
    "email_changed": (
        lazy_gettext("Palier: the e-mail address of your account has changed"),
        lazy_gettext(
            "Hello %(name)s,\n\nThe e-mail address of your Palier account is now %(email)s; "
            "e-mails no longer come to this one. If you did not make this change, contact the "
            "staff of your residence right away."
        ),
    ),
}


def send_account_mail(user: User, kind: str, address: str | None = None, **params) -> bool:
    """E-mail `user` (at `address`, else their own) in their language; False when the SMTP
    server did not take it, or when the account was erased (its address reaches nobody)."""
    if user.erased_at is not None:
        return False
    subject, body = TEXTS[kind]
    params = {"name": user.display_name, **params}
    with force_locale(user.locale):
        params = {key: _readable(value, user.locale) for key, value in params.items()}
        subject, body = str(subject), f"{str(body) % params}\n\n-- \n{SIGNATURE}\n"
    try:
        send_mail([address or user.email], subject, body)
    except (smtplib.SMTPException, OSError) as error:
        log.warning("account e-mail %s to user %s not sent: %s", kind, user.id, error)
        return False
    return True


def _readable(value, locale: str):
    """Days as people write them: "3 décembre 2026", "3 December 2026"."""
    if isinstance(value, datetime):
        return format_date(value.date(), "long", locale=locale)
    return value
