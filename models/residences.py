from zoneinfo import ZoneInfo

import sqlalchemy as sa
from geoalchemy2 import Geometry
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Timestamped, db


class Residence(Timestamped, db.Model):
    """A housing residence: the unit of tenancy for everything residents see and do."""

    __tablename__ = "residences"
    __table_args__ = (
        sa.CheckConstraint("auto_hide_threshold BETWEEN 1 AND 50", name="auto_hide_threshold"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    landlord_id: Mapped[int] = mapped_column(sa.ForeignKey("landlords.id"), index=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    address: Mapped[str] = mapped_column(sa.String(300))
    time_zone: Mapped[str] = mapped_column(sa.String(64), default="Europe/Paris")
    footprint = mapped_column(
        Geometry("MULTIPOLYGON", srid=4326, spatial_index=True), nullable=False
    )
    location = mapped_column(Geometry("POINT", srid=4326, spatial_index=True), nullable=False)
    # Whether the residence's solidaires may manage its shared spaces, as staff do.
    solidaires_manage_spaces: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    # Distinct members whose reports hide content at once, pending a moderator's review.
    auto_hide_threshold: Mapped[int] = mapped_column(default=3, server_default="3")
    # Dwellings of the residence, for the share of households the network reaches.
    households: Mapped[int | None]

    landlord = relationship("Landlord", back_populates="residences")
    buildings = relationship("Building", back_populates="residence", order_by="Building.name")

    @property
    def zone(self) -> ZoneInfo:
        """Where bookings, opening hours and "today" are counted."""
        return ZoneInfo(self.time_zone)


class Building(Timestamped, db.Model):
    """An entrance or staircase of a residence."""

    __tablename__ = "buildings"
    __table_args__ = (sa.UniqueConstraint("residence_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    residence_id: Mapped[int] = mapped_column(
        sa.ForeignKey("residences.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(sa.String(100))
    location = mapped_column(Geometry("POINT", srid=4326, spatial_index=True), nullable=False)

    residence = relationship("Residence", back_populates="buildings")
