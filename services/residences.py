"""Residences and buildings, and the neighbourhood around them."""

from datetime import date, datetime
from zoneinfo import available_timezones

from sqlalchemy import select

from models import Building, Landlord, Residence, User, db
from models.base import utcnow
from models.spatial import distance_m, dwithin_m
from services import scoping
from services.errors import Conflict, Forbidden, field_error
from services.geojson import parse_area, parse_point, to_column
from services.pagination import Page, paginate

MAX_NEARBY_RADIUS_M = 5000
DEFAULT_NEARBY_RADIUS_M = 1000


def local_today(residence: Residence, now: datetime | None = None) -> date:
    """Today's date where the residence is: loans and reminders count days locally."""
    return (now or utcnow()).astimezone(residence.zone).date()


def list_residences(user: User, cursor: str | None, limit: int | None) -> Page:
    return paginate(scoping.visible_residences(user), [Residence.id], cursor, limit)


def create_residence(user: User, data: dict) -> Residence:
    landlord = _landlord_for_new_residence(user, data.get("landlord_id"))
    _check_time_zone(data.get("time_zone", "Europe/Paris"))
    footprint = parse_area("footprint", data["footprint"])
    location = (
        parse_point("location", data["location"])
        if data.get("location")
        else footprint.representative_point()
    )
    residence = Residence(
        landlord=landlord,
        name=data["name"].strip(),
        address=data["address"].strip(),
        time_zone=data.get("time_zone", "Europe/Paris"),
        footprint=to_column(footprint),
        location=to_column(location),
    )
    db.session.add(residence)
    db.session.flush()
    return residence


def update_residence(user: User, residence_id: int, changes: dict) -> Residence:
    """Staff: rename, move the address, change the time zone, or let solidaires manage spaces."""
    residence = scoping.get_managed_residence(user, residence_id)
    if "time_zone" in changes:
        _check_time_zone(changes["time_zone"])
    for field in (
        "name",
        "address",
        "time_zone",
        "solidaires_manage_spaces",
        "auto_hide_threshold",
    ):
        if field in changes:
            value = changes[field]
            setattr(residence, field, value.strip() if isinstance(value, str) else value)
    db.session.flush()
    return residence


def add_building(user: User, residence_id: int, data: dict) -> Building:
    residence = scoping.get_managed_residence(user, residence_id)
    name = data["name"].strip()
    if db.session.scalar(
        select(Building.id).where(Building.residence_id == residence.id, Building.name == name)
    ):
        raise Conflict("This residence already has a building named %(name)s.", name=name)
    building = Building(
        residence=residence,
        name=name,
        location=to_column(parse_point("location", data["location"])),
    )
    db.session.add(building)
    db.session.flush()
    return building


def nearby_residences(user: User, residence_id: int, radius_m: int) -> list[tuple[Residence, int]]:
    """Residences of any landlord within `radius_m` of this one, nearest first."""
    origin = scoping.get_residence(user, residence_id)
    radius_m = min(radius_m, MAX_NEARBY_RADIUS_M)
    origin_location = select(Residence.location).where(Residence.id == origin.id).scalar_subquery()
    distance = distance_m(Residence.location, origin_location).label("distance_m")
    rows = db.session.execute(
        select(Residence, distance)
        .where(Residence.id != origin.id, dwithin_m(Residence.location, origin_location, radius_m))
        .order_by(distance, Residence.id)
    )
    return [(residence, round(distance)) for residence, distance in rows]


def _landlord_for_new_residence(user: User, landlord_id: int | None) -> Landlord:
    allowed = scoping.staffed_landlord_ids(user)
    if not allowed and not user.is_platform_admin:
        raise Forbidden("Only the landlord's staff can do this.")
    if landlord_id is None:
        if len(allowed) != 1:
            raise field_error("landlord_id", "You work for several landlords: choose one.")
        landlord_id = allowed[0]
    if landlord_id not in allowed and not user.is_platform_admin:
        raise Forbidden("Only the landlord's staff can do this.")
    landlord = db.session.get(Landlord, landlord_id)
    if landlord is None:
        raise field_error("landlord_id", "This landlord does not exist.")
    return landlord


def _check_time_zone(name: str) -> None:
    if name not in available_timezones():
        raise field_error("time_zone", "Unknown time zone (for example Europe/Paris).")
