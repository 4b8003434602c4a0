"""Wall-clock time in a residence: opening hours and bookings are lived in local time.

Opening hours are minutes from local midnight (1440 = the midnight that ends the day); they
are turned into instants day by day, so a day of 23 or 25 hours (daylight saving) comes out
right.
"""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

DAY_MINUTES = 1440


def wall_clock(day: date, minutes: int, zone: ZoneInfo) -> datetime:
    """The instant at `minutes` past local midnight of `day` (1440: the next midnight)."""
    if minutes == DAY_MINUTES:
        return datetime.combine(day + timedelta(days=1), time(0), zone)
    return datetime.combine(day, time(minutes // 60, minutes % 60), zone)


def next_month(first_day: date) -> date:
    """The first day of the month after the month of `first_day`."""
    return date(first_day.year + first_day.month // 12, first_day.month % 12 + 1, 1)


def previous_month(first_day: date) -> date:
    """The first day of the month before the month of `first_day`."""
    return date(first_day.year - (first_day.month == 1), (first_day.month - 2) % 12 + 1, 1)


def minutes_of_day(moment: datetime, zone: ZoneInfo) -> tuple[date, int]:
    """The local day of an instant and its minutes from that day's midnight, on the wall clock."""
    local = moment.astimezone(zone)
    return local.date(), local.hour * 60 + local.minute


def parse_clock(text: str) -> int:
    """'08:30' -> 510; '24:00' -> 1440."""
    hours, minutes = text.split(":")
    value = int(hours) * 60 + int(minutes)
    if not (0 <= int(minutes) < 60 and 0 <= value <= DAY_MINUTES):
        raise ValueError(text)
    return value


def format_clock(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def format_duration(minutes: int) -> str:
    """'3 h 30', '4 h', '45 min': the way people say it, in French and English alike."""
    hours, rest = divmod(minutes, 60)
    if not hours:
        return f"{rest} min"
    return f"{hours} h {rest:02d}" if rest else f"{hours} h"
