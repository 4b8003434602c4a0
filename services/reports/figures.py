"""The figures of a month for every residence of a landlord, aggregated in SQL.

One query per family of figures (members, activity, lending, spaces, news, push, moderation)
for all the landlord's residences at once, per time zone of its residences (nearly always one):
the number of queries does not grow with residences, members or rows. Each figure is defined in
the README ("Monthly reports"); defaults are in services/reports/definitions.py.

A month is the residence's calendar month (its time zone: a row at 23:30 UTC on 31 October is
November in Paris). Choices made where a figure could be read two ways, so that a month's report
says what happened in that month and a regeneration months later gives the same counts:
- Membership comes from the history of joins and departures (MembershipEvent). The members of
  the month are those who were members at some moment of it (at its start, or joining in it);
  those at its end make `total`, the per-building counts and the phones (`devices`).
- `active` counts the members of the month who did something in it, wherever they did it: a
  member borrowing from a neighbouring residence is active in their own residence.
- `by_building` counts the members at the month's end by the building they live in now (no
  history of buildings is kept); `active` there, those of them who were active.
- `devices`: phones of the members at the month's end, registered before it ended.
- `comments`, like posts, leave out what was deleted (by its author or a moderator).
- `announcements` (the landlord's announcements and alerts published in the month, deleted
  ones left out): `opened` counts the members reached (of a residence or building the post
  reached) who opened it, whenever they did; staff reading their own announcement do not count,
  so `reach` stays within 0..1. `median_minutes_to_first_open` is the median, over every member
  who opened one, of the minutes from publication to their first open.
- `moderation.actions` are moderators' and the platform's actions (hide, warn, dismiss,
  auto_hide...), by their audit entries; role and membership changes by staff are not counted.
"""

import statistics
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import and_, case, distinct, func, or_, select, true, union_all
from sqlalchemy.orm import selectinload

from models import (
    AuditAction,
    AuditEntry,
    Booking,
    BookingStatus,
    Building,
    Comment,
    Delivery,
    Device,
    EventRsvp,
    HelpExchange,
    Landlord,
    Listing,
    ListingKind,
    Loan,
    Membership,
    MembershipChange,
    MembershipEvent,
    Message,
    ModerationCase,
    Notification,
    Post,
    PostBuilding,
    PostKind,
    PostRead,
    PostResidence,
    Reaction,
    Report,
    Residence,
    Space,
    Thanks,
    Vote,
    db,
)
from models.base import seconds_between
from services.availability import opening_intervals
from services.local_time import next_month, wall_clock
from services.reports.definitions import (
    DEFINITIONS_VERSION,
    HELP_KINDS,
    SMALL_COUNT,
    VALUE_EUR_BY_CATEGORY,
)


@dataclass
class Month:
    """A calendar month in one time zone, and its bounds in UTC."""

    first_day: date
    zone: ZoneInfo

    @property
    def last_day(self) -> date:
        return next_month(self.first_day) - timedelta(days=1)

    @property
    def starts(self) -> datetime:
        return wall_clock(self.first_day, 0, self.zone)

    @property
    def ends(self) -> datetime:
        return wall_clock(next_month(self.first_day), 0, self.zone)

    def holds(self, column):
        return and_(column >= self.starts, column < self.ends)


def landlord_figures(landlord: Landlord, first_day: date) -> tuple[dict, dict[int, dict]]:
    """The landlord's figures and each of its residences', for the month of `first_day`
    (without `changes` and `trend`, which come from earlier snapshots)."""
    residences = list(
        db.session.scalars(
            select(Residence).where(Residence.landlord_id == landlord.id).order_by(Residence.id)
        )
    )
    by_zone = defaultdict(list)
    for residence in residences:
        by_zone[residence.time_zone].append(residence)
    per_residence = {}
    for zone, group in by_zone.items():
        per_residence |= _figures(group, Month(first_day, ZoneInfo(zone)))
    month = first_day.strftime("%Y-%m")
    for residence in residences:
        per_residence[residence.id]["scope"] = {
            "kind": "residence",
            "id": residence.id,
            "name": residence.name,
            "landlord": landlord.name,
            "month": month,
            "time_zone": residence.time_zone,
        }
    total = _landlord_total(landlord, month, residences, per_residence)
    return total, per_residence


def _figures(residences: list[Residence], month: Month) -> dict[int, dict]:
    ids = [residence.id for residence in residences]
    history = _history(ids, month)
    members = _members(ids, month)
    active = _active_members(ids, history, month)
    buildings = _by_building(history, active["users"])
    lending = _lending(ids, month)
    spaces = _spaces(ids, month)
    news = _news(ids, month)
    push = _push(ids, history, month)
    moderation = _moderation(ids, month)
    figures = {}
    for residence in residences:
        rid = residence.id
        total = members[rid]["total"]
        figures[rid] = {
            "definitions_version": DEFINITIONS_VERSION,
            "members": {
                **members[rid],
                "active": active["counts"].get(rid, 0),
                "households": residence.households,
                "households_reached": _share(total, residence.households),
                "by_building": buildings.get(rid, []),
            },
            "lending": lending[rid],
            "spaces": spaces[rid],
            "news": news[rid],
            "push": push[rid],
            "moderation": moderation["figures"][rid],
            "_durations": {
                "first_open": news[rid].pop("_first_open_minutes"),
                "handling": moderation["hours"][rid],
            },
        }
    return figures


# Members


def _members(ids: list[int], month: Month) -> dict[int, dict]:
    """From the history of joins and departures: members at the month's end, joined, left."""
    joined, left = MembershipChange.JOINED, MembershipChange.LEFT
    in_month = month.holds(MembershipEvent.at)
    rows = db.session.execute(
        select(
            MembershipEvent.residence_id,
            func.sum(
                case(
                    (MembershipEvent.at >= month.ends, 0),
                    (MembershipEvent.change == joined, 1),
                    else_=-1,
                )
            ),
            func.sum(case((and_(in_month, MembershipEvent.change == joined), 1), else_=0)),
            func.sum(case((and_(in_month, MembershipEvent.change == left), 1), else_=0)),
        )
        .where(MembershipEvent.residence_id.in_(ids))
        .group_by(MembershipEvent.residence_id)
    ).all()
    figures = {rid: {"total": 0, "joined": 0, "left": 0} for rid in ids}
    for rid, total, joined_count, left_count in rows:
        figures[rid] = {"total": int(total), "joined": int(joined_count), "left": int(left_count)}
    return figures


def _history(ids: list[int], month: Month):
    """(residence_id, user_id, during, at_end) from the history of joins and departures: whether
    the user was a member at some moment of the month, and at its end (a subquery)."""
    joined = MembershipEvent.change == MembershipChange.JOINED
    step = case((joined, 1), else_=-1)
    before_start = func.sum(case((MembershipEvent.at < month.starts, step), else_=0))
    before_end = func.sum(case((MembershipEvent.at < month.ends, step), else_=0))
    joined_in_month = func.count().filter(and_(joined, month.holds(MembershipEvent.at)))
    return (
        select(
            MembershipEvent.residence_id,
            MembershipEvent.user_id,
            or_(before_start > 0, joined_in_month > 0).label("during"),
            (before_end > 0).label("at_end"),
        )
        .where(MembershipEvent.residence_id.in_(ids))
        .group_by(MembershipEvent.residence_id, MembershipEvent.user_id)
        .subquery()
    )


def _activity(month: Month, users):
    """(user_id) of each of `users` (a SELECT of ids) who did something in the month, in any
    residence: posted, commented, reacted, voted, answered an event, listed, asked to borrow,
    lent, answered a listing, helped or was helped, booked, wrote a message, thanked."""
    sources = (
        (Post.author_id, Post.published_at),
        (Comment.author_id, Comment.created_at),
        (Reaction.user_id, Reaction.created_at),
        (Vote.user_id, Vote.created_at),
        (EventRsvp.user_id, EventRsvp.created_at),
        (Listing.owner_id, Listing.created_at),
        (Loan.borrower_id, Loan.created_at),
        (Loan.owner_id, Loan.handed_over_at),
        (HelpExchange.member_id, HelpExchange.created_at),
        (HelpExchange.owner_id, HelpExchange.completed_at),
        (HelpExchange.member_id, HelpExchange.completed_at),
        (Booking.member_id, Booking.created_at),
        (Message.author_id, Message.created_at),
        (Thanks.author_id, Thanks.created_at),
    )
    parts = [
        select(user.label("user_id")).where(month.holds(moment), user.in_(users))
        for user, moment in sources
    ]
    return union_all(*parts).subquery()


def _active_members(ids: list[int], history, month: Month) -> dict:
    """Members of the month (whatever their role) who did something in it, anywhere."""
    ever_members = select(MembershipEvent.user_id).where(MembershipEvent.residence_id.in_(ids))
    activity = _activity(month, ever_members)
    rows = db.session.execute(
        select(history.c.residence_id, history.c.user_id)
        .join(activity, activity.c.user_id == history.c.user_id)
        .where(history.c.during)
        .distinct()
    ).all()
    counts, users = defaultdict(int), defaultdict(set)
    for rid, user_id in rows:
        counts[rid] += 1
        users[rid].add(user_id)
    return {"counts": counts, "users": users}


def _by_building(history, active_users: dict[int, set]) -> dict[int, list]:
    """Members at the month's end of each building (the one they live in now) and how many of
    them were active; small counts hidden."""
    rows = db.session.execute(
        select(history.c.residence_id, Building.name, history.c.user_id)
        .join(
            Membership,
            and_(
                Membership.residence_id == history.c.residence_id,
                Membership.user_id == history.c.user_id,
            ),
        )
        .join(Building, Building.id == Membership.building_id)
        .where(history.c.at_end)
        .order_by(Building.name)
    ).all()
    counts = defaultdict(lambda: defaultdict(lambda: [0, 0]))
    for rid, building, user_id in rows:
        counts[rid][building][0] += 1
        counts[rid][building][1] += user_id in active_users.get(rid, ())
    return {
        rid: [
            {"building": name, "members": _shown(members), "active": _shown(active)}
            for name, (members, active) in buildings.items()
        ]
        for rid, buildings in counts.items()
    }


def _shown(count: int):
    return "< 5" if count < SMALL_COUNT else count


# Lending and help


def _value_eur(listing=Listing):
    """A listing's estimated value, else the default of its category."""
    default = case(
        *(
            (listing.category == category, value)
            for category, value in VALUE_EUR_BY_CATEGORY.items()
        ),
        else_=VALUE_EUR_BY_CATEGORY["other"],
    )
    return func.coalesce(listing.estimated_value_eur, default)


def _lending(ids: list[int], month: Month) -> dict[int, dict]:
    figures = {
        rid: {
            "listings": {kind.value: 0 for kind in ListingKind},
            "loans_started": 0,
            "loans_completed": 0,
            "loans_overdue": 0,
            "help_done": 0,
            "gifts": 0,
            "thanks": 0,
            "money_saved_eur": 0,
            "help_hours": 0.0,
        }
        for rid in ids
    }
    listings = db.session.execute(
        select(Listing.residence_id, Listing.kind, func.count())
        .where(Listing.residence_id.in_(ids), month.holds(Listing.created_at))
        .group_by(Listing.residence_id, Listing.kind)
    ).all()
    for rid, kind, count in listings:
        figures[rid]["listings"][kind.value] = count
    # Overdue at the month's end: handed over before it, due by its last day, not back.
    overdue = and_(
        Loan.handed_over_at < month.ends,
        Loan.due_on <= month.last_day,
        or_(Loan.returned_at.is_(None), Loan.returned_at >= month.ends),
    )
    returned = month.holds(Loan.returned_at)
    loans = db.session.execute(
        select(
            Loan.residence_id,
            func.count().filter(month.holds(Loan.handed_over_at)),
            func.count().filter(returned),
            func.count().filter(overdue),
            func.coalesce(func.sum(case((returned, _value_eur()), else_=0)), 0),
        )
        .join(Listing, Listing.id == Loan.listing_id)
        .where(Loan.residence_id.in_(ids))
        .group_by(Loan.residence_id)
    ).all()
    for rid, started, completed, late, saved in loans:
        figures[rid].update(loans_started=started, loans_completed=completed, loans_overdue=late)
        figures[rid]["money_saved_eur"] += int(saved)
    is_help = Listing.kind.in_(HELP_KINDS)
    is_gift = Listing.kind == ListingKind.GIVE
    exchanges = db.session.execute(
        select(
            HelpExchange.residence_id,
            func.count().filter(is_help),
            func.count().filter(is_gift),
            func.coalesce(func.sum(case((is_gift, _value_eur()), else_=0)), 0),
            func.coalesce(func.sum(case((is_help, HelpExchange.help_minutes), else_=0)), 0),
        )
        .join(Listing, Listing.id == HelpExchange.listing_id)
        .where(HelpExchange.residence_id.in_(ids), month.holds(HelpExchange.completed_at))
        .group_by(HelpExchange.residence_id)
    ).all()
    for rid, helps, gifts, saved, minutes in exchanges:
        figures[rid].update(help_done=helps, gifts=gifts, help_hours=round(minutes / 60, 1))
        figures[rid]["money_saved_eur"] += int(saved)
    deal_residence = func.coalesce(Loan.residence_id, HelpExchange.residence_id)
    thanks = db.session.execute(
        select(deal_residence, func.count())
        .select_from(Thanks)
        .outerjoin(Loan, Loan.id == Thanks.loan_id)
        .outerjoin(HelpExchange, HelpExchange.id == Thanks.exchange_id)
        .where(deal_residence.in_(ids), month.holds(Thanks.created_at))
        .group_by(deal_residence)
    ).all()
    for rid, count in thanks:
        figures[rid]["thanks"] = count
    return figures


# Shared spaces


def _spaces(ids: list[int], month: Month) -> dict[int, dict]:
    """Bookings starting in the month, their hours, cancellations, and occupancy: confirmed
    hours ÷ opening hours of the month (closures left out)."""
    spaces = list(
        db.session.scalars(
            select(Space)
            .where(Space.residence_id.in_(ids))
            .options(selectinload(Space.opening_hours), selectinload(Space.closures))
            .order_by(Space.residence_id, Space.name)
        )
    )
    confirmed = Booking.status == BookingStatus.CONFIRMED
    rows = db.session.execute(
        select(
            Booking.space_id,
            func.count().filter(confirmed),
            func.coalesce(
                func.sum(case((confirmed, seconds_between(Booking.ends_at, Booking.starts_at)))),
                0,
            ),
            func.count().filter(Booking.status == BookingStatus.CANCELLED),
        )
        .where(Booking.residence_id.in_(ids), month.holds(Booking.starts_at))
        .group_by(Booking.space_id)
    ).all()
    booked = {
        space_id: (count, seconds / 3600, cancelled) for space_id, count, seconds, cancelled in rows
    }
    figures = {
        rid: {"bookings": 0, "hours_booked": 0.0, "cancellations": 0, "by_space": []} for rid in ids
    }
    open_hours = defaultdict(float)
    for space in spaces:
        count, hours, cancelled = booked.get(space.id, (0, 0.0, 0))
        # Elapsed time, not wall-clock time: two instants of one zone subtract as wall clocks
        # in Python, which would make the night the clocks go back 24 hours instead of 25.
        opened = sum(
            (interval.end.timestamp() - interval.start.timestamp()) / 3600
            for interval in opening_intervals(space, month.first_day, month.last_day, month.zone)
        )
        figures[space.residence_id]["by_space"].append(
            {
                "space": space.name,
                "bookings": count,
                "hours_booked": round(hours, 1),
                "open_hours": round(opened, 1),
                "occupancy": _share(hours, opened),
                "cancellations": cancelled,
            }
        )
        residence = figures[space.residence_id]
        residence["bookings"] += count
        residence["hours_booked"] += hours
        residence["cancellations"] += cancelled
        open_hours[space.residence_id] += opened
    for rid, residence in figures.items():
        residence["occupancy"] = _share(residence["hours_booked"], open_hours[rid])
        residence["hours_booked"] = round(residence["hours_booked"], 1)
    return figures


# News


def _news(ids: list[int], month: Month) -> dict[int, dict]:
    figures = {
        rid: {
            "posts": {kind.value: 0 for kind in PostKind},
            "comments": 0,
            "rsvps": 0,
            "votes": 0,
            "announcements": {"count": 0, "targeted": 0, "opened": 0},
            "_first_open_minutes": [],
        }
        for rid in ids
    }
    published = and_(Post.residence_id.in_(ids), month.holds(Post.published_at))
    for rid, kind, count in db.session.execute(
        select(Post.residence_id, Post.kind, func.count())
        .where(published, Post.deleted_at.is_(None))
        .group_by(Post.residence_id, Post.kind)
    ):
        figures[rid]["posts"][kind.value] = count
    for name, model, moment, kept in (
        ("comments", Comment, Comment.created_at, Comment.deleted_at.is_(None)),
        ("rsvps", EventRsvp, EventRsvp.created_at, true()),
        ("votes", Vote, Vote.created_at, true()),
    ):
        for rid, count in db.session.execute(
            select(Post.residence_id, func.count())
            .select_from(model)
            .join(Post, Post.id == model.post_id)
            .where(Post.residence_id.in_(ids), month.holds(moment), kept)
            .group_by(Post.residence_id)
        ):
            figures[rid][name] = count
    # The landlord's announcements and alerts published in the month: whom they reached, which
    # of the members reached opened them, and how soon (minutes from publication to each
    # member's first open): one row per announcement and reader.
    reached = or_(
        select(PostResidence.post_id)
        .join(Membership, Membership.residence_id == PostResidence.residence_id)
        .where(PostResidence.post_id == PostRead.post_id, Membership.user_id == PostRead.user_id)
        .exists(),
        select(PostBuilding.post_id)
        .join(Membership, Membership.building_id == PostBuilding.building_id)
        .where(PostBuilding.post_id == PostRead.post_id, Membership.user_id == PostRead.user_id)
        .exists(),
    )
    reads = select(PostRead.post_id, PostRead.read_at).where(reached).subquery()
    rows = db.session.execute(
        select(
            Post.residence_id,
            Post.id,
            Post.targeted_count,
            seconds_between(reads.c.read_at, Post.published_at),
        )
        .outerjoin(reads, reads.c.post_id == Post.id)
        .where(
            published,
            Post.deleted_at.is_(None),
            Post.kind.in_((PostKind.ANNOUNCEMENT, PostKind.ALERT)),
        )
    ).all()
    counted = set()
    for rid, post_id, targeted, seconds in rows:
        announcements = figures[rid]["announcements"]
        if post_id not in counted:
            counted.add(post_id)
            announcements["count"] += 1
            announcements["targeted"] += targeted
        if seconds is not None:
            announcements["opened"] += 1
            figures[rid]["_first_open_minutes"].append(seconds / 60)
    for figure in figures.values():
        _reach(figure["announcements"], figure["_first_open_minutes"])
    return figures


def _reach(announcements: dict, minutes: list[float]) -> None:
    announcements["reach"] = _share(announcements["opened"], announcements["targeted"])
    announcements["median_minutes_to_first_open"] = _median(minutes)


# Push notifications


def _push(ids: list[int], history, month: Month) -> dict[int, dict]:
    """Notifications sent in the month to the members of the month, their deliveries to phones,
    and the phones of the members at the month's end registered before it ended."""
    members = select(history.c.user_id, history.c.residence_id).where(history.c.during).subquery()
    figures = {
        rid: {"notifications_sent": 0, "deliveries": 0, "delivered": 0, "devices": 0} for rid in ids
    }
    sent = db.session.execute(
        select(
            members.c.residence_id,
            func.count(distinct(Notification.id)),
            func.count(Delivery.id),
            func.count(Delivery.id).filter(Delivery.outcome == "sent"),
        )
        .join(Notification, Notification.recipient_id == members.c.user_id)
        .outerjoin(Delivery, Delivery.notification_id == Notification.id)
        .where(month.holds(Notification.sent_at))
        .group_by(members.c.residence_id)
    ).all()
    for rid, notifications, deliveries, delivered in sent:
        figures[rid].update(
            notifications_sent=notifications, deliveries=deliveries, delivered=delivered
        )
    devices = db.session.execute(
        select(history.c.residence_id, func.count(Device.id))
        .join(Device, Device.user_id == history.c.user_id)
        .where(history.c.at_end, Device.created_at < month.ends)
        .group_by(history.c.residence_id)
    ).all()
    for rid, count in devices:
        figures[rid]["devices"] = count
    for figure in figures.values():
        figure["delivery_rate"] = _share(figure["delivered"], figure["deliveries"])
    return figures


# Moderation


# Audit entries that are staff's administration of members, not moderation.
STAFF_ADMINISTRATION = (AuditAction.ROLE_CHANGE, AuditAction.MEMBERSHIP_CHANGE)


def _moderation(ids: list[int], month: Month) -> dict:
    figures = {rid: {"reports": 0, "actions": {}} for rid in ids}
    hours = {rid: [] for rid in ids}
    for rid, count in db.session.execute(
        select(ModerationCase.residence_id, func.count(Report.id))
        .join(Report, Report.case_id == ModerationCase.id)
        .where(ModerationCase.residence_id.in_(ids), month.holds(Report.created_at))
        .group_by(ModerationCase.residence_id)
    ):
        figures[rid]["reports"] = count
    for rid, seconds in db.session.execute(
        select(
            ModerationCase.residence_id,
            seconds_between(ModerationCase.closed_at, ModerationCase.opened_at),
        ).where(ModerationCase.residence_id.in_(ids), month.holds(ModerationCase.closed_at))
    ):
        hours[rid].append(seconds / 3600)
    for rid, action, count in db.session.execute(
        select(AuditEntry.residence_id, AuditEntry.action, func.count())
        .where(
            AuditEntry.residence_id.in_(ids),
            month.holds(AuditEntry.created_at),
            AuditEntry.action.not_in(STAFF_ADMINISTRATION),
        )
        .group_by(AuditEntry.residence_id, AuditEntry.action)
        .order_by(AuditEntry.action)
    ):
        figures[rid]["actions"][action.value] = count
    for rid, figure in figures.items():
        figure["median_hours_to_handle"] = _rounded(_median(hours[rid]))
    return {"figures": figures, "hours": hours}


# The landlord's figures: sums of its residences', rates and medians computed again


def _landlord_total(landlord, month: str, residences, per_residence: dict[int, dict]) -> dict:
    parts = [per_residence[residence.id] for residence in residences]
    total = _summed(
        [{k: v for k, v in part.items() if k not in ("scope", "_durations")} for part in parts]
    )
    households = [r.households for r in residences]
    members = total["members"]
    members["households"] = None if None in households else sum(households)
    members["households_reached"] = _share(members["total"], members["households"])
    members["by_building"] = []
    spaces = total["spaces"]
    names = {residence.id: residence.name for residence in residences}
    spaces["by_space"] = [
        {**space, "space": f"{names[residence.id]} — {space['space']}"}
        for residence in residences
        for space in per_residence[residence.id]["spaces"]["by_space"]
    ]
    opened = sum(space["open_hours"] for space in spaces["by_space"])
    spaces["occupancy"] = _share(spaces["hours_booked"], opened)
    first_opens = [m for part in parts for m in part["_durations"]["first_open"]]
    _reach(total["news"]["announcements"], first_opens)
    push = total["push"]
    push["delivery_rate"] = _share(push["delivered"], push["deliveries"])
    handling = [h for part in parts for h in part["_durations"]["handling"]]
    total["moderation"]["median_hours_to_handle"] = _rounded(_median(handling))
    total["definitions_version"] = DEFINITIONS_VERSION
    total["scope"] = {
        "kind": "landlord",
        "id": landlord.id,
        "name": landlord.name,
        "landlord": landlord.name,
        "month": month,
        "time_zone": residences[0].time_zone if residences else "Europe/Paris",
    }
    for part in parts:
        part.pop("_durations")
    return total


def _summed(parts: list[dict]) -> dict:
    """Numbers added up key by key (rates and medians are computed again by the caller)."""
    total = {}
    for part in parts:
        for key, value in part.items():
            if isinstance(value, dict):
                total[key] = _summed([total.get(key, {}), value])
            elif isinstance(value, bool) or not isinstance(value, int | float):
                total.setdefault(key, None)
            else:
                added = (total.get(key) or 0) + value
                total[key] = round(added, 1) if isinstance(added, float) else added
    return total


def _share(part, whole):
    if not whole or part is None:
        return None
    return round(part / whole, 3)


def _median(values: list[float]):
    return round(statistics.median(values), 1) if values else None


def _rounded(value):
    return None if value is None else round(value, 1)
