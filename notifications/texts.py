"""What each kind of notification says, in the recipient's language.

Titles and bodies are English message ids translated through the app's catalogue (Flask-Babel),
rendered in the recipient's locale at the moment the notification is enqueued.
"""

from datetime import datetime

from babel.dates import format_datetime
from flask_babel import force_locale, lazy_gettext

# "samedi 12 décembre, 14:00" / "Saturday 12 December, 14:00"
DATETIME_FORMAT = "EEEE d MMMM, HH:mm"

TEXTS = {
    "welcome": (
        lazy_gettext("Welcome to %(residence)s"),
        lazy_gettext("Your neighbours are here: lend, borrow, help each other and share news."),
    ),
    "loan_requested": (
        lazy_gettext("A neighbour would like to borrow: %(object)s"),
        lazy_gettext("Open the request to accept or decline it."),
    ),
    "loan_accepted": (
        lazy_gettext("Your request is accepted: %(object)s"),
        lazy_gettext("Agree with your neighbour on where and when to pick it up."),
    ),
    "loan_declined": (
        lazy_gettext("Request declined: %(object)s"),
        lazy_gettext("Your neighbour cannot lend it this time."),
    ),
    "loan_cancelled": (
        lazy_gettext("Request cancelled: %(object)s"),
        lazy_gettext("Your neighbour no longer needs it."),
    ),
    "loan_due_tomorrow": (
        lazy_gettext("To give back tomorrow: %(object)s"),
        lazy_gettext("Remember to return it to your neighbour tomorrow."),
    ),
    "loan_overdue_borrower": (
        lazy_gettext("Please give back: %(object)s"),
        lazy_gettext("The return day has passed. Agree on a time with your neighbour."),
    ),
    "loan_overdue_owner": (
        lazy_gettext("Not returned yet: %(object)s"),
        lazy_gettext("The return day has passed. You can write to your neighbour."),
    ),
    "exchange_proposed": (
        lazy_gettext("A neighbour answered: %(listing)s"),
        lazy_gettext("Open their answer to accept or decline it."),
    ),
    "exchange_accepted": (
        lazy_gettext("Your answer is accepted: %(listing)s"),
        lazy_gettext("Agree with your neighbour on the details."),
    ),
    "exchange_declined": (
        lazy_gettext("Answer declined: %(listing)s"),
        lazy_gettext("Your neighbour has made other arrangements."),
    ),
    "exchange_cancelled": (
        lazy_gettext("Answer withdrawn: %(listing)s"),
        lazy_gettext("Your neighbour withdrew their answer."),
    ),
    # Private texts (messages, comments) never go into a notification: push services and
    # logs see who wrote, and the app fetches what.
    "message": (
        lazy_gettext("New message from %(author)s"),
        lazy_gettext("Open the conversation to read it."),
    ),
    "booking_confirmed": (
        lazy_gettext("Booked: %(space)s"),
        lazy_gettext("%(when)s. See you there!"),
    ),
    "booking_pending": (
        lazy_gettext("Booking request sent: %(space)s"),
        lazy_gettext("%(when)s. You will be told as soon as it is approved."),
    ),
    "booking_to_approve": (
        lazy_gettext("A booking to approve: %(space)s"),
        lazy_gettext("%(when)s. Open it to approve or decline it."),
    ),
    "booking_approved": (
        lazy_gettext("Booking approved: %(space)s"),
        lazy_gettext("%(when)s. See you there!"),
    ),
    "booking_declined": (
        lazy_gettext("Booking declined: %(space)s"),
        lazy_gettext("%(when)s. Reason: %(reason)s"),
    ),
    "booking_cancelled_by_staff": (
        lazy_gettext("Booking cancelled: %(space)s"),
        lazy_gettext("%(when)s. Reason: %(reason)s"),
    ),
    "booking_reminder": (
        lazy_gettext("Soon: %(space)s"),
        lazy_gettext("Your booking starts %(when)s."),
    ),
    "announcement": (
        lazy_gettext("From your landlord: %(title)s"),
        lazy_gettext("A new announcement for your residence."),
    ),
    "alert": (
        lazy_gettext("Alert: %(title)s"),
        lazy_gettext("Important information for your residence. Open it now."),
    ),
    "comment": (
        lazy_gettext("%(author)s commented"),
        lazy_gettext("Open the post to read the comment."),
    ),
    "event_reminder": (
        lazy_gettext("Soon: %(title)s"),
        lazy_gettext("It starts %(when)s."),
    ),
    "poll_closed": (
        lazy_gettext("Poll closed: %(title)s"),
        lazy_gettext("The results are out."),
    ),
    "thanks": (
        lazy_gettext("%(author)s says thank you"),
        lazy_gettext("Your neighbour thanked you. Thank you for helping!"),
    ),
    "content_under_review": (
        lazy_gettext("What you published is being reviewed"),
        lazy_gettext(
            "Several neighbours reported it. It is hidden until a moderator of your residence "
            "looks at it."
        ),
    ),
    "content_held": (
        lazy_gettext("What you wrote is waiting for review"),
        lazy_gettext(
            "It contains words your landlord asked us to check. A moderator will read it before "
            "your neighbours see it."
        ),
    ),
    "moderation_hide": (
        lazy_gettext("A moderator hid what you published"),
        lazy_gettext("Reason: %(reason)s"),
    ),
    "moderation_restore": (
        lazy_gettext("What you published is visible again"),
        lazy_gettext("A moderator read it and put it back for your neighbours."),
    ),
    "moderation_delete": (
        lazy_gettext("A moderator deleted what you published"),
        lazy_gettext("Reason: %(reason)s"),
    ),
    "moderation_warn": (
        lazy_gettext("A message from the moderators of your residence"),
        lazy_gettext("They write: %(message)s"),
    ),
    "moderation_suspend": (
        lazy_gettext("Your account is suspended until %(until)s"),
        lazy_gettext(
            "Until then you can read and receive alerts, but not publish or write. Reason: "
            "%(reason)s"
        ),
    ),
    "moderation_lift_suspension": (
        lazy_gettext("Your suspension is lifted"),
        lazy_gettext("You can publish and write to your neighbours again."),
    ),
    "moderation_remove_member": (
        lazy_gettext("You are no longer a member of the residence's network"),
        lazy_gettext("Reason: %(reason)s. Contact your landlord for any question."),
    ),
    "export_ready": (
        lazy_gettext("Your data is ready"),
        lazy_gettext("Download the archive once from the app, within %(days)s days."),
    ),
    "report_upheld": (
        lazy_gettext("Thank you for your report"),
        lazy_gettext("A moderator looked at it and took action."),
    ),
    "report_dismissed": (
        lazy_gettext("Your report was reviewed"),
        lazy_gettext("A moderator looked at it and found nothing against the rules."),
    ),
}


def render(kind: str, locale: str, params: dict) -> tuple[str, str]:
    title, body = TEXTS[kind]
    params = {name: readable(value, locale) for name, value in params.items()}
    with force_locale(locale):
        return str(title) % params, str(body) % params


def readable(value, locale: str):
    """Moments as people read them, in their language and the residence's time zone."""
    if isinstance(value, datetime):
        return format_datetime(value, DATETIME_FORMAT, tzinfo=value.tzinfo, locale=locale)
    return value
