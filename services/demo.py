"""Demo data: one landlord, three residences in Villeurbanne and Vaulx-en-Velin, five accounts.

Les Tilleuls and Le Verger are about 800 m apart (neighbours for `nearby`); Les Érables, in
Vaulx-en-Velin, is about 3 km away. Loading twice changes nothing.
"""

from shapely.geometry import MultiPolygon, Point, box
from sqlalchemy import select

from models import (
    Building,
    InviteCode,
    Landlord,
    LandlordStaff,
    Membership,
    MembershipRole,
    MembershipStatus,
    Residence,
    User,
    db,
)
from services import accounts
from services.geojson import to_column

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


def load_demo() -> None:
    landlord = _get_or_add(Landlord, name=LANDLORD)
    residences = [_residence(landlord, *spec) for spec in RESIDENCES]
    for email, name, index, role in ACCOUNTS:
        user = db.session.scalar(select(User).where(User.email == email))
        if user is None:
            user = accounts.register(email, DEMO_PASSWORD, name)
        if index is None:
            _get_or_add(LandlordStaff, user_id=user.id, landlord_id=landlord.id)
        else:
            residence = residences[index]
            membership = _get_or_add(Membership, user_id=user.id, residence_id=residence.id)
            membership.role = role
            membership.status = MembershipStatus.ACTIVE
            membership.building_id = residence.buildings[0].id
    db.session.commit()


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


def _get_or_add(model, **key):
    row = db.session.scalar(select(model).filter_by(**key))
    if row is None:
        row = model(**key)
        db.session.add(row)
        db.session.flush()
    return row
