import enum
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Timestamped, UTCDateTime, db, enum_column


class LoanStatus(enum.StrEnum):
    REQUESTED = "requested"
    ACCEPTED = "accepted"
    HANDED_OVER = "handed_over"
    RETURNED = "returned"
    DECLINED = "declined"
    CANCELLED = "cancelled"


# While a loan is in one of these states, the object is promised to the borrower.
HOLDING_STATES = (LoanStatus.ACCEPTED, LoanStatus.HANDED_OVER)
FINAL_STATES = (LoanStatus.RETURNED, LoanStatus.DECLINED, LoanStatus.CANCELLED)


class Loan(Timestamped, db.Model):
    """A borrow request on a `lend` listing, for the days [starts_on, due_on]."""

    __tablename__ = "loans"
    __table_args__ = (
        sa.CheckConstraint("due_on >= starts_on", name="period_ordered"),
        sa.CheckConstraint("borrower_id <> owner_id", name="not_own_object"),
        # An object is never promised to two people over overlapping days. PostgreSQL holds this
        # itself (btree_gist); SQLite, the embedded default, relies on the service's check.
        postgresql.ExcludeConstraint(
            ("listing_id", "="),
            (sa.func.daterange(sa.column("starts_on"), sa.column("due_on"), "[]"), "&&"),
            where=sa.text("status IN ('accepted', 'handed_over')"),
            using="gist",
            name="ex_loans_no_overlap",
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
    borrower_id: Mapped[int] = mapped_column(
        sa.ForeignKey("users.id", ondelete="RESTRICT"), index=True
    )
    starts_on: Mapped[date] = mapped_column(sa.Date)
    due_on: Mapped[date] = mapped_column(sa.Date)
    status: Mapped[LoanStatus] = mapped_column(
        enum_column(LoanStatus, name="loan_status"), default=LoanStatus.REQUESTED
    )
    message: Mapped[str] = mapped_column(sa.Text, default="")
    overdue_since: Mapped[date | None] = mapped_column(sa.Date)
    due_reminder_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    status_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # When the object changed hands, for the monthly reports (loans started and completed).
    handed_over_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    returned_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    listing = relationship("Listing")
    owner = relationship("User", foreign_keys=[owner_id])
    borrower = relationship("User", foreign_keys=[borrower_id])
