"""Members block other members: neither sees the other's content, and neither can message,
lend to, borrow from or answer the other. The blocked member is not told: the blocker's
content simply leaves their reach, and a refused action says the same thing both ways.

Reads leave such members out through `scoping.blocked_either_way` (one subquery in the same
statement); actions on what both still share (a loan, an exchange, a staff announcement) go
through `refuse_if_blocked`. Ending what was under way stays possible, so that nobody is
trapped: declining, cancelling, marking an object returned, completing an exchange.

The landlord's announcements and alerts are not members' content: a block never hides them,
so that a resident who blocked the gardien still learns that the water is cut tomorrow. They
can no longer be answered (commented on, reacted to) between the two, though.
"""

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from models import Block, LandlordStaff, Residence, User, db
from services import profiles, scoping
from services.errors import Forbidden, NotFound, field_error
from services.pagination import Page, paginate


def is_blocked(user: User, other_id: int) -> bool:
    """Whether `user` blocks the member `other_id`, or is blocked by them."""
    return bool(
        db.session.scalar(
            select(
                select(Block.blocker_id)
                .where(
                    ((Block.blocker_id == user.id) & (Block.blocked_id == other_id))
                    | ((Block.blocker_id == other_id) & (Block.blocked_id == user.id))
                )
                .exists()
            )
        )
    )


def refuse_if_blocked(user: User, other_id: int) -> None:
    """403 if either of the two blocks the other, with a message that is the same both ways:
    it never says who blocked whom."""
    if other_id != user.id and is_blocked(user, other_id):
        raise Forbidden("You cannot contact this member.")


def list_blocks(user: User, cursor: str | None, limit: int | None) -> Page:
    """The members this user blocks, newest block first."""
    query = select(Block).where(Block.blocker_id == user.id).options(selectinload(Block.blocked))
    return paginate(query, [Block.created_at, Block.blocked_id], cursor, limit, descending=True)


def block_member(user: User, user_id: int) -> Block:
    """Block a member this user can see (as `GET /members/{id}` finds them, or the staff of a
    landlord of one of their residences); blocking again changes nothing."""
    if user_id == user.id:
        raise field_error("user_id", "You cannot block yourself.")
    other = _blockable(user, user_id)
    block = db.session.get(Block, (user.id, other.id))
    if block is not None:
        return block
    try:
        with db.session.begin_nested():
            block = Block(blocker_id=user.id, blocked=other)
            db.session.add(block)
    except IntegrityError:  # the same block, asked twice at once
        block = db.session.get(Block, (user.id, other.id))
    return block


def unblock_member(user: User, user_id: int) -> None:
    block = db.session.get(Block, (user.id, user_id))
    if block is None:
        raise NotFound("You do not block this member.")
    db.session.delete(block)
    db.session.flush()


def _blockable(user: User, user_id: int) -> User:
    """A neighbour, blocked or not (blocking back must not reveal who blocked first), or the
    staff of a landlord whose residences this user sees: their names are in the feed."""
    staff = db.session.scalar(
        select(User).where(
            User.id == user_id,
            User.id.in_(
                select(LandlordStaff.user_id)
                .join(Residence, Residence.landlord_id == LandlordStaff.landlord_id)
                .where(LandlordStaff.active.is_(True), scoping.visible_residences_clause(user))
            ),
        )
    )
    return staff or profiles.neighbour(user, user_id, despite_blocks=True)
