"""The A4 poster of an invite code, for a residence's hall: the code in large type, a QR code
that opens the app's join page (APP_JOIN_URL), short instructions in French and, smaller
below, in English. Made to be read by everyone, elderly residents included: large type, black
on white, nothing else on the page.
"""

from pathlib import Path

import segno
from babel.dates import format_date
from flask import current_app
from flask_babel import force_locale, gettext
from jinja2 import Environment, FileSystemLoader

from models import InviteCode, User
from services import invitations, scoping
from services.errors import Conflict
from services.pdf import html_to_pdf

TEMPLATES = Environment(loader=FileSystemLoader(Path(__file__).resolve().parent), autoescape=True)
# The poster is for the hall: French first, whoever prints it; English below, smaller.
LANGUAGES = ("fr", "en")
# Readable aloud and typed in groups: "ABCD EFGH JKLM".
GROUP = 4
NO_BREAK = "\u00a0"


def join_url(code: str) -> str:
    return current_app.config["APP_JOIN_URL"].replace("{code}", code)


def invite_poster(user: User, residence_id: int, invite_id: int) -> tuple[InviteCode, bytes]:
    """The invite code and its poster as an A4 PDF; staff only, and only for a code that
    can still be used."""
    residence = scoping.get_managed_residence(user, residence_id)
    invite = scoping.get_in_residence(
        InviteCode, invite_id, residence, "This invite code does not exist."
    )
    if not invitations.usable(invite):
        raise Conflict("This code can no longer be used: create a new one to print its poster.")
    html = TEMPLATES.get_template("poster.html").render(**_poster(invite))
    return invite, html_to_pdf(html)


def _poster(invite: InviteCode) -> dict:
    url = join_url(invite.code)
    qr = segno.make(url, error="m")
    return {
        "residence": invite.residence.name,
        "building": invite.building.name if invite.building is not None else None,
        "code": " ".join(
            invite.code[start : start + GROUP] for start in range(0, len(invite.code), GROUP)
        ),
        "qr": qr.svg_data_uri(omitsize=True, border=4, dark="#000000", light="#ffffff"),
        "url": url,
        "texts": {locale: _texts(invite, locale) for locale in LANGUAGES},
    }


def _texts(invite: InviteCode, locale: str) -> dict:
    last_day = invitations.last_valid_day(invite)
    with force_locale(locale):
        texts = {
            "title": gettext("Join your neighbours on Palier"),
            "what": gettext("Lend, borrow, help one another and hear your residence's news."),
            "scan": gettext("Scan this code with your phone's camera."),
            "type": gettext("Or install the Palier app and enter this code:"),
            "until": (
                gettext("Valid until %(day)s.", day=format_date(last_day, "long", locale=locale))
                if last_day is not None
                else None
            ),
            "help": gettext(
                "A question? Ask your caretaker or your landlord, %(landlord)s.",
                landlord=_unbroken(invite.residence.landlord.name),
            ),
        }
    return {name: _unbroken_punctuation(text) for name, text in texts.items()}


def _unbroken(text: str) -> str:
    """Kept on one line: a name cut in two reads as two words."""
    return text.replace(" ", NO_BREAK)


def _unbroken_punctuation(text: str | None) -> str | None:
    """French puts a space before ? ! : ; which must not start a line on its own."""
    if text is None:
        return None
    for mark in "?!:;":
        text = text.replace(f" {mark}", f"{NO_BREAK}{mark}")
    return text
