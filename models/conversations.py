from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import UTCDateTime, db, enum_column, utcnow
from models.content import Visibility

# Each row belongs to exactly one loan or one help exchange.
ONE_DEAL = "(loan_id IS NULL) <> (exchange_id IS NULL)"


class Message(db.Model):
    """A message in the private thread of a loan or a help exchange."""

    __tablename__ = "messages"
    __table_args__ = (sa.CheckConstraint(ONE_DEAL, name="one_deal"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    loan_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("loans.id", ondelete="CASCADE"), index=True
    )
    exchange_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("help_exchanges.id", ondelete="CASCADE"), index=True
    )
    author_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="RESTRICT"))
    body: Mapped[str] = mapped_column(sa.Text)
    visibility: Mapped[Visibility] = mapped_column(
        enum_column(Visibility, name="message_visibility"), default=Visibility.VISIBLE
    )
    # Set when the author changes the text ("edited"), and when the author or a moderator deletes
    # it: deleted rows stay as tombstones so that threads and counts keep their shape.
    edited_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    author = relationship("User")


class Thanks(db.Model):
    """A short thank-you from one side of a loan or exchange that ended well, once per side."""

    __tablename__ = "thanks"
    __table_args__ = (
        sa.CheckConstraint(ONE_DEAL, name="one_deal"),
        sa.CheckConstraint("author_id <> recipient_id", name="not_to_self"),
        sa.UniqueConstraint("loan_id", "author_id"),
        sa.UniqueConstraint("exchange_id", "author_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    loan_id: Mapped[int | None] = mapped_column(sa.ForeignKey("loans.id", ondelete="CASCADE"))
    exchange_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("help_exchanges.id", ondelete="CASCADE")
    )
    author_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="RESTRICT"))
    recipient_id: Mapped[int] = mapped_column(
        sa.ForeignKey("users.id", ondelete="RESTRICT"), index=True
    )
    text: Mapped[str] = mapped_column(sa.String(280))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    author = relationship("User", foreign_keys=[author_id])
