"""A monthly report by e-mail to the landlord's report recipients, in the landlord's language."""

import logging
import smtplib
from datetime import datetime

from flask_babel import force_locale, gettext
from sqlalchemy import select

from models import Landlord, MonthlyReport, db
from models.base import utcnow
from notifications.mail import send_mail
from services.reports import snapshots
from services.reports.documents import report_pdf
from services.reports.formatting import month_in_words

log = logging.getLogger(__name__)


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


def unsent_reports(now: datetime | None = None) -> list[int]:
    """The landlords' reports of last month (newest version) not yet e-mailed."""
    return list(
        db.session.scalars(
            select(MonthlyReport.id)
            .where(
                MonthlyReport.residence_id.is_(None),
                MonthlyReport.month == snapshots.last_complete_month(now),
                MonthlyReport.version == 1,
                MonthlyReport.emailed_at.is_(None),
            )
            .order_by(MonthlyReport.id)
        )
    )


def send_report(report_id: int) -> int:
    """E-mail one landlord's report and mark it sent (the scheduler gives each its own unit of
    work: a failure leaves it unsent, to try again an hour later, and the others sent)."""
    report = db.session.scalar(
        select(MonthlyReport).where(MonthlyReport.id == report_id).with_for_update(skip_locked=True)
    )
    if report is None or report.emailed_at is not None:
        return 0  # another scheduler is sending it, or has
    landlord = db.session.get(Landlord, report.landlord_id)
    if not landlord.report_recipients:
        return 0  # left unsent: sent once the landlord names its recipients
    pdf = report_pdf(report.figures, landlord.report_locale)
    try:
        sent = email_report(landlord, report.figures, pdf)
    except (smtplib.SMTPException, OSError) as error:
        log.warning("report %s not e-mailed, tried again in an hour: %s", report.id, error)
        return 0
    report.emailed_at = utcnow()
    return sent
