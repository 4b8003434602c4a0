"""Who may see and act in which residence: the one place that decides it.

- a resident or solidaire sees the residences where their membership is active;
- staff see every residence of the landlords they work for (and residences where they hold
  an active staff membership);
- a platform admin sees everything.
Anything outside a user's scope is answered as if it did not exist (404), never 403, so that
nobody learns what lies in another residence.

Members who block one another (either way) no longer see each other's content, except the
landlord's announcements and alerts, which reach everyone (see `blocked_either_way`).
"""

from dataclasses import dataclass

from sqlalchemy import (
    Select,
    and_,
    exists,
    false,
    literal,
    or_,
    select,
    true,
    tuple_,
    union,
    union_all,
)
from sqlalchemy.orm import aliased

from models import (
    Block,
    Landlord,
    LandlordStaff,
    Membership,
    MembershipRole,
    MembershipStatus,
    Post,
    PostBuilding,
    PostKind,
    PostResidence,
    Residence,
    Scope,
    User,
    Visibility,
    db,
)
from models.spatial import dwithin_m
from services.errors import Forbidden, NotFound

# How far `nearby` content reaches from its residence, unless it says otherwise.
NEARBY_RADIUS_M = 1000
MODERATOR_ROLES = (MembershipRole.SOLIDAIRE, MembershipRole.STAFF)
# Official news that a block does not hide: "the water is cut tomorrow" must reach everyone.
UNBLOCKABLE_POST_KINDS = (PostKind.ANNOUNCEMENT, PostKind.ALERT)


def _active_memberships(user: User, roles=None):
    query = select(Membership.residence_id).where(
        Membership.user_id == user.id, Membership.status == MembershipStatus.ACTIVE
    )
    if roles is not None:
        query = query.where(Membership.role.in_(roles))
    return query


def blocked_either_way(user: User):
    """The ids of the members this user blocks or is blocked by: a SELECT for WHERE clauses
    (`author_id.not_in(...)`), so that a list stays one statement whatever its length.

    The one rule of blocks on reads: content by such a member is not shown, in either
    direction, and never says which of the two blocked the other.
    """
    return (
        select(Block.blocked_id)
        .where(Block.blocker_id == user.id)
        .union_all(select(Block.blocker_id).where(Block.blocked_id == user.id))
    )


def _staffed_landlords(user: User):
    return select(LandlordStaff.landlord_id).where(
        LandlordStaff.user_id == user.id, LandlordStaff.active.is_(True)
    )


def visible_residences_clause(user: User):
    """A WHERE clause on Residence: the residences this user may see."""
    if user.is_platform_admin:
        return true()
    return or_(
        Residence.id.in_(_active_memberships(user)),
        Residence.landlord_id.in_(_staffed_landlords(user)),
    )


def managed_residences_clause(user: User):
    """A WHERE clause on Residence: the residences this user administers as staff."""
    if user.is_platform_admin:
        return true()
    return or_(
        Residence.id.in_(_active_memberships(user, roles=[MembershipRole.STAFF])),
        Residence.landlord_id.in_(_staffed_landlords(user)),
    )


def visible_residences(user: User) -> Select:
    return select(Residence).where(visible_residences_clause(user))


def get_residence(user: User, residence_id: int) -> Residence:
    """The residence if the user may see it; 404 otherwise, exactly as if it did not exist."""
    residence = db.session.scalar(visible_residences(user).where(Residence.id == residence_id))
    if residence is None:
        raise NotFound("This residence does not exist or is not yours.")
    return residence


def can_manage(user: User, residence_id: int) -> bool:
    return bool(
        db.session.scalar(
            select(Residence.id).where(
                Residence.id == residence_id, managed_residences_clause(user)
            )
        )
    )


def get_managed_residence(user: User, residence_id: int) -> Residence:
    """The residence if the user administers it; 404 if unseen, 403 if seen but not managed."""
    residence = get_residence(user, residence_id)
    if not can_manage(user, residence.id):
        raise Forbidden("Only the landlord's staff can do this.")
    return residence


def get_in_residence(model, row_id: int, residence: Residence, not_found: str):
    """A row of `model` that belongs to `residence`; 404 with `not_found` for any other id."""
    row = db.session.scalar(
        select(model).where(model.id == row_id, model.residence_id == residence.id)
    )
    if row is None:
        raise NotFound(not_found)
    return row


def get_staffed_landlord(user: User, landlord_id: int) -> Landlord:
    """A landlord the user works for (or any, for platform admins); 403 for someone who sees one
    of its residences, 404 for anyone else, as if it did not exist."""
    landlord = db.session.get(Landlord, landlord_id)
    if landlord is not None:
        if user.is_platform_admin or landlord.id in staffed_landlord_ids(user):
            return landlord
        sees_it = exists().where(
            Residence.landlord_id == landlord.id, visible_residences_clause(user)
        )
        if db.session.scalar(select(sees_it)):
            raise Forbidden("Only the landlord's staff can do this.")
    raise NotFound("This landlord does not exist or is not yours.")


def staffed_landlord_ids(user: User) -> list[int]:
    return list(db.session.scalars(_staffed_landlords(user)))


def member_residences_clause(user: User):
    """A WHERE clause on Residence: where this user is an active member (whatever the role)."""
    return Residence.id.in_(_active_memberships(user))


def has_role(user: User, residence_id: int, role: MembershipRole) -> bool:
    """Whether the user holds `role` in an active membership of the residence."""
    return bool(
        db.session.scalar(
            select(
                _active_memberships(user, roles=[role])
                .where(Membership.residence_id == residence_id)
                .exists()
            )
        )
    )


def is_resident_somewhere(user: User) -> bool:
    """Whether the user is an active member of some residence (staff of a landlord are not)."""
    return bool(db.session.scalar(select(_active_memberships(user).exists())))


def moderated_residences_clause(user: User):
    """A WHERE clause on Residence: where this user moderates (solidaire or staff)."""
    if user.is_platform_admin:
        return true()
    return Residence.id.in_(union(*_moderated_residence_ids(user, _staffed_landlords(user))))


def _moderated_residence_ids(user: User, landlord_ids):
    """The ids of the residences where a user (not a platform admin) moderates, given the ids
    of the landlords they work for (a SELECT or a list), as SELECTs to put in a UNION: two
    index-backed lookups, where an OR of the two reads every residence. (Parts rather than a
    UNION, which SQLite does not nest in another.)"""
    return (
        _active_memberships(user, roles=MODERATOR_ROLES),
        select(Residence.id).where(Residence.landlord_id.in_(landlord_ids)),
    )


def visible_content_clause(user: User, content, author_column):
    """A WHERE clause on a content model (residence_id, building_id, scope, visibility):
    the rows this user may read.

    - `building`: members of that building; `residence`: members of the residence;
      `nearby`: members of every residence within NEARBY_RADIUS_M of the content's residence;
    - moderators (solidaires, staff) of the content's residence read everything in it;
    - hidden content is read only by its author: moderators read it in their queue
      (services/moderation/queue.py), nowhere else;
    - deleted content is read by nobody;
    - content by a member blocked either way is read by neither of the two, moderators included.
    """
    live = content.deleted_at.is_(None)
    readable = or_(content.visibility == Visibility.VISIBLE, author_column == user.id)
    not_blocked = author_column.not_in(blocked_either_way(user))
    if user.is_platform_admin:
        return and_(live, readable, not_blocked)
    member_of = _active_memberships(user)
    my_buildings = select(Membership.building_id).where(
        Membership.user_id == user.id,
        Membership.status == MembershipStatus.ACTIVE,
        Membership.building_id.is_not(None),
    )
    mine, around = aliased(Residence), aliased(Residence)
    near_mine = (
        select(around.id)
        .join(mine, dwithin_m(mine.location, around.location, NEARBY_RADIUS_M))
        .where(mine.id.in_(member_of))
    )
    # The landlords first, as values: the planner then counts the residences they hold (none
    # for most members), where a subquery would make it assume a whole landlord's and read
    # every row of the table.
    moderated_ids = _moderated_residence_ids(user, staffed_landlord_ids(user))
    moderated = union(*moderated_ids)
    in_reach = or_(
        and_(content.scope == Scope.RESIDENCE, content.residence_id.in_(member_of)),
        and_(content.scope == Scope.BUILDING, content.building_id.in_(my_buildings)),
        and_(content.scope == Scope.NEARBY, content.residence_id.in_(near_mine)),
    )
    # Every row in reach lies in a residence moderated or near one of mine (mine included, at
    # distance 0, and with them my buildings): said first, this short list of residences lets
    # the database read the rows through their residence_id index, not test every row.
    reachable = content.residence_id.in_(union(*moderated_ids, near_mine))
    return and_(
        live,
        readable,
        not_blocked,
        reachable,
        or_(content.residence_id.in_(moderated), in_reach),
    )


def can_moderate(user: User, residence_id: int) -> bool:
    """Solidaires and staff of the residence (and platform admins)."""
    return bool(
        db.session.scalar(
            select(Residence.id).where(
                Residence.id == residence_id, moderated_residences_clause(user)
            )
        )
    )


def get_visible_content(user: User, content, author_column, row_id: int, not_found: str):
    row = db.session.scalar(
        select(content).where(
            content.id == row_id, visible_content_clause(user, content, author_column)
        )
    )
    if row is None:
        raise NotFound(not_found)
    return row


def active_membership(user: User, residence_id: int) -> Membership:
    """The user's active membership of a residence, needed to publish there.

    404 if the residence is out of the user's scope; 403 if seen (staff) but not a member.
    """
    membership = db.session.scalar(
        select(Membership).where(
            Membership.user_id == user.id,
            Membership.residence_id == residence_id,
            Membership.status == MembershipStatus.ACTIVE,
        )
    )
    if membership is None:
        get_residence(user, residence_id)
        raise Forbidden("Only members of this residence can do this.")
    return membership


def get_participated(model, user: User, row_id: int, not_found: str, *participant_columns):
    """A private row (a loan, an exchange) that the user takes part in; 404 for anyone else."""
    row = db.session.scalar(
        select(model).where(
            model.id == row_id, or_(*(column == user.id for column in participant_columns))
        )
    )
    if row is None:
        raise NotFound(not_found)
    return row


@dataclass(frozen=True)
class PostReach:
    """Where a user's news comes from, looked up once for a list (one query): the residences
    and buildings of their active memberships, the residences they moderate, and the members
    blocked either way (see `blocked_either_way`)."""

    residences: list[int]
    buildings: list[int]
    moderated: list[int]
    blocked: list[int]


def post_reach(user: User) -> PostReach:
    mine = (Membership.user_id == user.id, Membership.status == MembershipStatus.ACTIVE)
    parts = [
        select(literal("residence"), Membership.residence_id).where(*mine),
        select(literal("building"), Membership.building_id).where(
            *mine, Membership.building_id.is_not(None)
        ),
        select(literal("blocked"), Block.blocked_id).where(Block.blocker_id == user.id),
        select(literal("blocked"), Block.blocker_id).where(Block.blocked_id == user.id),
    ]
    if not user.is_platform_admin:  # who reads everything needs no list of it
        moderated = select(literal("moderated"), Residence.id)
        parts.append(moderated.where(moderated_residences_clause(user)))
    found = {"residence": [], "building": [], "moderated": [], "blocked": []}
    for kind, row_id in db.session.execute(union_all(*parts)):
        found[kind].append(row_id)
    return PostReach(
        found["residence"], found["building"], found["moderated"], sorted(set(found["blocked"]))
    )


def visible_posts(
    user: User,
    *,
    reach: PostReach | None = None,
    before=None,
    limit: int | None = None,
    condition=None,
):
    """Ids and publication times of the published posts the user may read.

    A post reaches the residences or buildings it targets (fixed at publication); moderators
    read every post written in or reaching their residences; hidden posts are read by their
    author only (moderators read them in their queue); posts by a member blocked either way are
    read by neither, save announcements and alerts. The user's `reach` is looked up first
    (one small query, or given by the caller who needs it too), so that each source is read
    newest first in index order: with `before` (a (published_at, id) bound) and `limit`, no
    source reads more than a page.
    """
    reach = reach or post_reach(user)
    readable = or_(Post.visibility == Visibility.VISIBLE, Post.author_id == user.id)
    sources = []
    if user.is_platform_admin:
        query = select(Post.id, Post.published_at).where(readable)
        sources.append((query, Post.published_at, Post.id))
    elif reach.moderated:
        query = select(Post.id, Post.published_at).where(
            Post.residence_id.in_(reach.moderated), readable
        )
        sources.append((query, Post.published_at, Post.id))
        # And every post that reaches one of their residences (a neighbour's `nearby` post,
        # perhaps from another landlord's residence): they answer for what their members read.
        query = (
            select(PostResidence.post_id.label("id"), PostResidence.published_at)
            .join(Post, Post.id == PostResidence.post_id)
            .where(PostResidence.residence_id.in_(reach.moderated), readable)
        )
        sources.append((query, PostResidence.published_at, PostResidence.post_id))
    for target, column, ids in (
        (PostResidence, PostResidence.residence_id, reach.residences),
        (PostBuilding, PostBuilding.building_id, reach.buildings),
    ):
        if ids and not user.is_platform_admin:
            query = (
                select(target.post_id.label("id"), target.published_at)
                .join(Post, Post.id == target.post_id)
                .where(column.in_(ids), readable)
            )
            sources.append((query, target.published_at, target.post_id))
    not_blocked = reach.blocked and or_(
        Post.kind.in_(UNBLOCKABLE_POST_KINDS), Post.author_id.not_in(reach.blocked)
    )
    parts = []
    for query, published_at, post_id in sources:
        # Deleted posts are read by nobody.
        query = query.where(published_at.is_not(None), Post.deleted_at.is_(None))
        if reach.blocked:
            query = query.where(not_blocked)
        if condition is not None:
            query = query.where(condition)
        if before is not None:
            query = query.where(tuple_(published_at, post_id) < tuple_(*before))
        if limit is not None:
            query = query.order_by(published_at.desc(), post_id.desc()).limit(limit)
        # As subqueries: SQLite allows no ORDER BY or LIMIT inside a UNION's parts.
        part = query.subquery()
        parts.append(select(part.c.id, part.c.published_at))
    if not parts:  # a member of nothing reads nothing
        parts.append(select(Post.id, Post.published_at).where(false()))
    return union(*parts).subquery()


def visible_posts_clause(user: User, post):
    """A WHERE clause on Post: the posts the user may read (see visible_posts)."""
    return post.id.in_(select(visible_posts(user).c.id))
