"""What can be reported and moderated, found by kind and id: for the member who reports it (only
what they can see), and for moderators (anything of their residence, hidden content included)."""

from dataclasses import dataclass

from sqlalchemy import select

from models import (
    Comment,
    HelpExchange,
    LandlordStaff,
    Listing,
    Loan,
    Membership,
    MembershipRole,
    MembershipStatus,
    Message,
    ModerationCase,
    Post,
    Residence,
    TargetKind,
    User,
    Visibility,
    db,
)
from services import scoping
from services.errors import NotFound
from services.news import counts

NOT_FOUND = "This does not exist or is out of reach."


@dataclass
class Target:
    kind: TargetKind
    row: Post | Comment | Listing | Message | User
    residence_id: int
    author_id: int

    @property
    def is_content(self) -> bool:
        return self.kind != TargetKind.MEMBER

    @property
    def hidden(self) -> bool:
        return self.is_content and self.row.visibility == Visibility.HIDDEN

    @property
    def deleted(self) -> bool:
        return self.is_content and self.row.deleted_at is not None

    def set_visibility(self, visibility: Visibility) -> None:
        """Hide the content or show it again: the one way moderation does it, so that a
        comment's post keeps its count right."""
        if self.kind == TargetKind.COMMENT:
            counts.set_comment_visibility(self.row, visibility)
        else:
            self.row.visibility = visibility


def _thread_residence(message: Message) -> tuple[int, tuple[int, int]]:
    """The residence of a message's loan or exchange, and its two members."""
    if message.loan_id is not None:
        deal = db.session.get(Loan, message.loan_id)
        return deal.residence_id, (deal.owner_id, deal.borrower_id)
    deal = db.session.get(HelpExchange, message.exchange_id)
    return deal.residence_id, (deal.owner_id, deal.member_id)


def reported_target(user: User, kind: TargetKind, target_id: int) -> Target:
    """What `user` reports, as they can see it; 404 for anything out of their reach."""
    if kind == TargetKind.POST:
        post = db.session.scalar(
            select(Post).where(
                Post.id == target_id,
                Post.published_at.is_not(None),
                Post.deleted_at.is_(None),
                scoping.visible_posts_clause(user, Post),
            )
        )
        if post is not None:
            return Target(kind, post, post.residence_id, post.author_id)
    elif kind == TargetKind.COMMENT:
        comment = db.session.scalar(
            select(Comment)
            .join(Post, Post.id == Comment.post_id)
            .where(
                Comment.id == target_id,
                Comment.deleted_at.is_(None),
                scoping.visible_posts_clause(user, Post),
            )
        )
        if comment is not None and (
            comment.visibility == Visibility.VISIBLE or comment.author_id == user.id
        ):
            post = db.session.get(Post, comment.post_id)
            return Target(kind, comment, post.residence_id, comment.author_id)
    elif kind == TargetKind.LISTING:
        listing = db.session.scalar(
            select(Listing).where(
                Listing.id == target_id,
                Listing.deleted_at.is_(None),
                scoping.visible_content_clause(user, Listing, Listing.owner_id),
            )
        )
        if listing is not None:
            return Target(kind, listing, listing.residence_id, listing.owner_id)
    elif kind == TargetKind.MESSAGE:
        message = db.session.get(Message, target_id)
        if message is not None and message.deleted_at is None:
            residence_id, members = _thread_residence(message)
            # Private: only one of the thread's two members can bring it to moderators.
            if user.id in members:
                return Target(kind, message, residence_id, message.author_id)
    elif kind == TargetKind.MEMBER:
        residence_id = _shared_residence(user, target_id) or _staffed_residence(user, target_id)
        if residence_id is not None:
            return Target(kind, db.session.get(User, target_id), residence_id, target_id)
    raise NotFound(NOT_FOUND)


def _shared_residence(user: User, member_id: int) -> int | None:
    """A residence where the member is active and the reporter sees: their own first."""
    mine = select(Membership.residence_id).where(
        Membership.user_id == user.id, Membership.status == MembershipStatus.ACTIVE
    )
    return db.session.scalar(
        select(Membership.residence_id)
        .join(Residence, Residence.id == Membership.residence_id)
        .where(
            Membership.user_id == member_id,
            Membership.status == MembershipStatus.ACTIVE,
            scoping.visible_residences_clause(user),
        )
        .order_by(Membership.residence_id.in_(mine).desc(), Membership.residence_id)
        .limit(1)
    )


def _staffed_residence(user: User, staff_id: int) -> int | None:
    """For a report about the landlord's staff (reaching the platform's admins): one of the
    reporter's residences of a landlord the staff member works for."""
    return db.session.scalar(
        select(Membership.residence_id)
        .join(Residence, Residence.id == Membership.residence_id)
        .join(LandlordStaff, LandlordStaff.landlord_id == Residence.landlord_id)
        .where(
            Membership.user_id == user.id,
            Membership.status == MembershipStatus.ACTIVE,
            LandlordStaff.user_id == staff_id,
            LandlordStaff.active.is_(True),
        )
        .order_by(Membership.residence_id)
        .limit(1)
    )


def moderated_target(residence: Residence, kind: TargetKind, target_id: int) -> Target:
    """A target that belongs to the residence, whatever its state; 404 otherwise."""
    target = None
    if kind == TargetKind.POST:
        post = db.session.get(Post, target_id)
        if post is not None:
            target = Target(kind, post, post.residence_id, post.author_id)
    elif kind == TargetKind.COMMENT:
        comment = db.session.get(Comment, target_id)
        if comment is not None:
            post = db.session.get(Post, comment.post_id)
            target = Target(kind, comment, post.residence_id, comment.author_id)
    elif kind == TargetKind.LISTING:
        listing = db.session.get(Listing, target_id)
        if listing is not None:
            target = Target(kind, listing, listing.residence_id, listing.owner_id)
    elif kind == TargetKind.MESSAGE:
        message = db.session.get(Message, target_id)
        # Private: moderators see a message only once one of its thread's members reported it.
        if message is not None and _was_reported(kind, message.id):
            target = Target(kind, message, _thread_residence(message)[0], message.author_id)
    elif kind == TargetKind.MEMBER:
        member = db.session.get(User, target_id)
        if member is not None and (
            _has_membership(member.id, residence.id) or _staffs(member.id, residence)
        ):
            target = Target(kind, member, residence.id, member.id)
    if target is None or target.residence_id != residence.id:
        raise NotFound(NOT_FOUND)
    return target


def _was_reported(kind: TargetKind, target_id: int) -> bool:
    return bool(
        db.session.scalar(
            select(ModerationCase.id)
            .where(ModerationCase.target_kind == kind, ModerationCase.target_id == target_id)
            .limit(1)
        )
    )


def _staffs(user_id: int, residence: Residence) -> bool:
    """Works for the residence's landlord."""
    return bool(
        db.session.scalar(
            select(LandlordStaff.id).where(
                LandlordStaff.user_id == user_id,
                LandlordStaff.landlord_id == residence.landlord_id,
                LandlordStaff.active.is_(True),
            )
        )
    )


def _has_membership(user_id: int, residence_id: int) -> bool:
    return bool(
        db.session.scalar(
            select(Membership.id).where(
                Membership.user_id == user_id, Membership.residence_id == residence_id
            )
        )
    )


def is_staff(user_id: int) -> bool:
    """Staff of any landlord or residence, or a platform admin: a suspension or a warning
    reaches every residence, so only the platform's admins act on them."""
    landlord_staff = (
        select(LandlordStaff.id)
        .where(LandlordStaff.user_id == user_id, LandlordStaff.active.is_(True))
        .exists()
    )
    admin = select(User.id).where(User.id == user_id, User.is_platform_admin.is_(True)).exists()
    return bool(
        db.session.scalar(select(landlord_staff | admin | _holds(user_id, MembershipRole.STAFF)))
    )


def is_solidaire(user_id: int) -> bool:
    """A solidaire of any residence: solidaires do not act on one another, anywhere."""
    return bool(db.session.scalar(select(_holds(user_id, MembershipRole.SOLIDAIRE))))


def _holds(user_id: int, role: MembershipRole):
    return (
        select(Membership.id)
        .where(
            Membership.user_id == user_id,
            Membership.role == role,
            Membership.status == MembershipStatus.ACTIVE,
        )
        .exists()
    )


def content_text(target: Target) -> tuple[str | None, str | None]:
    """The title and text moderators read (None once deleted)."""
    row = target.row
    if not target.is_content or target.deleted:
        return None, None
    if target.kind == TargetKind.POST:
        return row.title, row.body
    if target.kind == TargetKind.LISTING:
        return row.title, row.description
    return None, row.body
