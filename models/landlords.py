from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import JSONDocument, Timestamped, UTCDateTime, db, utcnow


class Landlord(Timestamped, db.Model):
    """A social-housing landlord (bailleur): owns residences, employs staff."""

    __tablename__ = "landlords"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200), unique=True)
    # Who receives the monthly report by e-mail (addresses), in which language.
    report_recipients: Mapped[list] = mapped_column(JSONDocument, default=list, server_default="[]")
    report_locale: Mapped[str] = mapped_column(sa.String(2), default="fr", server_default="fr")

    residences = relationship("Residence", back_populates="landlord")


class LandlordStaff(db.Model):
    """A staff member acting for the whole landlord (agency, chargé de proximité)."""

    __tablename__ = "landlord_staff"
    __table_args__ = (sa.UniqueConstraint("user_id", "landlord_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    landlord_id: Mapped[int] = mapped_column(
        sa.ForeignKey("landlords.id", ondelete="CASCADE"), index=True
    )
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user = relationship("User")
    landlord = relationship("Landlord")
