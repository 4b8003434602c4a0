"""Who receives a landlord's monthly report by e-mail, and in which language."""

from models import Landlord, User, db
from services import scoping


def report_settings(user: User, landlord_id: int) -> Landlord:
    return scoping.get_staffed_landlord(user, landlord_id)


def set_report_settings(user: User, landlord_id: int, recipients: list[str], locale: str):
    landlord = scoping.get_staffed_landlord(user, landlord_id)
    # Each address once, as typed first.
    landlord.report_recipients = list(dict.fromkeys(address.lower() for address in recipients))
    landlord.report_locale = locale
    db.session.flush()
    return landlord
