"""Monthly reports as stored snapshots: built once per month for a landlord and each of its
residences, read back by staff and solidaires, never rewritten.

Building a month that exists changes nothing; `regenerate=True` adds a new version beside the
old one. The scheduler builds every complete month that is missing (the previous one on the
1st at 06:00, Paris time; any month missed while no scheduler ran, at its next start).
"""

import re
from collections import defaultdict
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from models import Landlord, MonthlyReport, Residence, User, db
from models.base import utcnow
from services import local_time, scoping
from services.errors import Forbidden, NotFound, field_error
from services.local_time import next_month, wall_clock
from services.reports.figures import Month, landlord_figures

SCHEDULE_ZONE = ZoneInfo("Europe/Paris")
TREND_MONTHS = 12
# How far back the scheduler looks for a month that was never built.
CATCH_UP_MONTHS = 12
MONTH = re.compile(r"([0-9]{4})-([0-9]{2})")
# When the previous month's reports are built on the 1st, in Paris.
BUILD_HOUR = 6


def parse_month(text: str) -> date:
    """The first day of a month written yyyy-mm; 404 for anything else (it names a report)."""
    match = MONTH.fullmatch(text)
    if match is None or not 1 <= int(match[2]) <= 12 or not 2000 <= int(match[1]) <= 2100:
        raise _no_report()
    return date(int(match[1]), int(match[2]), 1)


def build_month(landlord: Landlord, first_day: date, *, regenerate: bool = False) -> list:
    """The month's snapshots for the landlord and each residence (built if missing, or as a
    new version with `regenerate`)."""
    existing = _latest(landlord.id, first_day)
    if existing and not regenerate:
        return existing
    version = max((report.version for report in existing), default=0) + 1
    total, per_residence = landlord_figures(landlord, first_day)
    reports = [MonthlyReport(landlord_id=landlord.id, residence_id=None, figures=total)]
    reports += [
        MonthlyReport(landlord_id=landlord.id, residence_id=rid, figures=figures)
        for rid, figures in per_residence.items()
    ]
    for report in reports:
        report.month, report.version = first_day, version
        report.definitions_version = report.figures["definitions_version"]
    _compare(reports)
    try:
        with db.session.begin_nested():
            db.session.add_all(reports)
    except IntegrityError:
        # Another scheduler (or a staff member's regeneration) built this version first.
        return _latest(landlord.id, first_day)
    return reports


def _latest(landlord_id: int, first_day: date) -> list[MonthlyReport]:
    """The newest version of the month's snapshots, landlord's first."""
    newest = (
        select(func.max(MonthlyReport.version))
        .where(MonthlyReport.landlord_id == landlord_id, MonthlyReport.month == first_day)
        .scalar_subquery()
    )
    return list(
        db.session.scalars(
            select(MonthlyReport)
            .where(
                MonthlyReport.landlord_id == landlord_id,
                MonthlyReport.month == first_day,
                MonthlyReport.version == newest,
            )
            .order_by(MonthlyReport.residence_id.is_not(None), MonthlyReport.residence_id)
        )
    )


def _compare(reports: list[MonthlyReport]) -> None:
    """Add to each report the change since the previous month and the 12-month trend of every
    figure, from the newest stored snapshots of those months of the same scope (one query for
    the landlord's report and all its residences')."""
    first = reports[0]
    months = [first.month]
    while len(months) < TREND_MONTHS:
        months.insert(0, local_time.previous_month(months[0]))
    newest = (
        select(
            MonthlyReport.residence_id,
            MonthlyReport.month,
            func.max(MonthlyReport.version).label("version"),
        )
        .where(
            MonthlyReport.landlord_id == first.landlord_id,
            MonthlyReport.month.in_(months[:-1]),
        )
        .group_by(MonthlyReport.residence_id, MonthlyReport.month)
        .subquery()
    )
    earlier = {
        (residence_id, month): flatten(figures)
        for residence_id, month, figures in db.session.execute(
            select(MonthlyReport.residence_id, MonthlyReport.month, MonthlyReport.figures)
            .join(
                newest,
                (newest.c.month == MonthlyReport.month)
                & (newest.c.version == MonthlyReport.version)
                & newest.c.residence_id.is_not_distinct_from(MonthlyReport.residence_id),
            )
            .where(MonthlyReport.landlord_id == first.landlord_id)
        )
    }
    for report in reports:
        current = flatten(report.figures)
        before = {month: earlier.get((report.residence_id, month), {}) for month in months[:-1]}
        previous = before[months[-2]]
        figures = dict(report.figures)
        figures["changes"] = {
            key: _difference(value, previous.get(key)) for key, value in current.items()
        }
        figures["trend"] = {"months": [month.strftime("%Y-%m") for month in months]} | {
            key: [before[month].get(key) for month in months[:-1]] + [value]
            for key, value in current.items()
        }
        report.figures = figures


def flatten(figures: dict, prefix: str = "") -> dict:
    """Every numeric figure by its dotted path (the per-building and per-space lists aside)."""
    flat = {}
    for key, value in figures.items():
        if key in ("scope", "changes", "trend", "definitions_version"):
            continue
        path = f"{prefix}{key}"
        if isinstance(value, dict):
            flat |= flatten(value, f"{path}.")
        elif value is None or (isinstance(value, int | float) and not isinstance(value, bool)):
            flat[path] = value
    return flat


def _difference(value, before):
    if value is None or before is None:
        return None
    return round(value - before, 3)


def last_complete_month(now: datetime | None = None) -> date:
    """The first day of the last complete month, in Paris time."""
    now = (now or utcnow()).astimezone(SCHEDULE_ZONE)
    return local_time.previous_month(date(now.year, now.month, 1))


def build_due_reports(now: datetime | None = None) -> list[MonthlyReport]:
    """The scheduler's job: build every month due and missing for every landlord, back to
    CATCH_UP_MONTHS or the landlord's first month. Returns the landlords' new reports."""
    now = (now or utcnow()).astimezone(SCHEDULE_ZONE)
    current = date(now.year, now.month, 1)
    zones = _time_zones()
    built = []
    for landlord in db.session.scalars(select(Landlord).order_by(Landlord.id)):
        created = landlord.created_at.astimezone(SCHEDULE_ZONE)
        first = max(date(created.year, created.month, 1), _months_before(current, CATCH_UP_MONTHS))
        month = first
        while month < current and _due(month, zones[landlord.id], now):
            if not _latest(landlord.id, month):
                built.append(build_month(landlord, month)[0])
            month = next_month(month)
    return built


def _time_zones() -> dict[int, set[str]]:
    """Each landlord's residences' time zones (Paris for a landlord without residences)."""
    zones = defaultdict(lambda: {SCHEDULE_ZONE.key})
    for landlord_id, zone in db.session.execute(
        select(Residence.landlord_id, Residence.time_zone).distinct()
    ):
        zones[landlord_id] = zones.get(landlord_id, set()) | {zone}
    return zones


def _due(first_day: date, zones: set[str], now: datetime) -> bool:
    """A month is due on the 1st after it at BUILD_HOUR (Paris), once it is over in every time
    zone of the landlord's residences (the Antilles' October ends at 05:00 in Paris)."""
    due_at = wall_clock(next_month(first_day), BUILD_HOUR * 60, SCHEDULE_ZONE)
    ended = all(Month(first_day, ZoneInfo(zone)).ends <= now for zone in zones)
    return now >= due_at and ended


def _months_before(first_day: date, count: int) -> date:
    for _ in range(count):
        first_day = local_time.previous_month(first_day)
    return first_day


def residence_report(user: User, residence_id: int, month: str) -> MonthlyReport:
    """A residence's report: for its landlord's staff and its solidaires."""
    residence = scoping.get_residence(user, residence_id)
    if not scoping.can_moderate(user, residence.id):
        raise Forbidden(
            "Only the landlord's staff and the residence's solidaires read its reports."
        )
    return _newest(residence.landlord_id, residence.id, parse_month(month))


def residence_report_months(user: User, residence_id: int) -> list[str]:
    """The months a residence has a report for, newest first ("2026-10")."""
    residence = scoping.get_residence(user, residence_id)
    if not scoping.can_moderate(user, residence.id):
        raise Forbidden(
            "Only the landlord's staff and the residence's solidaires read its reports."
        )
    months = db.session.scalars(
        select(MonthlyReport.month)
        .where(MonthlyReport.residence_id == residence.id)
        .distinct()
        .order_by(MonthlyReport.month.desc())
    )
    return [month.strftime("%Y-%m") for month in months]


def landlord_report(user: User, landlord_id: int, month: str) -> MonthlyReport:
    """The landlord's report of all its residences: for its staff."""
    landlord = scoping.get_staffed_landlord(user, landlord_id)
    return _newest(landlord.id, None, parse_month(month))


def regenerate(user: User, landlord_id: int, month: str) -> MonthlyReport:
    """A new version of a past month's reports (the landlord's is returned); 422 for a month
    that is not over."""
    landlord = scoping.get_staffed_landlord(user, landlord_id)
    first_day = parse_month(month)
    if not _due(first_day, _time_zones()[landlord.id], utcnow()):
        raise field_error("month", "Only a month that is over has a report.")
    return build_month(landlord, first_day, regenerate=True)[0]


def _newest(landlord_id: int, residence_id: int | None, first_day: date) -> MonthlyReport:
    scope = (
        MonthlyReport.residence_id.is_(None)
        if residence_id is None
        else MonthlyReport.residence_id == residence_id
    )
    report = db.session.scalar(
        select(MonthlyReport)
        .where(MonthlyReport.landlord_id == landlord_id, MonthlyReport.month == first_day, scope)
        .order_by(MonthlyReport.version.desc())
        .limit(1)
    )
    if report is None:
        raise _no_report()
    return report


def _no_report() -> NotFound:
    return NotFound("There is no report for this month.")
