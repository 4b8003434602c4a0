"""What a report calls its figures: the title of each section, the label and the kind of each
figure (how its value reads), in the order the outputs list them.

The figures dict (services/reports/figures.py) is a snapshot stored as JSON, whose key order
the database does not keep: the outputs follow the order of this module. A figure missing here
still appears, last in its section, labelled by its dotted path.
"""

from dataclasses import dataclass

from flask_babel import lazy_gettext

# How a value reads: a number of things, whole euros, hours, minutes, or a share of 0..1.
COUNT, EUROS, HOURS, MINUTES, SHARE = "count", "euros", "hours", "minutes", "share"

SECTIONS = {
    "members": lazy_gettext("Members"),
    "lending": lazy_gettext("Lending and help"),
    "spaces": lazy_gettext("Shared spaces"),
    "news": lazy_gettext("Neighbourhood news"),
    "push": lazy_gettext("Push notifications"),
    "moderation": lazy_gettext("Moderation"),
}

FIGURES = {
    "members.total": (lazy_gettext("Members"), COUNT),
    "members.joined": (lazy_gettext("New members"), COUNT),
    "members.left": (lazy_gettext("Members who left"), COUNT),
    "members.active": (lazy_gettext("Active members"), COUNT),
    "members.households": (lazy_gettext("Households"), COUNT),
    "members.households_reached": (lazy_gettext("Households reached"), SHARE),
    "lending.listings.lend": (lazy_gettext("Objects offered for lending"), COUNT),
    "lending.listings.give": (lazy_gettext("Objects offered as gifts"), COUNT),
    "lending.listings.offer_help": (lazy_gettext("Offers of help"), COUNT),
    "lending.listings.request_help": (lazy_gettext("Requests for help"), COUNT),
    "lending.loans_started": (lazy_gettext("Loans started"), COUNT),
    "lending.loans_completed": (lazy_gettext("Loans completed"), COUNT),
    "lending.loans_overdue": (lazy_gettext("Loans overdue"), COUNT),
    "lending.help_done": (lazy_gettext("Help given"), COUNT),
    "lending.gifts": (lazy_gettext("Gifts made"), COUNT),
    "lending.thanks": (lazy_gettext("Thanks said"), COUNT),
    "lending.money_saved_eur": (lazy_gettext("Money saved"), EUROS),
    "lending.help_hours": (lazy_gettext("Hours of help"), HOURS),
    "spaces.bookings": (lazy_gettext("Bookings"), COUNT),
    "spaces.hours_booked": (lazy_gettext("Hours booked"), HOURS),
    "spaces.cancellations": (lazy_gettext("Cancellations"), COUNT),
    "spaces.occupancy": (lazy_gettext("Occupancy"), SHARE),
    "news.posts.post": (lazy_gettext("Posts"), COUNT),
    "news.posts.event": (lazy_gettext("Events"), COUNT),
    "news.posts.poll": (lazy_gettext("Polls"), COUNT),
    "news.posts.announcement": (lazy_gettext("Announcements"), COUNT),
    "news.posts.alert": (lazy_gettext("Alerts"), COUNT),
    "news.comments": (lazy_gettext("Comments"), COUNT),
    "news.rsvps": (lazy_gettext("Replies to events"), COUNT),
    "news.votes": (lazy_gettext("Votes in polls"), COUNT),
    "news.announcements.count": (lazy_gettext("Announcements sent"), COUNT),
    "news.announcements.targeted": (lazy_gettext("Members targeted by announcements"), COUNT),
    "news.announcements.opened": (lazy_gettext("Members who opened them"), COUNT),
    "news.announcements.reach": (lazy_gettext("Reach of announcements"), SHARE),
    "news.announcements.median_minutes_to_first_open": (
        lazy_gettext("Median time to first opening"),
        MINUTES,
    ),
    "push.notifications_sent": (lazy_gettext("Notifications sent"), COUNT),
    "push.deliveries": (lazy_gettext("Sent to phones"), COUNT),
    "push.delivered": (lazy_gettext("Delivered to phones"), COUNT),
    "push.delivery_rate": (lazy_gettext("Delivery rate"), SHARE),
    "push.devices": (lazy_gettext("Phones registered"), COUNT),
    "moderation.reports": (lazy_gettext("Reports"), COUNT),
    "moderation.median_hours_to_handle": (lazy_gettext("Median time to handle a report"), HOURS),
    "moderation.actions.dismiss": (lazy_gettext("Reports dismissed"), COUNT),
    "moderation.actions.hide": (lazy_gettext("Contents hidden"), COUNT),
    "moderation.actions.restore": (lazy_gettext("Contents restored"), COUNT),
    "moderation.actions.delete": (lazy_gettext("Contents deleted"), COUNT),
    "moderation.actions.warn": (lazy_gettext("Warnings"), COUNT),
    "moderation.actions.suspend": (lazy_gettext("Suspensions"), COUNT),
    "moderation.actions.lift_suspension": (lazy_gettext("Suspensions lifted"), COUNT),
    "moderation.actions.remove_member": (lazy_gettext("Members removed"), COUNT),
}

# The columns of the lists of `members.by_building` and `spaces.by_space` (their first key
# names the building or the space).
BY_BUILDING = {
    "building": (lazy_gettext("Building"), None),
    "members": (lazy_gettext("Members"), COUNT),
    "active": (lazy_gettext("Active members"), COUNT),
}
BY_SPACE = {
    "space": (lazy_gettext("Space"), None),
    "bookings": (lazy_gettext("Bookings"), COUNT),
    "hours_booked": (lazy_gettext("Hours booked"), HOURS),
    "open_hours": (lazy_gettext("Opening hours"), HOURS),
    "occupancy": (lazy_gettext("Occupancy"), SHARE),
    "cancellations": (lazy_gettext("Cancellations"), COUNT),
}
LISTS = {"members": ("by_building", BY_BUILDING), "spaces": ("by_space", BY_SPACE)}

_ORDER = {path: position for position, path in enumerate(FIGURES)}


@dataclass(frozen=True)
class Figure:
    path: str  # dotted, as in the snapshot's `changes` and `trend`
    value: int | float | str | None
    change: int | float | None

    @property
    def label(self) -> str:
        known = FIGURES.get(self.path)
        return str(known[0]) if known else self.path

    @property
    def kind(self) -> str:
        return FIGURES[self.path][1] if self.path in FIGURES else COUNT


def figures_of(figures: dict, section: str) -> list[Figure]:
    """The figures of a section (its lists aside), in this module's order."""
    changes = figures.get("changes") or {}
    found = dict(_flatten(figures.get(section) or {}, section))
    paths = sorted(found, key=lambda path: _ORDER.get(path, len(_ORDER)))
    return [Figure(path, found[path], changes.get(path)) for path in paths]


def _flatten(values: dict, prefix: str):
    for key, value in values.items():
        path = f"{prefix}.{key}"
        if isinstance(value, dict):
            yield from _flatten(value, path)
        elif not isinstance(value, list):
            yield path, value
