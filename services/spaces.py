"""Shared spaces of a residence and their rules, managed by staff (and solidaires if allowed)."""

from sqlalchemy import select

from models import Closure, MembershipRole, OpeningHours, Residence, Space, SpacePhoto, User, db
from services import photos, scoping
from services.errors import Forbidden, NotFound, field_error
from services.local_time import parse_clock

RULE_FIELDS = (
    "name",
    "description",
    "capacity",
    "min_duration_min",
    "max_duration_min",
    "slot_min",
    "min_notice_min",
    "max_advance_days",
    "max_future_bookings",
    "max_hours_per_week",
    "buffer_min",
    "approval_required",
    "cancellation_deadline_min",
)


def get_space(user: User, space_id: int) -> Space:
    """A space of a residence the user can see; 404 otherwise."""
    space = db.session.scalar(
        select(Space)
        .join(Residence, Residence.id == Space.residence_id)
        .where(Space.id == space_id, scoping.visible_residences_clause(user))
    )
    if space is None:
        raise NotFound("This space does not exist or is out of reach.")
    return space


def list_spaces(user: User, residence_id: int) -> list[Space]:
    residence = scoping.get_residence(user, residence_id)
    return list(
        db.session.scalars(
            select(Space).where(Space.residence_id == residence.id).order_by(Space.name)
        )
    )


def can_manage_spaces(user: User, residence: Residence) -> bool:
    """Staff of the residence; its solidaires too when the residence lets them."""
    if scoping.can_manage(user, residence.id):
        return True
    return residence.solidaires_manage_spaces and scoping.has_role(
        user, residence.id, MembershipRole.SOLIDAIRE
    )


def managed_space(user: User, space_id: int) -> Space:
    space = get_space(user, space_id)
    if not can_manage_spaces(user, space.residence):
        raise Forbidden("Only those who manage this residence's spaces can do this.")
    return space


def residence_of_managed_spaces(user: User, residence_id: int) -> Residence:
    """The residence if the user manages its spaces; 404 if unseen, 403 if seen only."""
    residence = scoping.get_residence(user, residence_id)
    if not can_manage_spaces(user, residence):
        raise Forbidden("Only those who manage this residence's spaces can do this.")
    return residence


def create_space(user: User, residence_id: int, data: dict) -> Space:
    residence = residence_of_managed_spaces(user, residence_id)
    space = Space(residence=residence)
    _apply(space, data)
    db.session.add(space)
    db.session.flush()
    return space


def update_space(user: User, space_id: int, data: dict) -> Space:
    space = managed_space(user, space_id)
    _apply(space, data)
    db.session.flush()
    return space


def add_closure(user: User, space_id: int, data: dict) -> Closure:
    space = managed_space(user, space_id)
    if data["ends_on"] < data["starts_on"]:
        raise field_error("ends_on", "The last day must be on or after the first day.")
    closure = Closure(space=space, **data)
    db.session.add(closure)
    db.session.flush()
    return closure


def remove_closure(user: User, space_id: int, closure_id: int) -> None:
    space = managed_space(user, space_id)
    closure = next((c for c in space.closures if c.id == closure_id), None)
    if closure is None:
        raise NotFound("This closure does not exist.")
    space.closures.remove(closure)
    db.session.flush()


def add_photo(user: User, space_id: int, data: bytes) -> SpacePhoto:
    space = managed_space(user, space_id)
    return photos.attach(space.photos, data, lambda **stored: SpacePhoto(space=space, **stored))


def _apply(space: Space, data: dict) -> None:
    """Every check first, then the changes: a refused change leaves the space as it was, even
    in the session (the console shows the form again, reading the database meanwhile)."""
    minimum = data.get("min_duration_min", space.min_duration_min or 30)
    maximum = data.get("max_duration_min", space.max_duration_min or 240)
    if maximum < minimum:
        raise field_error(
            "max_duration_min", "The longest booking cannot be shorter than the shortest."
        )
    if "opening_hours" in data:
        opening_hours = [
            _opening(range_, index) for index, range_ in enumerate(data["opening_hours"])
        ]
    for field in RULE_FIELDS:
        if field in data:
            setattr(
                space, field, data[field].strip() if isinstance(data[field], str) else data[field]
            )
    if "opening_hours" in data:
        space.opening_hours = opening_hours


def _opening(range_: dict, index: int) -> OpeningHours:
    try:
        opens, closes = parse_clock(range_["opens"]), parse_clock(range_["closes"])
    except ValueError:
        raise field_error(
            "opening_hours", "Hours are written HH:MM, from 00:00 to 24:00."
        ) from None
    if opens >= closes:
        raise field_error("opening_hours", "Each range must close after it opens.")
    return OpeningHours(weekday=range_["weekday"], opens_min=opens, closes_min=closes)
