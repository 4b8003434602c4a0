"""A small world for tests: two landlords, three residences, one user for each role.

- landlord "Habitat Est" has `home` (Villeurbanne) and `neighbour`, about 800 m away;
- landlord "Autre Bailleur" has `far`, about 3 km away.
Roles: resident and solidaire of `home`, a resident of `neighbour`, staff of each landlord,
and a platform admin.
"""

import hashlib
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from shapely.geometry import MultiPolygon, Point, box

from models import (
    Booking,
    BookingStatus,
    Building,
    CalendarFeed,
    Closure,
    Device,
    HelpExchange,
    InviteCode,
    Landlord,
    LandlordStaff,
    Listing,
    ListingKind,
    ListingPhoto,
    Loan,
    Membership,
    MembershipRole,
    OpeningHours,
    Post,
    Residence,
    Space,
    User,
    db,
)
from services import accounts
from services.bookings import new_booking
from services.geojson import to_column
from services.news import publishing

PASSWORD = "correct horse battery"
FEED_SECRET = "a-secret-calendar-address"
PARIS = ZoneInfo("Europe/Paris")


def today() -> date:
    """Today where the residences are (the machine's own date may already be yesterday)."""
    return datetime.now(PARIS).date()


ROLES = (
    "anonymous",
    "resident",
    "other_resident",
    "solidaire",
    "staff",
    "other_staff",
    "admin",
)


@dataclass
class World:
    landlord: Landlord
    other_landlord: Landlord
    home: Residence
    neighbour: Residence
    far: Residence
    building: Building
    invite: InviteCode
    lend: Listing  # a drill the resident lends to the residence
    help: Listing  # the resident offers help with paperwork
    loan: Loan  # the solidaire asked to borrow the drill
    exchange: HelpExchange  # the solidaire answered the offer of help
    photo: ListingPhoto
    room: Space  # the common room, open every day 08:00-22:00, 30 min of cleaning
    booking: Booking  # the resident's confirmed booking of the room, in three days
    pending: Booking  # and another, waiting for approval
    closure: Closure
    feed: CalendarFeed  # the resident's calendar address (secret FEED_SECRET)
    users: dict[str, User] = field(default_factory=dict)
    event: Post | None = None  # the resident's party, for the residence, in five days
    poll: Post | None = None  # the solidaire's poll on the garden's hours
    announcement: Post | None = None  # the landlord's, about the lift
    device: Device | None = None  # the resident's phone
    tokens: dict[str, str] = field(default_factory=dict)

    def headers(self, role: str) -> dict:
        if role == "anonymous":
            return {}
        return {"Authorization": f"Bearer {self.tokens[role]}"}

    def membership(self, role: str) -> Membership:
        return db.session.scalar(
            db.select(Membership).where(Membership.user_id == self.users[role].id)
        )


def residence(landlord: Landlord, name: str, lon: float, lat: float) -> Residence:
    footprint = MultiPolygon([box(lon - 0.0008, lat - 0.0004, lon + 0.0008, lat + 0.0004)])
    row = Residence(
        landlord=landlord,
        name=name,
        address=f"{name}, Villeurbanne",
        footprint=to_column(footprint),
        location=to_column(Point(lon, lat)),
    )
    db.session.add(row)
    return row


def user(email: str, name: str, **attributes) -> User:
    row = User(
        email=email,
        display_name=name,
        password_hash=accounts.hash_password(PASSWORD),
        **attributes,
    )
    db.session.add(row)
    return row


def _booking(space, member, day, start_hour, end_hour, status) -> Booking:
    starts_at = datetime.combine(day, time(start_hour), PARIS)
    ends_at = datetime.combine(day, time(end_hour), PARIS)
    return new_booking(space, member, starts_at, ends_at, "Réunion", 1, status)


def build_world() -> World:
    landlord = Landlord(name="Habitat Est")
    other_landlord = Landlord(name="Autre Bailleur")
    home = residence(landlord, "Les Tilleuls", 4.8800, 45.7686)
    neighbour = residence(landlord, "Le Verger", 4.8870, 45.7736)
    far = residence(other_landlord, "Les Érables", 4.9210, 45.7780)
    building = Building(
        residence=home, name="Bâtiment A", location=to_column(Point(4.8796, 45.7686))
    )
    db.session.add_all([landlord, other_landlord, building])
    db.session.flush()

    users = {
        "resident": user("resident@test.palier", "Nadia"),
        "other_resident": user("other@test.palier", "Paul"),
        "solidaire": user("solidaire@test.palier", "Moussa"),
        "staff": user("staff@test.palier", "Claire"),
        "other_staff": user("other-staff@test.palier", "Bruno"),
        "admin": user("admin@test.palier", "Admin", is_platform_admin=True),
    }
    db.session.flush()
    db.session.add_all(
        [
            Membership(user=users["resident"], residence=home, building=building),
            Membership(user=users["other_resident"], residence=neighbour),
            Membership(user=users["solidaire"], residence=home, role=MembershipRole.SOLIDAIRE),
            LandlordStaff(user_id=users["staff"].id, landlord_id=landlord.id),
            LandlordStaff(user_id=users["other_staff"].id, landlord_id=other_landlord.id),
        ]
    )
    invite = InviteCode(code="HOMECODE", residence=home)
    resident, solidaire = users["resident"], users["solidaire"]
    lend = Listing(
        residence=home,
        owner=resident,
        kind=ListingKind.LEND,
        category="tools",
        title="Perceuse",
        scope="residence",
    )
    help_ = Listing(
        residence=home,
        owner=resident,
        kind=ListingKind.OFFER_HELP,
        category="paperwork",
        title="Aide pour les papiers",
        scope="residence",
    )
    photo = ListingPhoto(listing=lend, position=0, filename="drill.jpg", width=10, height=10)
    day = today()
    loan = Loan(
        listing=lend,
        residence_id=home.id,
        owner=resident,
        borrower=solidaire,
        starts_on=day + timedelta(days=2),
        due_on=day + timedelta(days=4),
    )
    exchange = HelpExchange(listing=help_, residence_id=home.id, owner=resident, member=solidaire)
    room = Space(
        residence=home,
        name="Salle commune",
        capacity=20,
        buffer_min=30,
        max_future_bookings=3,
        max_hours_per_week=4,
        opening_hours=[
            OpeningHours(weekday=day, opens_min=8 * 60, closes_min=22 * 60) for day in range(7)
        ],
    )
    closure = Closure(
        space=room,
        starts_on=day + timedelta(days=40),
        ends_on=day + timedelta(days=41),
        reason="Peinture",
    )
    in_three_days = day + timedelta(days=3)
    db.session.add(room)
    db.session.flush()
    booking = _booking(room, resident, in_three_days, 10, 12, BookingStatus.CONFIRMED)
    pending = _booking(room, resident, in_three_days, 15, 16, BookingStatus.PENDING)
    feed = CalendarFeed(
        user_id=resident.id, token_hash=hashlib.sha256(FEED_SECRET.encode()).hexdigest()
    )
    db.session.add_all(
        [invite, lend, help_, photo, loan, exchange, room, closure, booking, pending, feed]
    )
    db.session.commit()

    world = World(
        landlord,
        other_landlord,
        home,
        neighbour,
        far,
        building,
        invite,
        lend,
        help_,
        loan,
        exchange,
        photo,
        room,
        booking,
        pending,
        closure,
        feed,
        users,
    )
    world.tokens = {role: accounts.issue_token(u, "test phone") for role, u in users.items()}
    world.device = Device(user_id=resident.id, token="fcm-nadia", platform="android")
    db.session.add(world.device)
    db.session.commit()
    soon = datetime.now(PARIS) + timedelta(days=5)
    world.event = publishing.publish_post(
        resident,
        residence_id=home.id,
        kind="event",
        body="Fête des voisins",
        starts_at=soon,
        capacity=30,
    )
    world.poll = publishing.publish_post(
        solidaire,
        residence_id=home.id,
        kind="poll",
        body="Horaires du jardin ?",
        options=["8h-20h", "9h-21h"],
        closes_at=soon,
    )
    world.announcement = publishing.publish_post(
        users["staff"],
        residence_id=home.id,
        kind="announcement",
        title="Ascenseur",
        body="Remplacement lundi.",
    )
    db.session.commit()  # the world is one unit of work, as the demo loader is
    return world
