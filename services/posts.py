"""Neighbourhood news: posts, events, polls, and the landlord's announcements and alerts.

Who a post reaches is resolved once, when it is written: the residences (by residence, radius
or an area drawn on the map) or buildings it targets are stored with it, and the feed only
joins on them. Announcements and alerts may be scheduled; a job publishes them on time.
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import contains_eager, selectinload

from models import (
    Building,
    Comment,
    EventRsvp,
    Membership,
    MembershipStatus,
    PollOption,
    Post,
    PostBuilding,
    PostKind,
    PostPhoto,
    PostRead,
    PostResidence,
    PostScope,
    Reaction,
    Residence,
    Rsvp,
    Space,
    User,
    Visibility,
    Vote,
    db,
)
from models.base import utcnow
from models.spatial import dwithin_m
from notifications import outbox
from services import photos, scoping
from services.errors import Conflict, Forbidden, NotFound, field_error
from services.geojson import parse_area, to_column
from services.pagination import DEFAULT_LIMIT, MAX_LIMIT, Page, decode_cursor, paginate

STAFF_KINDS = (PostKind.ANNOUNCEMENT, PostKind.ALERT)
DEFAULT_RADIUS_M = 1000
EVENT_REMINDER_AHEAD = timedelta(days=1)


@dataclass
class FeedItem:
    """A post as a member sees it: counts, their own answers, and poll results if shown."""

    post: Post
    author_role: str
    comments: int
    reactions: int
    going: int
    my_reaction: str | None
    my_rsvp: str | None
    my_vote: int | None
    results: dict[int, int] | None = field(default=None)


def publish_post(user: User, data: dict, now: datetime | None = None) -> Post:
    now = now or utcnow()
    kind = PostKind(data["kind"])
    residence_id = data["residence_id"]
    if kind in STAFF_KINDS:
        residence = scoping.get_managed_residence(user, residence_id)
    else:
        residence = scoping.active_membership(user, residence_id).residence
    staff_only = {"pinned_until", "publish_at"} & {k for k, v in data.items() if v is not None}
    if kind not in STAFF_KINDS and staff_only:
        raise field_error(sorted(staff_only)[0], "Only the landlord's announcements can do this.")
    post = Post(
        residence=residence,
        author=user,
        kind=kind,
        title=(data.get("title") or "").strip() or None,
        body=data["body"].strip(),
        scope=PostScope(data.get("scope", PostScope.RESIDENCE)),
        urgent=kind == PostKind.ALERT,
        publish_at=data.get("publish_at") or now,
        pinned_until=data.get("pinned_until"),
    )
    if post.publish_at < now:
        post.publish_at = now
    if kind == PostKind.EVENT:
        _set_event(post, data, now)
    if kind == PostKind.POLL:
        _set_poll(post, data, now)
    db.session.add(post)
    db.session.flush()
    _set_targets(user, post, data)
    if post.publish_at <= now:
        _publish(post, now)
    db.session.flush()
    return post


def publish_due_posts(now: datetime | None = None) -> int:
    """The scheduler's job: publish announcements whose time has come. Returns how many."""
    now = now or utcnow()
    due = db.session.scalars(
        select(Post)
        .where(Post.published_at.is_(None), Post.publish_at <= now)
        .with_for_update(skip_locked=True)
    ).all()
    for post in due:
        _publish(post, now)
    db.session.flush()
    return len(due)


def feed(user: User, cursor: str | None, limit: int | None, now: datetime | None = None) -> Page:
    """Everything in reach: pinned announcements first (until their pin ends), then newest.
    A fixed number of queries whatever the page size."""
    now = now or utcnow()
    limit = min(limit or DEFAULT_LIMIT, MAX_LIMIT)
    sort_keys = [Post.published_at, Post.id]
    before = decode_cursor(cursor, sort_keys) if cursor else None
    not_pinned = or_(Post.pinned_until.is_(None), Post.pinned_until <= now)
    newest = scoping.visible_posts(user, before=before, limit=limit + 1, condition=not_pinned)
    page = paginate(
        _items_query(user).where(Post.id.in_(select(newest.c.id))),
        sort_keys,
        cursor,
        limit,
        descending=True,
        whole_rows=True,
    )
    if cursor is None:
        # Pinned announcements head the first page, while their pin lasts.
        pinned = scoping.visible_posts(user, condition=Post.pinned_until > now)
        rows = db.session.execute(
            _items_query(user)
            .where(Post.id.in_(select(pinned.c.id)))
            .order_by(Post.published_at.desc(), Post.id.desc())
        )
        page.items = [tuple(row) for row in rows] + page.items
    page.items = _feed_items(user, page.items, now)
    return page


def get_post(user: User, post_id: int, now: datetime | None = None) -> FeedItem:
    now = now or utcnow()
    row = db.session.execute(
        _items_query(user).where(Post.id == post_id, scoping.visible_posts_clause(user, Post))
    ).first()
    if row is None:
        raise NotFound("This post does not exist or is out of reach.")
    return _feed_items(user, [tuple(row)], now)[0]


def visible_post(user: User, post_id: int) -> Post:
    post = db.session.scalar(
        select(Post).where(Post.id == post_id, scoping.visible_posts_clause(user, Post))
    )
    if post is None:
        raise NotFound("This post does not exist or is out of reach.")
    return post


def add_photo(user: User, post_id: int, data: bytes) -> PostPhoto:
    post = visible_post(user, post_id)
    if post.author_id != user.id:
        raise Forbidden("Only the author of this post can change it.")
    return photos.attach(post.photos, data, lambda **stored: PostPhoto(post=post, **stored))


def list_comments(user: User, post_id: int, cursor, limit) -> Page:
    post = visible_post(user, post_id)
    query = (
        select(Comment)
        .where(
            Comment.post_id == post.id,
            or_(Comment.visibility == Visibility.VISIBLE, Comment.author_id == user.id),
        )
        .options(selectinload(Comment.author))
    )
    return paginate(query, [Comment.id], cursor, limit)


def add_comment(user: User, post_id: int, body: str) -> Comment:
    post = visible_post(user, post_id)
    comment = Comment(post_id=post.id, author=user, body=body.strip())
    db.session.add(comment)
    db.session.flush()
    if post.author_id != user.id:
        outbox.enqueue(
            [post.author],
            "comment",
            {"author": user.display_name, "body": body.strip()[:120]},
            key=f"comment:{comment.id}",
            link=f"palier://posts/{post.id}",
        )
    db.session.flush()
    return comment


def react(user: User, post_id: int, kind: str | None) -> None:
    """Set, change (or with None, remove) the user's one reaction to a post."""
    post = visible_post(user, post_id)
    reaction = db.session.get(Reaction, (post.id, user.id))
    if kind is None:
        if reaction is not None:
            db.session.delete(reaction)
    elif reaction is None:
        db.session.add(Reaction(post_id=post.id, user_id=user.id, kind=kind))
    else:
        reaction.kind = kind
    db.session.flush()


def answer_event(user: User, post_id: int, answer: str) -> None:
    post = visible_post(user, post_id)
    if post.kind != PostKind.EVENT:
        raise Conflict("Only events take an answer.")
    # One answer at a time per event, so that its last place goes to one member.
    db.session.scalar(select(Post.id).where(Post.id == post.id).with_for_update())
    rsvp = db.session.get(EventRsvp, (post.id, user.id))
    if answer == Rsvp.GOING and (rsvp is None or rsvp.answer != Rsvp.GOING) and post.capacity:
        going = db.session.scalar(
            select(func.count()).where(EventRsvp.post_id == post.id, EventRsvp.answer == Rsvp.GOING)
        )
        if going >= post.capacity:
            raise Conflict(
                "This event is full (%(capacity)s places).",
                capacity=post.capacity,
                extra={"going": going},
            )
    if rsvp is None:
        db.session.add(EventRsvp(post_id=post.id, user_id=user.id, answer=Rsvp(answer)))
    else:
        rsvp.answer = Rsvp(answer)
    db.session.flush()


def vote(user: User, post_id: int, option_id: int, now: datetime | None = None) -> None:
    post = visible_post(user, post_id)
    if post.kind != PostKind.POLL:
        raise Conflict("Only polls take a vote.")
    if post.closes_at <= (now or utcnow()):
        raise Conflict("This poll is closed.")
    if option_id not in {option.id for option in post.options}:
        raise field_error("option_id", "This option is not one of the poll's.")
    current = db.session.get(Vote, (post.id, user.id))
    try:
        with db.session.begin_nested():
            if current is None:
                db.session.add(Vote(post_id=post.id, user_id=user.id, option_id=option_id))
            else:
                current.option_id = option_id
    except IntegrityError:  # a second vote of the same member raced this one
        raise Conflict("Your vote was already being recorded; try again.") from None


def mark_read(user: User, post_id: int) -> None:
    """The app opened the post; saying it twice changes nothing."""
    post = visible_post(user, post_id)
    if db.session.get(PostRead, (post.id, user.id)) is None:
        try:
            with db.session.begin_nested():
                db.session.add(PostRead(post_id=post.id, user_id=user.id))
        except IntegrityError:  # the same read, reported twice at once
            pass


def reach(user: User, post_id: int) -> tuple[int, int]:
    """Staff: how many members a post targeted when published, and how many opened it."""
    post = visible_post(user, post_id)
    if not scoping.can_manage(user, post.residence_id):
        raise Forbidden("Only the landlord's staff can do this.")
    opened = db.session.scalar(select(func.count()).where(PostRead.post_id == post.id))
    return post.targeted_count, opened


def send_event_reminders(now: datetime | None = None) -> int:
    """Remind members going (or maybe going) to an event starting within a day; once."""
    now = now or utcnow()
    events = db.session.scalars(
        select(Post).where(
            Post.kind == PostKind.EVENT,
            Post.published_at.is_not(None),
            Post.reminder_sent_at.is_(None),
            Post.starts_at > now,
            Post.starts_at <= now + EVENT_REMINDER_AHEAD,
        )
    ).all()
    for event in events:
        event.reminder_sent_at = now
        members = db.session.scalars(
            select(User)
            .join(EventRsvp, EventRsvp.user_id == User.id)
            .where(EventRsvp.post_id == event.id, EventRsvp.answer.in_((Rsvp.GOING, Rsvp.MAYBE)))
        ).all()
        _notify(members, event, "event_reminder", when=event.starts_at.astimezone(_zone(event)))
    db.session.flush()
    return len(events)


def tell_closed_polls(now: datetime | None = None) -> int:
    """Tell a poll's author and voters that it closed and its results are out; once."""
    now = now or utcnow()
    polls = db.session.scalars(
        select(Post).where(
            Post.kind == PostKind.POLL, Post.closes_at <= now, Post.closing_told_at.is_(None)
        )
    ).all()
    for poll in polls:
        poll.closing_told_at = now
        voters = db.session.scalars(
            select(User).join(Vote, Vote.user_id == User.id).where(Vote.post_id == poll.id)
        ).all()
        _notify({poll.author, *voters}, poll, "poll_closed")
    db.session.flush()
    return len(polls)


def _items_query(user: User):
    def counted(model, *conditions):
        return (
            select(func.count())
            .where(model.post_id == Post.id, *conditions)
            .correlate(Post)
            .scalar_subquery()
        )

    def mine(column, model):
        return (
            select(column)
            .where(model.post_id == Post.id, model.user_id == user.id)
            .correlate(Post)
            .scalar_subquery()
        )

    role = (
        select(Membership.role)
        .where(Membership.user_id == Post.author_id, Membership.residence_id == Post.residence_id)
        .correlate(Post)
        .scalar_subquery()
    )
    author = User
    return (
        select(
            Post,
            func.coalesce(role, "staff"),
            counted(Comment, Comment.visibility == Visibility.VISIBLE),
            counted(Reaction),
            counted(EventRsvp, EventRsvp.answer == Rsvp.GOING),
            mine(Reaction.kind, Reaction),
            mine(EventRsvp.answer, EventRsvp),
            mine(Vote.option_id, Vote),
        )
        .join(author, author.id == Post.author_id)
        .options(contains_eager(Post.author), selectinload(Post.photos), selectinload(Post.options))
    )


def _feed_items(user: User, rows, now: datetime) -> list[FeedItem]:
    items = [FeedItem(*row) for row in rows]
    shown = [
        item.post.id
        for item in items
        if item.post.kind == PostKind.POLL
        and (
            item.post.closes_at <= now
            or (item.my_vote is not None and not item.post.results_after_close)
        )
    ]
    counts: dict[int, dict[int, int]] = {}
    if shown:
        for post_id, option_id, votes in db.session.execute(
            select(Vote.post_id, Vote.option_id, func.count())
            .where(Vote.post_id.in_(shown))
            .group_by(Vote.post_id, Vote.option_id)
        ):
            counts.setdefault(post_id, {})[option_id] = votes
    for item in items:
        if item.post.id in shown:
            item.results = {
                option.id: counts.get(item.post.id, {}).get(option.id, 0)
                for option in item.post.options
            }
        item.my_rsvp = item.my_rsvp.value if isinstance(item.my_rsvp, Rsvp) else item.my_rsvp
        item.author_role = getattr(item.author_role, "value", item.author_role)
    return items


def _set_event(post: Post, data: dict, now: datetime) -> None:
    starts_at, ends_at = data.get("starts_at"), data.get("ends_at")
    if starts_at is None:
        raise field_error("starts_at", "An event needs a start.")
    if starts_at <= now:
        raise field_error("starts_at", "An event starts in the future.")
    if ends_at is not None and ends_at <= starts_at:
        raise field_error("ends_at", "The end must come after the start.")
    post.starts_at, post.ends_at = starts_at, ends_at
    post.place = (data.get("place") or "").strip() or None
    post.capacity = data.get("capacity")
    if data.get("space_id") is not None:
        space = db.session.get(Space, data["space_id"])
        if space is None or space.residence_id != post.residence.id:
            raise field_error("space_id", "This space is not one of the residence's.")
        post.space_id = space.id
        post.place = post.place or space.name


def _set_poll(post: Post, data: dict, now: datetime) -> None:
    labels = [label.strip() for label in data.get("options") or []]
    if not 2 <= len(labels) <= 10 or len(set(labels)) != len(labels) or not all(labels):
        raise field_error("options", "A poll has from 2 to 10 different options.")
    if data.get("closes_at") is None or data["closes_at"] <= now:
        raise field_error("closes_at", "A poll closes in the future.")
    post.closes_at = data["closes_at"]
    post.results_after_close = data.get("results_after_close", False)
    post.options = [PollOption(position=index, label=label) for index, label in enumerate(labels)]


def _set_targets(user: User, post: Post, data: dict) -> None:
    residence = post.residence
    if post.scope == PostScope.BUILDING:
        ids = set(data.get("building_ids") or [])
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
        post.radius_m = data.get("radius_m") or DEFAULT_RADIUS_M
        targets = select(Residence.id).where(
            dwithin_m(
                Residence.location,
                select(Residence.location).where(Residence.id == residence.id).scalar_subquery(),
                post.radius_m,
            )
        )
    else:
        targets = _area_targets(user, post, data)
    db.session.add_all(
        PostResidence(post_id=post.id, residence_id=r) for r in set(db.session.scalars(targets))
    )


def _area_targets(user: User, post: Post, data: dict):
    if post.kind not in STAFF_KINDS:
        raise field_error("scope", "Only the landlord's staff reach an area.")
    mine = select(Residence.id).where(
        Residence.landlord_id == post.residence.landlord_id, scoping.managed_residences_clause(user)
    )
    if data.get("area") is None:
        if not data.get("all_residences"):
            raise field_error("area", "Draw an area, or choose all the landlord's residences.")
        return mine
    area = parse_area("area", data["area"])
    # Only the landlord's own residences: a polygon reaching into another's targets none of them.
    return mine.where(func.ST_Intersects(Residence.footprint, to_column(area)))


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


def _publish(post: Post, now: datetime) -> None:
    post.published_at = now
    for target in (PostResidence, PostBuilding):
        db.session.execute(update(target).where(target.post_id == post.id).values(published_at=now))
    members = _targeted_members(post)
    post.targeted_count = len(members)
    if post.kind in STAFF_KINDS:
        kind = "alert" if post.kind == PostKind.ALERT else "announcement"
        _notify([m for m in members if m.id != post.author_id], post, kind, urgent=post.urgent)


def _targeted_members(post: Post) -> list[User]:
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


def _zone(post: Post) -> ZoneInfo:
    return ZoneInfo(post.residence.time_zone)


def _notify(recipients, post: Post, kind: str, urgent: bool = False, **params) -> None:
    outbox.enqueue(
        list(recipients),
        kind,
        {"title": post.title or post.body[:60], **params},
        key=f"{kind}:post:{post.id}",
        link=f"palier://posts/{post.id}",
        urgent=urgent,
    )
