"""Monthly engagement reports: one snapshot per residence or landlord and month, kept forever."""

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from models.base import JSONDocument, UTCDateTime, db, utcnow


class MonthlyReport(db.Model):
    """The figures of a month, as computed when the report was built.

    A closed month is never rewritten: building it again adds a new `version`, and the older
    ones stay. `residence_id` is null for the landlord's report of all its residences.
    """

    __tablename__ = "monthly_reports"
    __table_args__ = (
        sa.UniqueConstraint("landlord_id", "residence_id", "month", "version"),
        # NULLs are distinct in the constraint above: the landlord's own reports need this one.
        sa.Index(
            "ix_monthly_reports_landlord_version",
            "landlord_id",
            "month",
            "version",
            unique=True,
            postgresql_where=sa.text("residence_id IS NULL"),
            sqlite_where=sa.text("residence_id IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    landlord_id: Mapped[int] = mapped_column(sa.ForeignKey("landlords.id"), index=True)
    residence_id: Mapped[int | None] = mapped_column(sa.ForeignKey("residences.id"), index=True)
    month: Mapped[date] = mapped_column(sa.Date)  # its first day
    version: Mapped[int] = mapped_column(default=1)
    definitions_version: Mapped[int]
    figures: Mapped[dict] = mapped_column(JSONDocument)
    generated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    emailed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
