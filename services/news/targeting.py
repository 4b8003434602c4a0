"""Who a post reaches, resolved once when it is written: the buildings, or the residences (the
author's, those within a radius, or those of an area drawn by staff), stored with the post.

Staff speak for their landlord: their announcements and alerts (which ring through quiet hours)
reach only the residences their landlord manages, whatever the radius or the area. Members'
`nearby` posts reach DEFAULT_RADIUS_M around their residence, at most MEMBER_MAX_RADIUS_M, and
may cross landlords: the moderators of every residence reached then see the post (scoping).
"""

from sqlalchemy import or_, select

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


def set_targets(
    user: User,
    post: Post,
    *,
    building_ids: list[int] | None,
    radius_m: int | None,
    area: dict | None,
    all_residences: bool,
) -> None:
    """Store the buildings or residences the post reaches."""
    residence = post.residence
    if post.scope == PostScope.BUILDING:
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
        if post.kind not in STAFF_KINDS and not _lives_in(user, ids):
            raise field_error("building_ids", "Members write to their own building only.")
        db.session.add_all(PostBuilding(post_id=post.id, building_id=b) for b in ids)
        return
    if post.scope == PostScope.RESIDENCE:
        targets = select(Residence.id).where(Residence.id == residence.id)
    elif post.scope == PostScope.NEARBY:
        post.radius_m = _radius(post, radius_m)
        targets = select(Residence.id).where(
            dwithin_m(
                Residence.location,
                select(Residence.location).where(Residence.id == residence.id).scalar_subquery(),
                post.radius_m,
            )
        )
        if post.kind in STAFF_KINDS:
            targets = targets.where(*_landlords_own(user, post))
    else:
        targets = _area_targets(user, post, area, all_residences)
    db.session.add_all(
        PostResidence(post_id=post.id, residence_id=r) for r in set(db.session.scalars(targets))
    )


def _radius(post: Post, radius_m: int | None) -> int:
    radius_m = radius_m or DEFAULT_RADIUS_M
    limit = STAFF_MAX_RADIUS_M if post.kind in STAFF_KINDS else MEMBER_MAX_RADIUS_M
    if radius_m > limit:
        raise field_error(
            "radius_m", "This post can reach at most %(limit)s m around.", limit=limit
        )
    return radius_m


def _landlords_own(user: User, post: Post):
    """Conditions on Residence: those of the post's landlord that the author manages."""
    return (
        Residence.landlord_id == post.residence.landlord_id,
        scoping.managed_residences_clause(user),
    )


def _area_targets(user: User, post: Post, area: dict | None, all_residences: bool):
    if post.kind not in STAFF_KINDS:
        raise field_error("scope", "Only the landlord's staff reach an area.")
    mine = select(Residence.id).where(*_landlords_own(user, post))
    if area is None:
        if not all_residences:
            raise field_error("area", "Draw an area, or choose all the landlord's residences.")
        return mine
    polygon = parse_area("area", area)
    # Only the landlord's own residences: a polygon reaching into another's targets none of them.
    return mine.where(intersects(Residence.footprint, to_column(polygon)))


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
    return list(
        db.session.scalars(
            select(User)
            .join(Membership, Membership.user_id == User.id)
            .where(
                Membership.status == MembershipStatus.ACTIVE,
                or_(
                    Membership.residence_id.in_(
                        select(PostResidence.residence_id).where(PostResidence.post_id == post.id)
                    ),
                    Membership.building_id.in_(
                        select(PostBuilding.building_id).where(PostBuilding.post_id == post.id)
                    ),
                ),
            )
            .distinct()
        )
    )
