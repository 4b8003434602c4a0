"""Moderation: members' reports grouped into cases, blocks between members, suspensions, the
landlords' word filters, and the audit log that nobody can rewrite."""

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import JSONDocument, UTCDateTime, db, enum_column, utcnow


class TargetKind(enum.StrEnum):
    """What a report, a case or an audit entry is about."""

    POST = "post"
    COMMENT = "comment"
    LISTING = "listing"
    MESSAGE = "message"
    MEMBER = "member"


class ReportReason(enum.StrEnum):
    SPAM = "spam"
    HARASSMENT = "harassment"
    DISCRIMINATION = "discrimination"
    DANGEROUS = "dangerous"
    SCAM = "scam"
    PRIVATE_INFORMATION = "private_information"
    OTHER = "other"


class CaseOutcome(enum.StrEnum):
    """How moderators closed a case."""

    DISMISSED = "dismissed"
    HIDDEN = "hidden"
    RESTORED = "restored"
    DELETED = "deleted"
    WARNED = "warned"
    SUSPENDED = "suspended"
    REMOVED = "removed"


class AuditAction(enum.StrEnum):
    DISMISS = "dismiss"
    HIDE = "hide"
    RESTORE = "restore"
    DELETE = "delete"
    WARN = "warn"
    SUSPEND = "suspend"
    LIFT_SUSPENSION = "lift_suspension"
    REMOVE_MEMBER = "remove_member"
    # Written by the platform itself (no actor): reports reached the residence's threshold, or
    # the landlord's word filter held content back.
    AUTO_HIDE = "auto_hide"
    HOLD = "hold"
    ROLE_CHANGE = "role_change"
    MEMBERSHIP_CHANGE = "membership_change"


class ModerationCase(db.Model):
    """Everything reported about one target while it waits for a moderator: the queue's row.

    At most one open case per target (a partial unique index): concurrent first reports meet on
    it, and the row lock on it makes the auto-hide happen once.
    """

    __tablename__ = "moderation_cases"
    __table_args__ = (
        sa.Index(
            "ix_moderation_cases_open_target",
            "target_kind",
            "target_id",
            unique=True,
            postgresql_where=sa.text("closed_at IS NULL"),
            sqlite_where=sa.text("closed_at IS NULL"),
        ),
        sa.Index("ix_moderation_cases_queue", "residence_id", "closed_at", "opened_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    residence_id: Mapped[int] = mapped_column(
        sa.ForeignKey("residences.id", ondelete="CASCADE"), index=True
    )
    target_kind: Mapped[TargetKind] = mapped_column(enum_column(TargetKind, name="case_target"))
    target_id: Mapped[int]
    # The member the case is about: the author of the content, or the reported member.
    subject_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    # About a staff member: handled by the platform's admins, not by the staff's colleagues.
    escalated: Mapped[bool] = mapped_column(default=False)
    # Held back by the landlord's word filter rather than reported by members.
    held: Mapped[bool] = mapped_column(default=False)
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    auto_hidden_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    outcome: Mapped[CaseOutcome | None] = mapped_column(enum_column(CaseOutcome, name="outcome"))

    reports = relationship("Report", back_populates="case", order_by="Report.id")
    subject = relationship("User", foreign_keys=[subject_id])


class Report(db.Model):
    """A member's report (signalement) of content or of another member."""

    __tablename__ = "reports"
    __table_args__ = (
        # One open report per member per target: a case is open once per target.
        sa.UniqueConstraint("case_id", "reporter_id"),
        sa.CheckConstraint("reason <> 'other' OR length(text) > 0", name="other_explained"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(
        sa.ForeignKey("moderation_cases.id", ondelete="CASCADE"), index=True
    )
    reporter_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    reason: Mapped[ReportReason] = mapped_column(enum_column(ReportReason, name="report_reason"))
    text: Mapped[str] = mapped_column(sa.String(500), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    case = relationship("ModerationCase", back_populates="reports")
    reporter = relationship("User")


class Block(db.Model):
    """One member blocks another: neither sees nor reaches the other; the blocked is not told."""

    __tablename__ = "blocks"
    __table_args__ = (sa.CheckConstraint("blocker_id <> blocked_id", name="not_self"),)

    blocker_id: Mapped[int] = mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    blocked_id: Mapped[int] = mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    blocked = relationship("User", foreign_keys=[blocked_id])


class Suspension(db.Model):
    """A member may read but not write until `ends_at`, unless lifted sooner."""

    __tablename__ = "suspensions"
    __table_args__ = (sa.CheckConstraint("ends_at > starts_at", name="ordered"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    residence_id: Mapped[int] = mapped_column(sa.ForeignKey("residences.id", ondelete="CASCADE"))
    suspended_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    lifted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class FilteredWord(db.Model):
    """A word or phrase of a landlord's filter, stored folded (see services/moderation/words.py)."""

    __tablename__ = "filtered_words"
    __table_args__ = (sa.UniqueConstraint("landlord_id", "language", "folded"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    landlord_id: Mapped[int] = mapped_column(
        sa.ForeignKey("landlords.id", ondelete="CASCADE"), index=True
    )
    language: Mapped[str] = mapped_column(sa.String(2))
    word: Mapped[str] = mapped_column(sa.String(100))
    folded: Mapped[str] = mapped_column(sa.String(100))


class AuditEntry(db.Model):
    """Who did what to whom, when and why. Append-only: the database refuses UPDATE and DELETE
    on this table, whatever code path tries: triggers made by the migration 2c47bf9ab89e."""

    __tablename__ = "audit_entries"
    __table_args__ = (sa.Index("ix_audit_entries_residence", "residence_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # No ON DELETE action: a residence or a member with an audit trail cannot be deleted away.
    residence_id: Mapped[int | None] = mapped_column(sa.ForeignKey("residences.id"))
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    action: Mapped[AuditAction] = mapped_column(enum_column(AuditAction, name="audit_action"))
    target_kind: Mapped[TargetKind | None] = mapped_column(
        enum_column(TargetKind, name="audit_target")
    )
    target_id: Mapped[int | None]
    subject_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), index=True)
    reason: Mapped[str] = mapped_column(sa.Text)
    details: Mapped[dict] = mapped_column(JSONDocument, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    actor = relationship("User", foreign_keys=[actor_id])
    subject = relationship("User", foreign_keys=[subject_id])
