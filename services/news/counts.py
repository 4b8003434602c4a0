"""The counts every post shows (comments, reactions, members going), kept on the post in the
same transaction as the rows they count, so that reading a page of the feed counts nothing.

- `comment_count`: the post's comments that are visible and not deleted, whoever wrote them;
  a reader who blocks (or is blocked by) a commenter sees that member's comments taken off
  (services/news/feed.py), as the thread leaves them out;
- `reaction_count`: the post's reactions;
- `going_count`: the members who answered `going` to the event.

Every write of a counted row, or of what makes it counted, goes through one function here.
Each count moves in one statement, `n = n + delta`, never read then written: two members
commenting at once both count, the row lock the UPDATE takes putting one after the other.
"""

from datetime import datetime

from sqlalchemy import delete, insert, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.util import identity_key

from models import Comment, EventRsvp, Post, Reaction, Rsvp, Visibility, db


def add_comment(comment: Comment) -> None:
    """A new comment, already added to the session."""
    db.session.flush()
    _move(comment.post_id, Post.comment_count, _counted(comment))


def set_comment_visibility(comment: Comment, visibility: Visibility) -> None:
    """Hide a comment or show it again (moderation, the word filter)."""
    was_counted = _counted(_locked(comment))
    comment.visibility = visibility
    _move(comment.post_id, Post.comment_count, _counted(comment) - was_counted)


def delete_comment(comment: Comment, now: datetime) -> bool:
    """Make a comment a tombstone, which counts no more; False if it was deleted already."""
    if _locked(comment).deleted_at is not None:
        return False
    was_counted = _counted(comment)
    comment.deleted_at = now
    _move(comment.post_id, Post.comment_count, -was_counted)
    return True


def set_reaction(post_id: int, user_id: int, kind: str | None) -> None:
    """Set, change or (with None) remove a member's one reaction to a post."""
    mine = (Reaction.post_id == post_id, Reaction.user_id == user_id)
    if kind is None:
        removed = db.session.execute(delete(Reaction).where(*mine)).rowcount
        _move(post_id, Post.reaction_count, -removed)
        return
    changed = db.session.execute(update(Reaction).where(*mine).values(kind=kind)).rowcount
    if changed:
        return
    try:
        with db.session.begin_nested():
            db.session.execute(insert(Reaction).values(post_id=post_id, user_id=user_id, kind=kind))
    except IntegrityError:  # the same member's reaction, given at the same time: change it
        db.session.execute(update(Reaction).where(*mine).values(kind=kind))
    else:
        _move(post_id, Post.reaction_count, 1)


def set_answer(rsvp: EventRsvp | None, post_id: int, user_id: int, answer: Rsvp) -> None:
    """Record a member's answer to an event (`rsvp`: their answer so far, read while holding
    the event's row lock, which puts the answers to one event one after the other)."""
    was_going = rsvp is not None and rsvp.answer == Rsvp.GOING
    if rsvp is None:
        db.session.add(EventRsvp(post_id=post_id, user_id=user_id, answer=answer))
    else:
        rsvp.answer = answer
    _move(post_id, Post.going_count, (answer == Rsvp.GOING) - was_going)
    db.session.flush()


def _locked(comment: Comment) -> Comment:
    """The comment as it is now, locked until the end of the transaction, so that two changes
    of the same comment (its author deleting it while a moderator hides it) count once."""
    db.session.flush()
    db.session.refresh(comment, with_for_update=True)
    return comment


def _counted(comment: Comment) -> bool:
    return comment.visibility == Visibility.VISIBLE and comment.deleted_at is None


def _move(post_id: int, column, delta: int) -> None:
    if not delta:
        return
    db.session.execute(
        update(Post.__table__)
        .where(Post.id == post_id)
        # A count moving is no change of the post: its updated_at stays.
        .values({column.key: column + int(delta), "updated_at": Post.updated_at})
    )
    # A Post already loaded in this session would show its count from before: read it again.
    post = db.session.identity_map.get(identity_key(Post, post_id))
    if post is not None:
        db.session.expire(post, [column.key])
