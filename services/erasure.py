"""Erasure of a member's account at their request (RGPD article 17), in one unit of work.

The user row is not deleted: it is emptied of everything personal and marked `erased_at`, so
that what neighbours and the landlord still need keeps a (now anonymous) author, and no foreign
key to `users` ever cascades through their history or the monthly figures:
- kept, anonymous: posts, comments, reactions, votes, event answers, listings (closed), loans,
  help exchanges, thank-yous, bookings, reports made, membership history, notifications (their
  texts emptied), moderation cases and the audit log; API answers name the author "Former
  neighbour" in the reader's language (services/profiles.public_name);
- emptied: the thread messages they wrote ("message deleted" for the other side), the notes of
  their loan requests and answers;
- removed: sessions (revoked), phones, notification settings, calendar addresses, e-mailed
  account links, blocks either way, photos of their listings and posts (files included), their
  export archives;
- cancelled: their bookings still to come (a room freed harms nobody), their listings closed.

Loans in progress and help exchanges not ended must be closed first, on either side: they
involve a neighbour who must be able to finish them with someone, so the answer is 409 naming
them rather than a silent cancellation.

The same erasure ends accounts whose address was never confirmed (`purge_unconfirmed_accounts`,
a retention job); only an account that never joined anything is deleted outright.
"""

from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import delete, func, or_, select, update

from models import (
    AccountLink,
    ApiToken,
    AuditAction,
    Block,
    Booking,
    BookingStatus,
    CalendarFeed,
    Device,
    ExchangeStatus,
    HelpExchange,
    LandlordStaff,
    Listing,
    ListingStatus,
    Loan,
    LoanStatus,
    Membership,
    MembershipEvent,
    MembershipStatus,
    Message,
    Notification,
    NotificationPreferences,
    NotificationStatus,
    Post,
    TargetKind,
    User,
    db,
)
from models.base import utcnow
from services import accounts, exports, photos, retention
from services.errors import Conflict
from services.memberships import set_status
from services.moderation import audit

LOANS_IN_PROGRESS = (LoanStatus.REQUESTED, LoanStatus.ACCEPTED, LoanStatus.HANDED_OVER)
EXCHANGES_IN_PROGRESS = (ExchangeStatus.PROPOSED, ExchangeStatus.ACCEPTED)
BOOKINGS_HELD = (BookingStatus.PENDING, BookingStatus.CONFIRMED)
# The audit entry's reason; the member's own words are not asked for.
REASON = "Account erased at the member's request (GDPR article 17)."
UNCONFIRMED_REASON = "Account erased: its e-mail address was never confirmed."


def erased_email(user_id: int) -> str:
    """A unique address nobody can receive mail at (`.invalid` is reserved, RFC 2606)."""
    return f"erased-{user_id}@erased.invalid"


def open_deals(user: User) -> list[dict]:
    """The loans and help exchanges, on either side, that must be closed before erasure."""
    loans = db.session.execute(
        select(Loan.id, Loan.status)
        .where(
            or_(Loan.owner_id == user.id, Loan.borrower_id == user.id),
            Loan.status.in_(LOANS_IN_PROGRESS),
        )
        .order_by(Loan.id)
    )
    exchanges = db.session.execute(
        select(HelpExchange.id, HelpExchange.status)
        .where(
            or_(HelpExchange.owner_id == user.id, HelpExchange.member_id == user.id),
            HelpExchange.status.in_(EXCHANGES_IN_PROGRESS),
        )
        .order_by(HelpExchange.id)
    )
    return [{"kind": "loan", "id": id_, "status": status.value} for id_, status in loans] + [
        {"kind": "exchange", "id": id_, "status": status.value} for id_, status in exchanges
    ]


def erase_account(user: User, password: str, now: datetime | None = None) -> None:
    """Erase the member's account, given their password; 409 naming the loans and exchanges
    still in progress, 422 on `password` when it is wrong. Every session ends."""
    now = now or utcnow()
    accounts.check_current_password(user, password, field="password")
    # One erasure at a time per member, and no sign-in slips between the check and the end.
    db.session.execute(select(User.id).where(User.id == user.id).with_for_update())
    deals = open_deals(user)
    if deals:
        raise Conflict(
            "Close your loans and help exchanges in progress first: %(count)s left.",
            count=len(deals),
            extra={"open_deals": deals},
        )
    erase(user, now, actor=user, reason=REASON)


def erase(user: User, now: datetime, *, actor: User | None, reason: str) -> None:
    """Empty the account (the caller checked there is no deal in progress); `actor` None is
    the platform itself (the purge of accounts never confirmed)."""
    _cancel_future_bookings(user, now)
    _close_listings_and_drop_photos(user)
    _empty_private_texts(user, now)
    _leave_everywhere(user, actor, reason)
    _forget_devices_and_settings(user, now)
    _empty_notifications(user)
    exports.drop_all(user)
    user.email = erased_email(user.id)
    user.password_hash = ""
    user.display_name = ""
    user.avatar_url = None
    user.is_platform_admin = False
    user.erased_at = now
    db.session.flush()


def _cancel_future_bookings(user: User, now: datetime) -> None:
    # Past the members' cancellation deadline too: nobody will come, better free the room.
    db.session.execute(
        update(Booking)
        .where(
            Booking.member_id == user.id,
            Booking.status.in_(BOOKINGS_HELD),
            Booking.starts_at > now,
        )
        .values(status=BookingStatus.CANCELLED, status_changed_at=now)
    )


def _close_listings_and_drop_photos(user: User) -> None:
    for listing in db.session.scalars(select(Listing).where(Listing.owner_id == user.id)):
        if listing.status != ListingStatus.CLOSED:
            listing.status = ListingStatus.CLOSED
        photos.drop_photos(listing.photos)
    for post in db.session.scalars(select(Post).where(Post.author_id == user.id)):
        photos.drop_photos(post.photos)


def _empty_private_texts(user: User, now: datetime) -> None:
    """Their thread messages become tombstones ("message deleted"), texts gone."""
    db.session.execute(
        update(Message)
        .where(Message.author_id == user.id)
        .values(body="", deleted_at=func.coalesce(Message.deleted_at, now))
    )
    db.session.execute(update(Loan).where(Loan.borrower_id == user.id).values(message=""))
    db.session.execute(
        update(HelpExchange).where(HelpExchange.member_id == user.id).values(message="")
    )


def _leave_everywhere(user: User, actor: User | None, reason: str) -> None:
    """Every membership ends (a `left` event for the reports), with an entry in each
    residence's audit log; landlord-wide staff rights end too."""
    memberships = db.session.scalars(
        select(Membership).where(
            Membership.user_id == user.id, Membership.status != MembershipStatus.LEFT
        )
    )
    for membership in memberships:
        before = membership.status
        set_status(membership, MembershipStatus.LEFT, reason="erased")
        audit.record(
            AuditAction.MEMBERSHIP_CHANGE,
            actor=actor,
            residence_id=membership.residence_id,
            reason=reason,
            target_kind=TargetKind.MEMBER,
            target_id=user.id,
            subject_id=user.id,
            details={"status": {"from": before.value, "to": "left"}, "erased": True},
        )
    db.session.execute(
        update(LandlordStaff).where(LandlordStaff.user_id == user.id).values(active=False)
    )


def _forget_devices_and_settings(user: User, now: datetime) -> None:
    db.session.execute(
        update(ApiToken)
        .where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
        .values(revoked_at=now)
    )
    db.session.execute(delete(Device).where(Device.user_id == user.id))
    db.session.execute(
        delete(NotificationPreferences).where(NotificationPreferences.user_id == user.id)
    )
    db.session.execute(delete(CalendarFeed).where(CalendarFeed.user_id == user.id))
    # The e-mailed links hold the addresses they were sent to.
    db.session.execute(delete(AccountLink).where(AccountLink.user_id == user.id))
    db.session.execute(
        delete(Block).where(or_(Block.blocker_id == user.id, Block.blocked_id == user.id))
    )


def _empty_notifications(user: User) -> None:
    """The rows stay (the monthly reports count notifications sent), their texts go; none
    waiting is sent any more."""
    db.session.execute(
        update(Notification)
        .where(Notification.recipient_id == user.id)
        .values(payload={}, last_error=None)
    )
    db.session.execute(
        update(Notification)
        .where(
            Notification.recipient_id == user.id,
            Notification.status == NotificationStatus.PENDING,
        )
        .values(status=NotificationStatus.DROPPED)
    )


def purge_unconfirmed_accounts(now: datetime | None = None) -> int:
    """Accounts whose address was never confirmed, RETENTION_DAYS["unconfirmed_accounts"]
    after registration (never before the grace period ends): one that never joined anything is
    deleted with its sessions and links; one that did is erased like any account, unless a
    loan or exchange is still in progress (it is then looked at again at the next run). A
    batch; returns how many accounts it removed or erased."""
    now = now or utcnow()
    grace = timedelta(days=current_app.config["EMAIL_VERIFICATION_GRACE_DAYS"])
    registered_before = now - max(retention.period("unconfirmed_accounts"), grace)
    candidates = db.session.scalars(
        select(User)
        .where(
            User.email_verified_at.is_(None),
            User.erased_at.is_(None),
            User.created_at < registered_before,
        )
        .order_by(User.id)
        .limit(retention.BATCH)
        .with_for_update(skip_locked=True)
    ).all()
    done = 0
    for user in candidates:
        if open_deals(user):
            continue
        if _never_joined(user):
            db.session.delete(user)
        else:
            erase(user, now, actor=None, reason=UNCONFIRMED_REASON)
        done += 1
    db.session.flush()
    return done


def _never_joined(user: User) -> bool:
    """Whether the account has no history the residences keep: never a member, never staff
    (what cascades with it then is its own: sessions, phones, links, settings)."""
    history = (
        select(MembershipEvent.id).where(MembershipEvent.user_id == user.id).exists(),
        select(Membership.id).where(Membership.user_id == user.id).exists(),
        select(LandlordStaff.id).where(LandlordStaff.user_id == user.id).exists(),
    )
    return not any(db.session.scalar(select(clause)) for clause in history)
