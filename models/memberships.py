import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Timestamped, UTCDateTime, db, enum_column, utcnow


class MembershipRole(enum.StrEnum):
    RESIDENT = "resident"
    SOLIDAIRE = "solidaire"
    STAFF = "staff"


class MembershipStatus(enum.StrEnum):
    PENDING = "pending"
    ACTIVE = "active"
    SUSPENDED = "suspended"
    LEFT = "left"


class Membership(Timestamped, db.Model):
    """A user's place in a residence (and building): their role and whether it is active."""

    __tablename__ = "memberships"
    __table_args__ = (sa.UniqueConstraint("user_id", "residence_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="RESTRICT"), index=True)
    residence_id: Mapped[int] = mapped_column(
        sa.ForeignKey("residences.id", ondelete="CASCADE"), index=True
    )
    building_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("buildings.id", ondelete="SET NULL"), index=True
    )
    role: Mapped[MembershipRole] = mapped_column(
        enum_column(MembershipRole, name="membership_role"), default=MembershipRole.RESIDENT
    )
    status: Mapped[MembershipStatus] = mapped_column(
        enum_column(MembershipStatus, name="membership_status"), default=MembershipStatus.ACTIVE
    )
    invite_code_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("invite_codes.id", ondelete="SET NULL")
    )
    joined_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user = relationship("User", back_populates="memberships")
    residence = relationship("Residence")
    building = relationship("Building")


class MembershipChange(enum.StrEnum):
    JOINED = "joined"
    LEFT = "left"


class MembershipEvent(db.Model):
    """A member joined or left a residence, when and why: the history behind the monthly
    reports' members (a membership row only holds its present state)."""

    __tablename__ = "membership_events"
    __table_args__ = (sa.Index("ix_membership_events_residence_at", "residence_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    residence_id: Mapped[int] = mapped_column(sa.ForeignKey("residences.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="RESTRICT"), index=True)
    change: Mapped[MembershipChange] = mapped_column(
        enum_column(MembershipChange, name="membership_change")
    )
    # joined: invite_code, approved, reinstated; left: removed, moderation, left.
    reason: Mapped[str] = mapped_column(sa.String(30))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class InviteCode(db.Model):
    """A code that staff hand out so that tenants join their residence (or building)."""

    __tablename__ = "invite_codes"
    __table_args__ = (
        sa.CheckConstraint("uses >= 0", name="uses_not_negative"),
        sa.CheckConstraint("max_uses IS NULL OR uses <= max_uses", name="uses_within_max"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(16), unique=True)
    residence_id: Mapped[int] = mapped_column(
        sa.ForeignKey("residences.id", ondelete="CASCADE"), index=True
    )
    building_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("buildings.id", ondelete="CASCADE")
    )
    created_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    max_uses: Mapped[int | None]
    uses: Mapped[int] = mapped_column(default=0)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    residence = relationship("Residence")
    building = relationship("Building")
