"""Invite codes: how tenants join their residence without staff typing their names in.

A code is 12 characters of a 31-character alphabet: 31**12 ≈ 7.9e17 codes, 59.4 bits. Joining
is limited per account and per address (app/api/rate_limits.py): even 1,000 addresses trying
30 codes an hour for a year (2.6e8 tries) against 100,000 live codes find one with a chance of
about 3 in 100,000. Codes expire (INVITE_CODE_DAYS, 90 days by default) unless staff say
`never_expires`, and every refusal of a code answers the same, so that nobody learns whether a
code exists, expired, was withdrawn or is used up.
"""

import secrets
from datetime import date, datetime, timedelta

from flask import current_app
from sqlalchemy import select

from models import Building, InviteCode, Membership, MembershipRole, MembershipStatus, User, db
from models.base import utcnow
from notifications import outbox
from services import memberships, scoping
from services.errors import Conflict, Forbidden, field_error
from services.pagination import Page, paginate

# No 0/O, 1/I/L: codes are read aloud and typed by people who may not see well.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 12
UNUSABLE = "This code cannot be used. Check it, or ask your landlord for a new one."


def normalize_code(code: str) -> str:
    return "".join(ch for ch in code.upper() if ch.isalnum())


def create_invite_code(
    user: User,
    residence_id: int,
    building_id: int | None = None,
    expires_at: datetime | None = None,
    max_uses: int | None = None,
    never_expires: bool = False,
) -> InviteCode:
    """A new code; it expires after INVITE_CODE_DAYS unless it says when, or `never_expires`."""
    residence = scoping.get_managed_residence(user, residence_id)
    if building_id is not None and not db.session.scalar(
        select(Building.id).where(Building.id == building_id, Building.residence_id == residence.id)
    ):
        raise field_error("building_id", "This building is not part of the residence.")
    if expires_at is not None and expires_at <= utcnow():
        raise field_error("expires_at", "The expiry date is already past.")
    if never_expires and expires_at is not None:
        raise field_error("never_expires", "Choose an expiry date or none, not both.")
    if expires_at is None and not never_expires:
        expires_at = utcnow() + timedelta(days=current_app.config["INVITE_CODE_DAYS"])
    invite = InviteCode(
        code=_new_code(),
        residence=residence,
        building_id=building_id,
        created_by_id=user.id,
        expires_at=expires_at,
        max_uses=max_uses,
    )
    db.session.add(invite)
    db.session.flush()
    return invite


def list_invite_codes(user: User, residence_id: int, cursor: str | None, limit: int | None) -> Page:
    residence = scoping.get_managed_residence(user, residence_id)
    query = select(InviteCode).where(InviteCode.residence_id == residence.id)
    return paginate(query, [InviteCode.id], cursor, limit)


def revoke_invite_code(user: User, residence_id: int, invite_id: int) -> InviteCode:
    residence = scoping.get_managed_residence(user, residence_id)
    invite = scoping.get_in_residence(
        InviteCode, invite_id, residence, "This invite code does not exist."
    )
    if invite.revoked_at is None:
        invite.revoked_at = utcnow()
        db.session.flush()
    return invite


def last_valid_day(invite: InviteCode) -> date | None:
    """The last local day on which the code works, None if it never expires: a code that
    expires at midnight works until the end of the day before."""
    if invite.expires_at is None:
        return None
    local = invite.expires_at.astimezone(invite.residence.zone)
    return (local - timedelta(microseconds=1)).date()


def usable(invite: InviteCode, now: datetime | None = None) -> bool:
    """Whether the code still lets someone join: not withdrawn, expired nor used up."""
    now = now or utcnow()
    return not (
        invite.revoked_at is not None
        or (invite.expires_at is not None and invite.expires_at <= now)
        or (invite.max_uses is not None and invite.uses >= invite.max_uses)
    )


def join_with_code(user: User, code: str) -> Membership:
    """Make the user an active member of the code's residence (and building), as a resident:
    whoever left or was removed comes back without the role they had.

    The code row is locked so that its last use cannot be spent twice by simultaneous joins.
    """
    invite = db.session.scalar(
        select(InviteCode).where(InviteCode.code == normalize_code(code)).with_for_update()
    )
    _check_usable(invite)
    membership = db.session.scalar(
        select(Membership).where(
            Membership.user_id == user.id, Membership.residence_id == invite.residence_id
        )
    )
    if membership is not None and membership.status == MembershipStatus.ACTIVE:
        raise Conflict("You are already a member of this residence.")
    if membership is not None and membership.status == MembershipStatus.SUSPENDED:
        raise Forbidden("Your membership of this residence is suspended: contact your landlord.")
    if membership is None:
        membership = Membership(user=user, residence_id=invite.residence_id)
        db.session.add(membership)
    memberships.set_status(membership, MembershipStatus.ACTIVE, reason="invite_code")
    membership.role = MembershipRole.RESIDENT
    membership.building_id = invite.building_id
    membership.invite_code_id = invite.id
    membership.joined_at = utcnow()
    invite.uses += 1
    db.session.flush()
    outbox.enqueue(
        [user],
        "welcome",
        {"residence": invite.residence.name},
        key=f"welcome:{membership.id}:{membership.joined_at.isoformat()}",
        link=f"palier://residences/{invite.residence_id}",
    )
    db.session.flush()
    return membership


def _check_usable(invite: InviteCode | None) -> None:
    """One answer for every refusal: unknown, withdrawn, expired or used up."""
    if invite is None or not usable(invite):
        raise field_error("code", UNUSABLE)


def _new_code() -> str:
    while True:
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        if not db.session.scalar(select(InviteCode.id).where(InviteCode.code == code)):
            return code
