"""The news feed: what a member may read, pinned announcements first, then newest first, with
counts and the member's own answers, in a fixed number of queries whatever the page size."""

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, or_, select
from sqlalchemy.orm import contains_eager, selectinload

from models import (
    Comment,
    EventRsvp,
    Membership,
    Post,
    PostKind,
    Reaction,
    Rsvp,
    User,
    Visibility,
    Vote,
    db,
)
from models.base import utcnow
from services import scoping
from services.errors import NotFound
from services.pagination import DEFAULT_LIMIT, MAX_LIMIT, Page, decode_cursor, paginate
from services.profiles import public_name


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

    @property
    def author(self) -> dict:
        return {
            "id": self.post.author.id,
            "display_name": public_name(self.post.author),
            "role": self.author_role,
        }


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
            counted(
                Comment,
                Comment.visibility == Visibility.VISIBLE,
                Comment.deleted_at.is_(None),
                # As the thread shows them: without those of a member blocked either way.
                Comment.author_id.not_in(scoping.blocked_either_way(user)),
            ),
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
