"""A monthly report by e-mail to the landlord's report recipients, in the landlord's language."""

from flask_babel import force_locale, gettext

from models import Landlord
from notifications.mail import send_mail
from services.reports.formatting import month_in_words


def email_report(landlord: Landlord, figures: dict, pdf_bytes: bytes) -> int:
    """Send one e-mail, with the report's PDF (made in `landlord.report_locale`) attached, to
    every address of `landlord.report_recipients`; answer how many. Without recipients, nothing
    is sent. SMTP errors are raised."""
    recipients = list(landlord.report_recipients or [])
    if not recipients:
        return 0
    scope = figures["scope"]
    locale = landlord.report_locale
    with force_locale(locale):
        month = month_in_words(scope["month"], locale)
        subject = gettext(
            "Palier — monthly report, %(month)s — %(name)s", month=month, name=scope["name"]
        )
        body = gettext(
            "Hello,\n\nAttached is the monthly report (PDF): %(name)s, %(month)s. It names no "
            "one.\n\nYou receive it as a recipient of the reports of %(landlord)s.\n\nPalier",
            name=scope["name"],
            month=month,
            landlord=landlord.name,
        )
    filename = f"palier-{scope['month']}-{scope['kind']}-{scope['id']}.pdf"
    send_mail(recipients, subject, body, attachments=[(filename, "application/pdf", pdf_bytes)])
    return len(recipients)
