"""Who a post reaches, resolved once when it is written: the buildings, or the residences (the
author's, those within a radius, or those of an area drawn by staff), stored with the post.

Staff speak for their landlord: their announcements and alerts (which ring through quiet hours)
reach only the residences their landlord manages, whatever the radius or the area. Members'
`nearby` posts reach DEFAULT_RADIUS_M around their residence, at most MEMBER_MAX_RADIUS_M, and
may cross landlords: the moderators of every residence reached then see the post (scoping).
"""

from dataclasses import dataclass

from sqlalchemy import Select, or_, select

from models import (
    Building,
    Membership,
    MembershipStatus,
    Post,
    PostBuilding,
    PostKind,
    PostResidence,
    PostScope,
    Residence,
    User,
    db,
)
from models.spatial import dwithin_m, intersects
from services import scoping
from services.errors import field_error
from services.geojson import parse_area, to_column

# Only the landlord's staff write these, and only they reach an area.
STAFF_KINDS = (PostKind.ANNOUNCEMENT, PostKind.ALERT)
DEFAULT_RADIUS_M = 1000
# How far a member's `nearby` post may reach; staff reach up to STAFF_MAX_RADIUS_M, within
# their landlord's residences only.
MEMBER_MAX_RADIUS_M = 2000
STAFF_MAX_RADIUS_M = 5000


@dataclass(frozen=True)
class Targets:
    """Whom a post reaches: buildings, or residences; and the radius it was drawn with."""

    building_ids: frozenset[int] = frozenset()
    residence_ids: frozenset[int] = frozenset()
    radius_m: int | None = None


def resolve_targets(
    user: User,
    residence: Residence,
    kind: PostKind,
    scope: PostScope,
    *,
    building_ids: list[int] | None,
    radius_m: int | None,
    area: dict | None,
    all_residences: bool,
    residence_ids: list[int] | None = None,
) -> Targets:
    """The buildings or residences a post of `kind` and `scope` by `user` in `residence` would
    reach; reads only. The one place the targeting rules live: publishing stores what it
    resolves (set_targets), a preview counts it (members_reached)."""
    if scope == PostScope.BUILDING:
        ids = set(building_ids or [])
        if not ids:
            membership = db.session.scalar(
                select(Membership).where(
                    Membership.user_id == user.id, Membership.residence_id == residence.id
                )
            )
            ids = {membership.building_id} if membership and membership.building_id else set()
        found = set(
            db.session.scalars(
                select(Building.id).where(
                    Building.id.in_(ids), Building.residence_id == residence.id
                )
            )
        )
        if not ids or found != ids:
            raise field_error("building_ids", "Choose buildings of this residence.")
        if kind not in STAFF_KINDS and not _lives_in(user, ids):
            raise field_error("building_ids", "Members write to their own building only.")
        return Targets(building_ids=frozenset(ids))
    radius = None
    if scope == PostScope.RESIDENCE:
        targets = select(Residence.id).where(Residence.id == residence.id)
    elif scope == PostScope.NEARBY:
        radius = _radius(kind, radius_m)
        targets = select(Residence.id).where(
            dwithin_m(
                Residence.location,
                select(Residence.location).where(Residence.id == residence.id).scalar_subquery(),
                radius,
            )
        )
        if kind in STAFF_KINDS:
            targets = targets.where(*_landlords_own(user, residence))
    else:
        targets = _area_targets(user, residence, kind, area, all_residences, residence_ids)
    return Targets(residence_ids=frozenset(db.session.scalars(targets)), radius_m=radius)


def set_targets(user: User, post: Post, **choice) -> None:
    """Store the buildings or residences the post reaches (`choice`: see resolve_targets)."""
    targets = resolve_targets(user, post.residence, post.kind, post.scope, **choice)
    post.radius_m = targets.radius_m
    db.session.add_all(PostBuilding(post_id=post.id, building_id=b) for b in targets.building_ids)
    db.session.add_all(
        PostResidence(post_id=post.id, residence_id=r) for r in targets.residence_ids
    )


def _radius(kind: PostKind, radius_m: int | None) -> int:
    radius_m = radius_m or DEFAULT_RADIUS_M
    limit = STAFF_MAX_RADIUS_M if kind in STAFF_KINDS else MEMBER_MAX_RADIUS_M
    if radius_m > limit:
        raise field_error(
            "radius_m", "This post can reach at most %(limit)s m around.", limit=limit
        )
    return radius_m


def _landlords_own(user: User, residence: Residence):
    """Conditions on Residence: those of the residence's landlord that the author manages."""
    return (
        Residence.landlord_id == residence.landlord_id,
        scoping.managed_residences_clause(user),
    )


def _area_targets(
    user: User,
    residence: Residence,
    kind: PostKind,
    area: dict | None,
    all_residences: bool,
    residence_ids: list[int] | None,
):
    if kind not in STAFF_KINDS:
        raise field_error("scope", "Only the landlord's staff reach an area.")
    mine = select(Residence.id).where(*_landlords_own(user, residence))
    if area is not None:
        polygon = parse_area("area", area)
        # Only the landlord's own residences: a polygon reaching into another's targets none.
        return mine.where(intersects(Residence.footprint, to_column(polygon)))
    if residence_ids:
        chosen = set(residence_ids)
        found = set(db.session.scalars(mine.where(Residence.id.in_(chosen))))
        if found != chosen:
            raise field_error("residence_ids", "Choose residences of the landlord.")
        return mine.where(Residence.id.in_(chosen))
    if not all_residences:
        raise field_error(
            "area", "Draw an area, choose residences, or choose all the landlord's residences."
        )
    return mine


def _lives_in(user: User, building_ids: set[int]) -> bool:
    return bool(
        db.session.scalar(
            select(Membership.id).where(
                Membership.user_id == user.id,
                Membership.status == MembershipStatus.ACTIVE,
                Membership.building_id.in_(building_ids),
            )
        )
    )


def targeted_members(post: Post) -> list[User]:
    """The members a published post reaches, by the targets stored with it."""
    return list(
        db.session.scalars(
            members_reached(
                select(PostResidence.residence_id).where(PostResidence.post_id == post.id),
                select(PostBuilding.building_id).where(PostBuilding.post_id == post.id),
            )
        )
    )


def members_reached(residence_ids, building_ids) -> Select:
    """The active members of these residences or buildings (ids, or SELECTs of ids): a SELECT
    of distinct Users, for a publication as for its preview."""
    return (
        select(User)
        .join(Membership, Membership.user_id == User.id)
        .where(
            Membership.status == MembershipStatus.ACTIVE,
            or_(
                Membership.residence_id.in_(residence_ids),
                Membership.building_id.in_(building_ids),
            ),
        )
        .distinct()
    )
