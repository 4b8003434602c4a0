"""The news feed: what a member may read, pinned announcements first, then newest first, with
counts and the member's own answers, in a fixed number of queries whatever the page size.

Read-only: posts are read as plain rows (no ORM objects to build, track and expire), and the
counts come from the posts themselves (services/news/counts.py). The statements are built once
(per shape of reach) and bound to each request's values: building SQLAlchemy expressions and
their cache keys anew on every request was a quarter of the feed's time.
"""

from dataclasses import dataclass, field
from datetime import datetime
from functools import cache

from sqlalchemy import bindparam, func, or_, select, union

from models import (
    Comment,
    EventRsvp,
    Membership,
    PollOption,
    Post,
    PostKind,
    PostPhoto,
    Reaction,
    User,
    Visibility,
    Vote,
    db,
)
from models.base import utcnow
from services import scoping
from services.errors import NotFound
from services.pagination import DEFAULT_LIMIT, MAX_LIMIT, Page, decode_cursor, encode_cursor
from services.profiles import shown_name


@dataclass
class FeedItem:
    """A post as a member sees it: counts, their own answers, and poll results if shown."""

    id: int
    residence_id: int
    kind: PostKind
    title: str | None
    body: str
    scope: str
    urgent: bool
    visibility: Visibility
    published_at: datetime | None
    pinned_until: datetime | None
    edited_at: datetime | None
    starts_at: datetime | None
    ends_at: datetime | None
    place: str | None
    capacity: int | None
    closes_at: datetime | None
    results_after_close: bool
    author: dict
    comments: int
    reactions: int
    going: int
    my_reaction: str | None
    my_rsvp: str | None
    my_vote: int | None
    photos: list = field(default_factory=list)
    options: list = field(default_factory=list)
    results: dict[int, int] | None = None


SORT_KEYS = [Post.published_at, Post.id]
# The post's own columns a feed item shows, in FeedItem's order.
POST_COLUMNS = (
    Post.id,
    Post.residence_id,
    Post.kind,
    Post.title,
    Post.body,
    Post.scope,
    Post.urgent,
    Post.visibility,
    Post.published_at,
    Post.pinned_until,
    Post.edited_at,
    Post.starts_at,
    Post.ends_at,
    Post.place,
    Post.capacity,
    Post.closes_at,
    Post.results_after_close,
)

# The statements of a page's photos, poll options and votes, built once.
_POST_IDS = bindparam("post_ids", expanding=True)
PHOTOS = (
    select(PostPhoto.post_id, PostPhoto.id, PostPhoto.filename, PostPhoto.width, PostPhoto.height)
    .where(PostPhoto.post_id.in_(_POST_IDS))
    .order_by(PostPhoto.position)
)
OPTIONS = (
    select(PollOption.post_id, PollOption.id, PollOption.label)
    .where(PollOption.post_id.in_(_POST_IDS))
    .order_by(PollOption.position)
)
VOTES = (
    select(Vote.post_id, Vote.option_id, func.count())
    .where(Vote.post_id.in_(_POST_IDS))
    .group_by(Vote.post_id, Vote.option_id)
)


def feed(user: User, cursor: str | None, limit: int | None, now: datetime | None = None) -> Page:
    """Everything in reach: pinned announcements first (until their pin ends), then newest.

    One statement reads the page whatever its size: the newest posts of each source (a page
    and one more, the rest is for later pages), and on the first page the pinned ones, which
    are put first here; the newest are ordered and cut here too, by (published_at, id) as the
    cursor says. The statement is built once per shape of reach and page (first or later),
    then bound to this member's values."""
    now = now or utcnow()
    limit = min(limit or DEFAULT_LIMIT, MAX_LIMIT)
    reach = scoping.post_reach(user)
    parameters = {**reach.parameters, "now": now, "page_size": limit + 1}
    if cursor:
        parameters["before_published_at"], parameters["before_id"] = decode_cursor(
            cursor, SORT_KEYS
        )
    statement = _page_statement(reach.shape, first_page=cursor is None, after=bool(cursor))
    rows = db.session.execute(statement, parameters).all()
    rows.sort(key=_sort_key, reverse=True)
    pinned_rows = [row for row in rows if _pinned(row, now)]
    newest_rows = [row for row in rows if not _pinned(row, now)]
    next_cursor = None
    if len(newest_rows) > limit:
        newest_rows = newest_rows[:limit]
        next_cursor = encode_cursor(list(_sort_key(newest_rows[-1])))
    return Page(_feed_items(pinned_rows + newest_rows, now), next_cursor)


@cache
def _page_statement(shape: scoping.ReachShape, *, first_page: bool, after: bool):
    now = bindparam("now")
    not_pinned = or_(Post.pinned_until.is_(None), Post.pinned_until <= now)
    newest = scoping.visible_posts(shape, paginated=True, after=after, condition=not_pinned)
    shown = select(newest.c.id)
    if first_page:
        pinned = scoping.visible_posts(shape, condition=Post.pinned_until > now)
        shown = union(shown, select(pinned.c.id))
    return _items_query(shape).where(Post.id.in_(shown))


def get_post(user: User, post_id: int, now: datetime | None = None) -> FeedItem:
    now = now or utcnow()
    reach = scoping.post_reach(user)
    row = db.session.execute(
        _post_statement(reach.shape), {**reach.parameters, "post_id": post_id}
    ).first()
    if row is None:
        raise NotFound("This post does not exist or is out of reach.")
    return _feed_items([tuple(row)], now)[0]


@cache
def _post_statement(shape: scoping.ReachShape):
    visible = select(scoping.visible_posts(shape).c.id)
    post_id = bindparam("post_id")
    return _items_query(shape).where(Post.id == post_id, Post.id.in_(visible))


def scheduled_item(post: Post) -> FeedItem:
    """A staff announcement that waits for its time, as its author sees it: nothing yet."""
    return FeedItem(
        *(getattr(post, column.key) for column in POST_COLUMNS),
        author={"id": post.author.id, "display_name": post.author.display_name, "role": "staff"},
        comments=0,
        reactions=0,
        going=0,
        my_reaction=None,
        my_rsvp=None,
        my_vote=None,
        photos=list(post.photos),
        options=list(post.options),
    )


def visible_post(user: User, post_id: int) -> Post:
    post = db.session.scalar(
        select(Post).where(Post.id == post_id, scoping.visible_posts_clause(user, Post))
    )
    if post is None:
        raise NotFound("This post does not exist or is out of reach.")
    return post


def _sort_key(row) -> tuple:
    return row.published_at, row.id


def _pinned(row, now: datetime) -> bool:
    return row.pinned_until is not None and row.pinned_until > now


def _items_query(shape: scoping.ReachShape):
    """The feed items' columns, for the reader of PostReach.parameters."""
    reader = bindparam("reader_id")

    def mine(column, model):
        return (
            select(column)
            .where(model.post_id == Post.id, model.user_id == reader)
            .correlate(Post)
            .scalar_subquery()
        )

    role = (
        select(Membership.role)
        .where(Membership.user_id == Post.author_id, Membership.residence_id == Post.residence_id)
        .correlate(Post)
        .scalar_subquery()
    )
    comments = Post.comment_count
    if shape.blocked:
        # As the thread shows them: without those of a member blocked either way.
        comments = comments - (
            select(func.count())
            .where(
                Comment.post_id == Post.id,
                Comment.visibility == Visibility.VISIBLE,
                Comment.deleted_at.is_(None),
                Comment.author_id.in_(bindparam("reach_blocked", expanding=True)),
            )
            .correlate(Post)
            .scalar_subquery()
        )
    return select(
        *POST_COLUMNS,
        User.id,
        User.display_name,
        User.erased_at,
        func.coalesce(role, "staff"),
        comments,
        Post.reaction_count,
        Post.going_count,
        mine(Reaction.kind, Reaction),
        mine(EventRsvp.answer, EventRsvp),
        mine(Vote.option_id, Vote),
    ).join(User, User.id == Post.author_id)


def _feed_items(rows, now: datetime) -> list[FeedItem]:
    width = len(POST_COLUMNS)
    items = []
    for row in rows:
        author_id, display_name, erased_at, role, *answers = row[width:]
        items.append(
            FeedItem(
                *row[:width],
                {
                    "id": author_id,
                    "display_name": shown_name(display_name, erased_at),
                    "role": getattr(role, "value", role),
                },
                *answers,
            )
        )
    by_id = {item.id: item for item in items}
    if by_id:
        for photo in db.session.execute(PHOTOS, {"post_ids": list(by_id)}):
            by_id[photo.post_id].photos.append(photo)
    polls = [item.id for item in items if item.kind == PostKind.POLL]
    if polls:
        for option in db.session.execute(OPTIONS, {"post_ids": polls}):
            by_id[option.post_id].options.append(option)
    shown = [
        item.id
        for item in items
        if item.kind == PostKind.POLL
        and (item.closes_at <= now or (item.my_vote is not None and not item.results_after_close))
    ]
    counts: dict[int, dict[int, int]] = {}
    if shown:
        for post_id, option_id, votes in db.session.execute(VOTES, {"post_ids": shown}):
            counts.setdefault(post_id, {})[option_id] = votes
    for item in items:
        if item.id in shown:
            item.results = {
                option.id: counts.get(item.id, {}).get(option.id, 0) for option in item.options
            }
        item.my_rsvp = getattr(item.my_rsvp, "value", item.my_rsvp)
    return items
