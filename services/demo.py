"""Demo data: one landlord, three residences in Villeurbanne and Vaulx-en-Velin, five accounts.

Les Tilleuls and Le Verger are about 800 m apart (neighbours for `nearby`); Les Érables, in
Vaulx-en-Velin, is about 3 km away. Loading twice changes nothing.
"""

from datetime import datetime, time, timedelta

from shapely.geometry import MultiPolygon, Point, box
from sqlalchemy import select, update

from models import (
    Booking,
    BookingStatus,
    Building,
    Device,
    ExchangeStatus,
    HelpExchange,
    InviteCode,
    Landlord,
    LandlordStaff,
    Listing,
    Loan,
    LoanStatus,
    Membership,
    MembershipEvent,
    MembershipRole,
    MembershipStatus,
    Message,
    ModerationCase,
    MonthlyReport,
    OpeningHours,
    Post,
    ReportReason,
    Residence,
    Space,
    TargetKind,
    Thanks,
    User,
    db,
)
from services import accounts, memberships
from services.bookings import new_booking
from services.geojson import to_column
from services.moderation import cases
from services.news import publishing
from services.reports import snapshots
from services.residences import local_today

DEMO_PASSWORD = "palier-demo"
LANDLORD = "Est Métropole Habitat (démo)"

# name, address, (longitude, latitude), buildings, invite code
RESIDENCES = [
    (
        "Résidence Les Tilleuls",
        "12 rue Francis de Pressensé, 69100 Villeurbanne",
        (4.8800, 45.7686),
        ["Bâtiment A", "Bâtiment B"],
        "TILLEULS",
    ),
    (
        "Résidence Le Verger",
        "40 rue du 4 Août 1789, 69100 Villeurbanne",
        (4.8870, 45.7736),
        ["Entrée 1", "Entrée 2"],
        "VERGER22",
    ),
    (
        "Résidence Les Érables",
        "5 avenue Gabriel Péri, 69120 Vaulx-en-Velin",
        (4.9210, 45.7780),
        ["Escalier 1"],
        "ERABLES3",
    ),
]

# e-mail, display name, residence index (None: landlord staff), role
ACCOUNTS = [
    ("resident@demo.palier.test", "Nadia Benali", 0, MembershipRole.RESIDENT),
    ("voisine@demo.palier.test", "Jeanne Morel", 0, MembershipRole.RESIDENT),
    ("solidaire@demo.palier.test", "Moussa Diallo", 0, MembershipRole.SOLIDAIRE),
    ("staff@demo.palier.test", "Claire Dupuis (gardienne)", None, MembershipRole.STAFF),
    ("autre@demo.palier.test", "Paul Martin", 1, MembershipRole.RESIDENT),
]
DEMO_ACCOUNTS = [
    (email, "staff of the landlord" if index is None else f"{role.value}, {RESIDENCES[index][0]}")
    for email, _, index, role in ACCOUNTS
]


# owner, kind, category, title, description, value, scope
LISTINGS = [
    (
        "resident",
        "lend",
        "tools",
        "Perceuse-visseuse",
        "Avec un jeu de mèches béton et bois.",
        90,
        "residence",
    ),
    (
        "resident",
        "offer_help",
        "paperwork",
        "Aide pour les papiers",
        "CAF, impôts, courriers.",
        None,
        "residence",
    ),
    ("voisine", "lend", "kitchen", "Appareil à raclette", "Pour 8 personnes.", 45, "nearby"),
    ("voisine", "give", "children", "Poussette", "Bon état, lavée.", 60, "nearby"),
    (
        "solidaire",
        "request_help",
        "lifts",
        "Covoiturage au marché",
        "Le samedi matin.",
        None,
        "residence",
    ),
    ("autre", "lend", "garden", "Tondeuse", "Électrique, avec rallonge.", 150, "nearby"),
]


def load_demo() -> None:
    landlord = _get_or_add(Landlord, name=LANDLORD)
    residences = [_residence(landlord, *spec) for spec in RESIDENCES]
    users = {}
    for email, name, index, role in ACCOUNTS:
        accounts.register(email, DEMO_PASSWORD, name)  # leaves an existing account as it is
        user = db.session.scalar(select(User).where(User.email == email))
        # Demo addresses receive no mail: they count as confirmed, so the accounts keep working
        # past the grace period.
        if user.email_verified_at is None:
            user.email_verified_at = user.created_at
        users[email.split("@")[0]] = user
        # A phone each, so that `make run` shows the log sender delivering notifications.
        _get_or_add(Device, token=f"demo-phone-{email}", user_id=user.id, platform="android")
        if index is None:
            _get_or_add(LandlordStaff, user_id=user.id, landlord_id=landlord.id)
        else:
            residence = residences[index]
            membership = db.session.scalar(
                select(Membership).filter_by(user_id=user.id, residence_id=residence.id)
            )
            if membership is None:  # joins now (set_status keeps the history)
                membership = Membership(user_id=user.id, residence_id=residence.id)
                db.session.add(membership)
            membership.role = role
            memberships.set_status(membership, MembershipStatus.ACTIVE, reason="invite_code")
            membership.building_id = residence.buildings[0].id
    db.session.flush()
    listings = {spec[3]: _listing(users, *spec) for spec in LISTINGS}
    _life_of_the_residence(users, listings)
    _spaces_and_bookings(residences[0], users)
    db.session.flush()
    _news(residences[0], users)
    _pending_report(residences[0], users)
    _last_month(landlord, residences[0], users)


def _spaces_and_bookings(residence, users) -> None:
    """The common room (free booking) and the laundry (approval needed, cleaning time), with
    a confirmed booking and one pending, waiting for the demo solidaire."""
    room = _space(
        residence,
        "Salle commune",
        description="Rez-de-chaussée du bâtiment A, avec cuisine.",
        capacity=30,
        max_hours_per_week=6,
        opening_hours=[
            OpeningHours(weekday=d, opens_min=9 * 60, closes_min=22 * 60) for d in range(7)
        ],
    )
    laundry = _space(
        residence,
        "Laverie",
        description="Deux machines et un sèche-linge.",
        capacity=2,
        slot_min=60,
        min_duration_min=60,
        max_duration_min=120,
        buffer_min=15,
        approval_required=True,
        opening_hours=[
            OpeningHours(weekday=d, opens_min=8 * 60, closes_min=20 * 60) for d in range(6)
        ],
    )
    db.session.flush()
    if db.session.scalar(select(Booking.id).where(Booking.space_id.in_([room.id, laundry.id]))):
        return
    zone = residence.zone
    today = local_today(residence)
    saturday = today + timedelta(days=(5 - today.weekday()) % 7 or 7)
    tuesday = saturday + timedelta(days=3)
    for space, member, day, start, end, status, purpose in [
        (
            room,
            users["resident"],
            saturday,
            14,
            18,
            BookingStatus.CONFIRMED,
            "Anniversaire de Lina",
        ),
        (laundry, users["voisine"], tuesday, 10, 12, BookingStatus.PENDING, "Draps et couvertures"),
    ]:
        starts_at = datetime.combine(day, time(start), zone)
        ends_at = datetime.combine(day, time(end), zone)
        people = 8 if space is room else 1
        db.session.add(new_booking(space, member, starts_at, ends_at, purpose, people, status))


def _news(residence, users) -> None:
    """A few posts, an upcoming event, an open poll and a pinned announcement."""
    if db.session.scalar(select(Post.id).where(Post.residence_id == residence.id)):
        return
    now = datetime.now(residence.zone)
    publishing.publish_post(
        users["voisine"],
        residence_id=residence.id,
        kind="post",
        body="J’ai trouvé un trousseau de clés près des boîtes aux lettres.",
    )
    publishing.publish_post(
        users["resident"],
        residence_id=residence.id,
        kind="post",
        scope="nearby",
        body="Qui serait partant pour un potager partagé au printemps ?",
    )
    publishing.publish_post(
        users["solidaire"],
        residence_id=residence.id,
        kind="event",
        body="Fête des voisins dans la cour : chacun apporte un plat.",
        starts_at=(now + timedelta(days=6)).replace(hour=18, minute=0, second=0, microsecond=0),
        place="Cour intérieure",
        capacity=60,
    )
    publishing.publish_post(
        users["solidaire"],
        residence_id=residence.id,
        kind="poll",
        body="Quels horaires pour le jardin partagé ?",
        options=["8 h – 20 h", "9 h – 21 h", "10 h – 19 h"],
        closes_at=now + timedelta(days=10),
    )
    publishing.publish_post(
        users["staff"],
        residence_id=residence.id,
        kind="announcement",
        title="Remplacement de l’ascenseur",
        body="L’ascenseur du bâtiment A sera remplacé du 5 au 16. "
        "Les habitants solidaires aident pour les courses.",
        pinned_until=now + timedelta(days=14),
    )


def _last_month(landlord, residence, users) -> None:
    """A month of life behind the demo, so that last month's report of Les Tilleuls has
    something to show: the neighbours joined before it, borrowed the raclette set, had their
    papers done and met in the common room; then the report is built, as on the 1st."""
    first_day = snapshots.last_complete_month()
    if db.session.scalar(select(MonthlyReport.id).where(MonthlyReport.landlord_id == landlord.id)):
        return
    zone = residence.zone

    def moment(day: int, hour: int) -> datetime:
        return datetime.combine(first_day + timedelta(days=day - 1), time(hour), zone)

    db.session.execute(
        update(MembershipEvent)
        .where(MembershipEvent.user_id.in_([user.id for user in users.values()]))
        .values(at=moment(1, 9) - timedelta(days=30))
    )
    raclette = db.session.scalar(select(Listing).where(Listing.title == "Appareil à raclette"))
    db.session.add(
        Loan(
            listing=raclette,
            residence_id=raclette.residence_id,
            owner_id=raclette.owner_id,
            borrower=users["resident"],
            starts_on=first_day + timedelta(days=9),
            due_on=first_day + timedelta(days=11),
            status=LoanStatus.RETURNED,
            message="Pour la soirée raclette du bâtiment A.",
            status_changed_at=moment(12, 19),
            handed_over_at=moment(10, 18),
            returned_at=moment(12, 19),
        )
    )
    papers = db.session.scalar(
        select(HelpExchange).where(HelpExchange.status == ExchangeStatus.DONE)
    )
    papers.completed_at, papers.help_minutes = moment(14, 18), 90
    room = db.session.scalar(select(Space).where(Space.name == "Salle commune"))
    for day, member in ((6, "voisine"), (20, "solidaire")):
        db.session.add(
            Booking(
                space_id=room.id,
                residence_id=residence.id,
                member_id=users[member].id,
                starts_at=moment(day, 14),
                ends_at=moment(day, 17),
                blocked_until=moment(day, 17),
                status=BookingStatus.CONFIRMED,
                purpose="Goûter des voisins",
                created_at=moment(day, 9) - timedelta(days=3),
            )
        )
    db.session.flush()
    snapshots.build_month(landlord, first_day)


def _pending_report(residence, users) -> None:
    """A neighbour's advert reported as spam, waiting in the demo solidaire's queue."""
    if db.session.scalar(
        select(ModerationCase.id).where(ModerationCase.residence_id == residence.id)
    ):
        return
    advert = publishing.publish_post(
        users["voisine"],
        residence_id=residence.id,
        kind="post",
        body="Crédits de jeux à prix cassés, écrivez-moi vite sur WhatsApp !",
    )
    cases.report(
        users["resident"],
        target_kind=TargetKind.POST,
        target_id=advert.id,
        reason=ReportReason.SPAM,
        text="Publicité, ce n’est pas un voisin qui aide.",
    )


def _listing(users, owner, kind, category, title, description, value, scope) -> Listing:
    user = users[owner]
    listing = db.session.scalar(
        select(Listing).where(Listing.owner_id == user.id, Listing.title == title)
    )
    if listing is None:
        membership = user.memberships[0]
        listing = Listing(
            residence_id=membership.residence_id,
            building_id=membership.building_id,
            owner=user,
            kind=kind,
            category=category,
            title=title,
            description=description,
            estimated_value_eur=value,
            scope=scope,
        )
        db.session.add(listing)
        db.session.flush()
    return listing


def _life_of_the_residence(users, listings) -> None:
    """A drill lent out right now, and paperwork help that went well, with thanks both ways."""
    drill, papers = listings["Perceuse-visseuse"], listings["Aide pour les papiers"]
    today = local_today(drill.residence)
    if not db.session.scalar(select(Loan.id).where(Loan.listing_id == drill.id)):
        db.session.add(
            Loan(
                listing=drill,
                residence_id=drill.residence_id,
                owner_id=drill.owner_id,
                borrower=users["voisine"],
                starts_on=today - timedelta(days=2),
                due_on=today + timedelta(days=3),
                status=LoanStatus.HANDED_OVER,
                message="Pour monter une étagère.",
            )
        )
    if not db.session.scalar(select(HelpExchange.id).where(HelpExchange.listing_id == papers.id)):
        exchange = HelpExchange(
            listing=papers,
            residence_id=papers.residence_id,
            owner_id=papers.owner_id,
            member=users["solidaire"],
            status=ExchangeStatus.DONE,
            message="Pour ma déclaration d’impôts, si possible.",
        )
        db.session.add(exchange)
        db.session.flush()
        db.session.add_all(
            [
                Message(
                    exchange_id=exchange.id, author=users["solidaire"], body="Mardi 18 h chez moi ?"
                ),
                Message(
                    exchange_id=exchange.id, author=users["resident"], body="Parfait, à mardi."
                ),
                Thanks(
                    exchange_id=exchange.id,
                    author=users["solidaire"],
                    recipient_id=papers.owner_id,
                    text="Merci Nadia, tout est envoyé !",
                ),
                Thanks(
                    exchange_id=exchange.id,
                    author=users["resident"],
                    recipient_id=users["solidaire"].id,
                    text="Avec plaisir !",
                ),
            ]
        )


def _residence(landlord, name, address, lon_lat, building_names, code) -> Residence:
    residence = db.session.scalar(
        select(Residence).where(Residence.landlord_id == landlord.id, Residence.name == name)
    )
    if residence is None:
        lon, lat = lon_lat
        # A block of about 120 m by 80 m around the residence's point.
        footprint = MultiPolygon([box(lon - 0.0008, lat - 0.00035, lon + 0.0008, lat + 0.00035)])
        residence = Residence(
            landlord=landlord,
            name=name,
            address=address,
            footprint=to_column(footprint),
            location=to_column(Point(lon, lat)),
        )
        db.session.add(residence)
        for offset, building_name in enumerate(building_names):
            point = Point(lon - 0.0004 + offset * 0.0008, lat)
            db.session.add(
                Building(residence=residence, name=building_name, location=to_column(point))
            )
        db.session.flush()
    invite = _get_or_add(InviteCode, code=code, residence_id=residence.id)
    invite.expires_at = None
    db.session.flush()
    return residence


def _space(residence, name, **rules) -> Space:
    space = db.session.scalar(
        select(Space).where(Space.residence_id == residence.id, Space.name == name)
    )
    if space is None:
        space = Space(residence_id=residence.id, name=name, **rules)
        db.session.add(space)
    return space


def _get_or_add(model, **key):
    row = db.session.scalar(select(model).filter_by(**key))
    if row is None:
        row = model(**key)
        db.session.add(row)
        db.session.flush()
    return row
