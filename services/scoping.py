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
from functools import cache

from sqlalchemy import (
    Select,
    and_,
    bindparam,
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


def _active_memberships(user_id, roles=None):
    """`user_id`: an id, or a bind parameter in statements built once (see post_reach)."""
    query = select(Membership.residence_id).where(
        Membership.user_id == user_id, Membership.status == MembershipStatus.ACTIVE
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


def _staffed_landlords(user_id):
    return select(LandlordStaff.landlord_id).where(
        LandlordStaff.user_id == user_id, LandlordStaff.active.is_(True)
    )


def visible_residences_clause(user: User):
    """A WHERE clause on Residence: the residences this user may see."""
    if user.is_platform_admin:
        return true()
    return or_(
        Residence.id.in_(_active_memberships(user.id)),
        Residence.landlord_id.in_(_staffed_landlords(user.id)),
    )


def managed_residences_clause(user: User):
    """A WHERE clause on Residence: the residences this user administers as staff."""
    if user.is_platform_admin:
        return true()
    return or_(
        Residence.id.in_(_active_memberships(user.id, roles=[MembershipRole.STAFF])),
        Residence.landlord_id.in_(_staffed_landlords(user.id)),
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
    return list(db.session.scalars(_staffed_landlords(user.id)))


def member_residences_clause(user: User):
    """A WHERE clause on Residence: where this user is an active member (whatever the role)."""
    return Residence.id.in_(_active_memberships(user.id))


def has_role(user: User, residence_id: int, role: MembershipRole) -> bool:
    """Whether the user holds `role` in an active membership of the residence."""
    return bool(
        db.session.scalar(
            select(
                _active_memberships(user.id, roles=[role])
                .where(Membership.residence_id == residence_id)
                .exists()
            )
        )
    )


def is_resident_somewhere(user: User) -> bool:
    """Whether the user is an active member of some residence (staff of a landlord are not)."""
    return bool(db.session.scalar(select(_active_memberships(user.id).exists())))


def moderated_residences_clause(user: User):
    """A WHERE clause on Residence: where this user moderates (solidaire or staff)."""
    if user.is_platform_admin:
        return true()
    return _moderated_by(user.id)


def _moderated_by(user_id):
    """`user_id`: an id, or a bind parameter in statements built once (see post_reach)."""
    return Residence.id.in_(union(*_moderated_residence_ids(user_id, _staffed_landlords(user_id))))


def _moderated_residence_ids(user_id, landlord_ids):
    """The ids of the residences where a user (not a platform admin) moderates, given the ids
    of the landlords they work for (a SELECT or a list), as SELECTs to put in a UNION: two
    index-backed lookups, where an OR of the two reads every residence. (Parts rather than a
    UNION, which SQLite does not nest in another.)"""
    return (
        _active_memberships(user_id, roles=MODERATOR_ROLES),
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
    member_of = _active_memberships(user.id)
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
    moderated_ids = _moderated_residence_ids(user.id, staffed_landlord_ids(user))
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
class ReachShape:
    """Which sources a user's news comes from: the statements reading them are built once per
    shape (visible_posts), and each request only binds its values (PostReach.parameters)."""

    platform_admin: bool
    residences: bool
    buildings: bool
    moderated: bool
    blocked: bool


@dataclass(frozen=True)
class PostReach:
    """Where a user's news comes from, looked up once for a list (one query): the residences
    and buildings of their active memberships, the residences they moderate, and the members
    blocked either way (see `blocked_either_way`)."""

    reader_id: int
    platform_admin: bool
    residences: list[int]
    buildings: list[int]
    moderated: list[int]
    blocked: list[int]

    @property
    def shape(self) -> ReachShape:
        return ReachShape(
            self.platform_admin,
            bool(self.residences),
            bool(self.buildings),
            bool(self.moderated),
            bool(self.blocked),
        )

    @property
    def parameters(self) -> dict:
        """The values of visible_posts' bind parameters."""
        return {
            "reader_id": self.reader_id,
            "reach_residences": self.residences,
            "reach_buildings": self.buildings,
            "reach_moderated": self.moderated,
            "reach_blocked": self.blocked,
        }


def post_reach(user: User) -> PostReach:
    found = {"residence": [], "building": [], "moderated": [], "blocked": []}
    reach = _reach_statement(user.is_platform_admin)
    for kind, row_id in db.session.execute(reach, {"reader_id": user.id}):
        found[kind].append(row_id)
    return PostReach(
        user.id,
        user.is_platform_admin,
        found["residence"],
        found["building"],
        found["moderated"],
        sorted(set(found["blocked"])),
    )


@cache
def _reach_statement(platform_admin: bool):
    reader = bindparam("reader_id")
    mine = (Membership.user_id == reader, Membership.status == MembershipStatus.ACTIVE)
    parts = [
        select(literal("residence"), Membership.residence_id).where(*mine),
        select(literal("building"), Membership.building_id).where(
            *mine, Membership.building_id.is_not(None)
        ),
        select(literal("blocked"), Block.blocked_id).where(Block.blocker_id == reader),
        select(literal("blocked"), Block.blocker_id).where(Block.blocked_id == reader),
    ]
    if not platform_admin:  # who reads everything needs no list of it
        parts.append(select(literal("moderated"), Residence.id).where(_moderated_by(reader)))
    return union_all(*parts)


def visible_posts(
    shape: ReachShape, *, paginated: bool = False, after: bool = False, condition=None
):
    """Ids and publication times of the published posts a reader may read: a subquery with
    the bind parameters of PostReach.parameters, built for a reach of this shape.

    A post reaches the residences or buildings it targets (fixed at publication); moderators
    read every post written in or reaching their residences; hidden posts are read by their
    author only (moderators read them in their queue); posts by a member blocked either way are
    read by neither, save announcements and alerts. The reader's reach is looked up first
    (post_reach, one small query), so that each source is read newest first in index order:
    `paginated`, no source reads more than `page_size` posts, `after` those before the
    (`before_published_at`, `before_id`) bound.
    """
    reader = bindparam("reader_id")
    readable = or_(Post.visibility == Visibility.VISIBLE, Post.author_id == reader)
    sources = []
    if shape.platform_admin:
        query = select(Post.id, Post.published_at).where(readable)
        sources.append((query, Post.published_at, Post.id))
    elif shape.moderated:
        moderated = bindparam("reach_moderated", expanding=True)
        query = select(Post.id, Post.published_at).where(Post.residence_id.in_(moderated), readable)
        sources.append((query, Post.published_at, Post.id))
        # And every post that reaches one of their residences (a neighbour's `nearby` post,
        # perhaps from another landlord's residence): they answer for what their members read.
        query = (
            select(PostResidence.post_id.label("id"), PostResidence.published_at)
            .join(Post, Post.id == PostResidence.post_id)
            .where(PostResidence.residence_id.in_(moderated), readable)
        )
        sources.append((query, PostResidence.published_at, PostResidence.post_id))
    for target, column, name, present in (
        (PostResidence, PostResidence.residence_id, "reach_residences", shape.residences),
        (PostBuilding, PostBuilding.building_id, "reach_buildings", shape.buildings),
    ):
        if present and not shape.platform_admin:
            query = (
                select(target.post_id.label("id"), target.published_at)
                .join(Post, Post.id == target.post_id)
                .where(column.in_(bindparam(name, expanding=True)), readable)
            )
            sources.append((query, target.published_at, target.post_id))
    not_blocked = shape.blocked and or_(
        Post.kind.in_(UNBLOCKABLE_POST_KINDS),
        Post.author_id.not_in(bindparam("reach_blocked", expanding=True)),
    )
    parts = []
    for query, published_at, post_id in sources:
        # Deleted posts are read by nobody.
        query = query.where(published_at.is_not(None), Post.deleted_at.is_(None))
        if shape.blocked:
            query = query.where(not_blocked)
        if condition is not None:
            query = query.where(condition)
        if after:
            before = (bindparam("before_published_at"), bindparam("before_id"))
            query = query.where(tuple_(published_at, post_id) < tuple_(*before))
        if paginated:
            query = query.order_by(published_at.desc(), post_id.desc())
            query = query.limit(bindparam("page_size"))
        # As subqueries: SQLite allows no ORDER BY or LIMIT inside a UNION's parts.
        part = query.subquery()
        parts.append(select(part.c.id, part.c.published_at))
    if not parts:  # a member of nothing reads nothing
        parts.append(select(Post.id, Post.published_at).where(false()))
    return union(*parts).subquery()


def visible_posts_clause(user: User, post):
    """A WHERE clause on Post: the posts the user may read (see visible_posts)."""
    reach = post_reach(user)
    visible = select(visible_posts(reach.shape).c.id)
    return post.id.in_(visible.params(reach.parameters))
