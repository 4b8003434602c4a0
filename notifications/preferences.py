"""Which notifications a member wants, and when: categories and quiet hours.

Quiet hours are read in the time zone of the member's residence (21:00-08:00 by default); a
message that falls in them waits until they end. Urgent alerts always go through.
"""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

CATEGORIES = {
    "loans_and_help": (
        "loan_requested",
        "loan_accepted",
        "loan_declined",
        "loan_cancelled",
        "loan_due_tomorrow",
        "loan_overdue_borrower",
        "loan_overdue_owner",
        "exchange_proposed",
        "exchange_accepted",
        "exchange_declined",
        "exchange_cancelled",
        "thanks",
        "welcome",
    ),
    "bookings": (
        "booking_confirmed",
        "booking_pending",
        "booking_to_approve",
        "booking_approved",
        "booking_declined",
        "booking_cancelled_by_staff",
        "booking_reminder",
    ),
    "news_and_comments": ("comment", "event_reminder", "poll_closed"),
    "announcements": ("announcement", "alert"),
    "messages": ("message",),
}
CATEGORY_OF = {kind: category for category, kinds in CATEGORIES.items() for kind in kinds}
DEFAULT_QUIET = (21 * 60, 8 * 60)


def wanted(categories: dict | None, kind: str) -> bool:
    """A category the member did not switch off is on."""
    return (categories or {}).get(CATEGORY_OF.get(kind, ""), True) is not False


def quiet_until(start_min: int, end_min: int, zone: ZoneInfo, now: datetime) -> datetime | None:
    """When the quiet hours around `now` end, or None if `now` is not in them."""
    local = now.astimezone(zone)
    minute = local.hour * 60 + local.minute
    overnight = start_min > end_min
    quiet = (
        (minute >= start_min or minute < end_min) if overnight else start_min <= minute < end_min
    )
    if not quiet or start_min == end_min:
        return None
    day = local.date()
    if overnight and minute >= start_min:
        day += timedelta(days=1)
    return datetime.combine(day, time(end_min // 60, end_min % 60), zone)
