"""A small world for tests: two landlords, three residences, one user for each role.

- landlord "Habitat Est" has `home` (Villeurbanne) and `neighbour`, about 800 m away;
- landlord "Autre Bailleur" has `far`, about 3 km away.
Roles: resident and solidaire of `home`, a resident of `neighbour`, staff of each landlord,
and a platform admin.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta

from shapely.geometry import MultiPolygon, Point, box

from models import (
    Building,
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
    Residence,
    User,
    db,
)
from services import accounts
from services.geojson import to_column

PASSWORD = "correct horse battery"

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
    users: dict[str, User] = field(default_factory=dict)
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
    today = date.today()
    loan = Loan(
        listing=lend,
        residence_id=home.id,
        owner=resident,
        borrower=solidaire,
        starts_on=today + timedelta(days=2),
        due_on=today + timedelta(days=4),
    )
    exchange = HelpExchange(listing=help_, residence_id=home.id, owner=resident, member=solidaire)
    db.session.add_all([invite, lend, help_, photo, loan, exchange])
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
        users,
    )
    world.tokens = {role: accounts.issue_token(u, "test phone") for role, u in users.items()}
    return world
