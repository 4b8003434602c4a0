"""What members do with news: comments, reactions, answers to events, votes, and reads (with
the reach that staff see).

Between two members who block one another, their posts, events and polls are out of reach
(404), and so nothing can be answered; the landlord's announcements and alerts stay in reach,
to be read but neither commented on nor reacted to (403, see services/blocks.py). Comments by
such a member are left out of threads, whoever wrote the post.
"""

from datetime import datetime

from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from models import (
    Comment,
    EventRsvp,
    Post,
    PostKind,
    PostRead,
    Reaction,
    Rsvp,
    TargetKind,
    User,
    Visibility,
    Vote,
    db,
)
from models.base import utcnow
from notifications import outbox
from services import blocks, scoping
from services.errors import Conflict, Forbidden, NotFound, field_error
from services.moderation import cases
from services.news.feed import visible_post
from services.pagination import Page, paginate


def list_comments(user: User, post_id: int, cursor, limit) -> Page:
    """Oldest first; deleted comments stay in their place, as tombstones (the API shows no
    text); hidden ones are left out, except the member's own."""
    post = visible_post(user, post_id)
    query = (
        select(Comment)
        .where(
            Comment.post_id == post.id,
            or_(Comment.visibility == Visibility.VISIBLE, Comment.author_id == user.id),
            Comment.author_id.not_in(scoping.blocked_either_way(user)),
        )
        .options(selectinload(Comment.author))
    )
    return paginate(query, [Comment.id], cursor, limit)


def add_comment(user: User, post_id: int, body: str) -> Comment:
    post = _answerable_post(user, post_id)
    comment = Comment(post_id=post.id, author=user, body=body.strip())
    db.session.add(comment)
    db.session.flush()
    held = cases.hold_if_filtered(TargetKind.COMMENT, comment, post.residence, user, comment.body)
    if post.author_id != user.id and not held:
        outbox.enqueue(
            [post.author],
            "comment",
            # Who commented, never what: the app fetches the comment.
            {"author": user.display_name},
            key=f"comment:{comment.id}",
            link=f"palier://posts/{post.id}",
        )
    db.session.flush()
    return comment


def edit_own_comment(
    user: User, comment_id: int, body: str, now: datetime | None = None
) -> Comment:
    """The author changes the text of a comment; marked edited when it changed."""
    comment = _own_comment(user, comment_id)
    body = body.strip()
    if body != comment.body:
        cases.refuse_changes_under_review(TargetKind.COMMENT, comment.id)
        comment.body = body
        comment.edited_at = now or utcnow()
        db.session.flush()
        residence = db.session.get(Post, comment.post_id).residence
        cases.hold_if_filtered(TargetKind.COMMENT, comment, residence, user, body)
    return comment


def delete_own_comment(user: User, comment_id: int) -> None:
    """The author deletes a comment: 404 if out of reach or already deleted, 403 if not theirs."""
    delete_comment(_own_comment(user, comment_id))


def delete_comment(comment: Comment, now: datetime | None = None) -> None:
    """Delete a comment, whoever asks (its author, or a moderator: the caller checks). It stays
    in the post's comments as a tombstone, and counts no more. 404 if already deleted."""
    if comment.deleted_at is not None:
        raise NotFound("This comment does not exist or is out of reach.")
    comment.deleted_at = now or utcnow()
    db.session.flush()


def _own_comment(user: User, comment_id: int) -> Comment:
    """A comment the user may read, not deleted, on a post the user may read (404 otherwise),
    that the user wrote (403 otherwise)."""
    comment = db.session.scalar(
        select(Comment)
        .join(Post, Post.id == Comment.post_id)
        .where(
            Comment.id == comment_id,
            Comment.deleted_at.is_(None),
            or_(Comment.visibility == Visibility.VISIBLE, Comment.author_id == user.id),
            scoping.visible_posts_clause(user, Post),
        )
    )
    if comment is None:
        raise NotFound("This comment does not exist or is out of reach.")
    if comment.author_id != user.id:
        raise Forbidden("Only the author of this comment can change it.")
    return comment


def react(user: User, post_id: int, kind: str | None) -> None:
    """Set, change (or with None, remove) the user's one reaction to a post."""
    post = visible_post(user, post_id) if kind is None else _answerable_post(user, post_id)
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
    return post.targeted_count, opened_counts([post.id]).get(post.id, 0)


def opened_counts(post_ids: list[int]) -> dict[int, int]:
    """How many members opened each of these posts (absent: none), in one query."""
    return dict(
        db.session.execute(
            select(PostRead.post_id, func.count())
            .where(PostRead.post_id.in_(post_ids))
            .group_by(PostRead.post_id)
        ).all()
    )


def _answerable_post(user: User, post_id: int) -> Post:
    """A post in reach (404 otherwise) whose author the user may answer (403 otherwise: only an
    announcement or an alert is in reach between members who block one another)."""
    post = visible_post(user, post_id)
    if post.kind in scoping.UNBLOCKABLE_POST_KINDS:  # any other post would be out of reach
        blocks.refuse_if_blocked(user, post.author_id)
    return post
