import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Timestamped, UTCDateTime, db, enum_column


class ExchangeStatus(enum.StrEnum):
    PROPOSED = "proposed"
    ACCEPTED = "accepted"
    DONE = "done"
    DECLINED = "declined"
    CANCELLED = "cancelled"


class HelpExchange(Timestamped, db.Model):
    """A member's answer to an offer or request of help, or to a gift ("I'd like it").

    For a gift, accepting reserves the object for that member (`exclusive`: one at a time,
    held by a unique index) and `done` means it was given.
    """

    __tablename__ = "help_exchanges"
    __table_args__ = (
        sa.CheckConstraint("member_id <> owner_id", name="not_own_listing"),
        sa.Index(
            "uq_help_exchanges_one_gift_taker",
            "listing_id",
            unique=True,
            postgresql_where=sa.text("exclusive AND status IN ('accepted', 'done')"),
            sqlite_where=sa.text("exclusive AND status IN ('accepted', 'done')"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    listing_id: Mapped[int] = mapped_column(
        sa.ForeignKey("listings.id", ondelete="CASCADE"), index=True
    )
    residence_id: Mapped[int] = mapped_column(
        sa.ForeignKey("residences.id", ondelete="CASCADE"), index=True
    )
    owner_id: Mapped[int] = mapped_column(
        sa.ForeignKey("users.id", ondelete="RESTRICT"), index=True
    )
    member_id: Mapped[int] = mapped_column(
        sa.ForeignKey("users.id", ondelete="RESTRICT"), index=True
    )
    exclusive: Mapped[bool] = mapped_column(default=False)
    status: Mapped[ExchangeStatus] = mapped_column(
        enum_column(ExchangeStatus, name="exchange_status"), default=ExchangeStatus.PROPOSED
    )
    message: Mapped[str] = mapped_column(sa.Text, default="")
    status_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # When the help was given and how long it took (said at completion, or the category's
    # default), for the monthly reports' hours of help.
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    help_minutes: Mapped[int | None]

    listing = relationship("Listing")
    owner = relationship("User", foreign_keys=[owner_id])
    member = relationship("User", foreign_keys=[member_id])
