"""Invite codes: how tenants join their residence without staff typing their names in."""

import secrets
from datetime import datetime

from sqlalchemy import select

from models import Building, InviteCode, Membership, MembershipStatus, User, db
from models.base import utcnow
from notifications import outbox
from services import scoping
from services.errors import Conflict, Forbidden, field_error
from services.pagination import Page, paginate

# No 0/O, 1/I/L: codes are read aloud and typed by people who may not see well.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 8


def normalize_code(code: str) -> str:
    return "".join(ch for ch in code.upper() if ch.isalnum())


def create_invite_code(
    user: User,
    residence_id: int,
    building_id: int | None = None,
    expires_at: datetime | None = None,
    max_uses: int | None = None,
) -> InviteCode:
    residence = scoping.get_managed_residence(user, residence_id)
    if building_id is not None and not db.session.scalar(
        select(Building.id).where(Building.id == building_id, Building.residence_id == residence.id)
    ):
        raise field_error("building_id", "This building is not part of the residence.")
    if expires_at is not None and expires_at <= utcnow():
        raise field_error("expires_at", "The expiry date is already past.")
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


def join_with_code(user: User, code: str) -> Membership:
    """Make the user an active member of the code's residence (and building).

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
    membership.status = MembershipStatus.ACTIVE
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
    if invite is None:
        raise field_error("code", "This code does not exist. Check it with whoever gave it to you.")
    if invite.revoked_at is not None:
        raise field_error("code", "This code has been withdrawn. Ask your landlord for a new one.")
    if invite.expires_at is not None and invite.expires_at <= utcnow():
        raise field_error("code", "This code has expired. Ask your landlord for a new one.")
    if invite.max_uses is not None and invite.uses >= invite.max_uses:
        raise field_error("code", "This code has already been used as many times as allowed.")


def _new_code() -> str:
    while True:
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        if not db.session.scalar(select(InviteCode.id).where(InviteCode.code == code)):
            return code
