import enum
from datetime import datetime

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Timestamped, UTCDateTime, db, enum_column, utcnow

LOCALES = ("fr", "en")


def normalize_email(email: str) -> str:
    """An address as stored: trimmed and lower-cased, so that uniqueness ignores case."""
    return email.strip().lower()


class User(UserMixin, Timestamped, db.Model):
    """A person with an account: resident, volunteer or landlord staff."""

    __tablename__ = "users"
    __table_args__ = (
        # E-mails are stored lower-cased, so the unique constraint is case-insensitive.
        sa.CheckConstraint("email = lower(email)", name="email_lowercase"),
        sa.CheckConstraint("locale IN ('fr', 'en')", name="locale_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    display_name: Mapped[str] = mapped_column(sa.String(80))
    locale: Mapped[str] = mapped_column(sa.String(2), default="fr")
    avatar_url: Mapped[str | None] = mapped_column(sa.String(500))
    is_platform_admin: Mapped[bool] = mapped_column(default=False)
    # When the member opened the link sent to `email`; None until then (a grace period runs
    # from `created_at`, services/email_verification.py).
    email_verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # When the one reminder to confirm the address was sent.
    verification_reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Set when the member erased their account (services/erasure.py): the row stays, emptied of
    # everything personal, so that what neighbours and the monthly reports need keeps its author.
    erased_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    memberships = relationship("Membership", back_populates="user")


class ApiToken(db.Model):
    """A bearer token of one device; only its SHA-256 is stored."""

    __tablename__ = "api_tokens"
    __table_args__ = (
        # One live token per device of a user; revoked ones stay for the record.
        sa.Index(
            "uq_api_tokens_live_device",
            "user_id",
            "device_name",
            unique=True,
            postgresql_where=sa.text("revoked_at IS NULL"),
            sqlite_where=sa.text("revoked_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    device_name: Mapped[str] = mapped_column(sa.String(100))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user = relationship("User")


class ConsoleSession(db.Model):
    """A sign-in to the staff console, held by its session cookie; only the SHA-256 of the
    secret is stored. Separate from API tokens: a console cookie never opens the API, and a
    bearer token never opens the console."""

    __tablename__ = "console_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    secret_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user = relationship("User")


class LinkPurpose(enum.StrEnum):
    VERIFY_EMAIL = "verify_email"
    RESET_PASSWORD = "reset_password"
    CHANGE_EMAIL = "change_email"


class AccountLink(db.Model):
    """A single-use link e-mailed to a member (address check, password reset, change of
    address); only the SHA-256 of its secret is stored."""

    __tablename__ = "account_links"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    purpose: Mapped[LinkPurpose] = mapped_column(enum_column(LinkPurpose, name="link_purpose"))
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    # The address the link was sent to: the one to verify, or the new one of a change.
    email: Mapped[str] = mapped_column(sa.String(254))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user = relationship("User")
