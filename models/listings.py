import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Timestamped, UTCDateTime, db, enum_column
from models.content import Scope, Visibility
from models.photo import PhotoColumns


class ListingKind(enum.StrEnum):
    LEND = "lend"
    GIVE = "give"
    OFFER_HELP = "offer_help"
    REQUEST_HELP = "request_help"


class ListingStatus(enum.StrEnum):
    OPEN = "open"
    PAUSED = "paused"
    CLOSED = "closed"


OBJECT_CATEGORIES = (
    "tools",
    "kitchen",
    "diy",
    "children",
    "garden",
    "sport",
    "electronics",
    "books",
    "mobility",
    "other",
)
HELP_CATEGORIES = (
    "shopping",
    "pets",
    "paperwork",
    "small_repairs",
    "company",
    "translation",
    "lifts",
    "childcare",
    "other",
)
CATEGORIES_BY_KIND = {
    ListingKind.LEND: OBJECT_CATEGORIES,
    ListingKind.GIVE: OBJECT_CATEGORIES,
    ListingKind.OFFER_HELP: HELP_CATEGORIES,
    ListingKind.REQUEST_HELP: HELP_CATEGORIES,
}
MAX_ESTIMATED_VALUE_EUR = 10_000


class Listing(Timestamped, db.Model):
    """Something a member offers or asks for: an object to lend or give, or help."""

    __tablename__ = "listings"
    __table_args__ = (
        sa.CheckConstraint(
            f"estimated_value_eur BETWEEN 0 AND {MAX_ESTIMATED_VALUE_EUR}", name="value_plausible"
        ),
        sa.CheckConstraint(
            "scope <> 'building' OR building_id IS NOT NULL", name="building_scope_has_building"
        ),
        sa.Index("ix_listings_residence_created", "residence_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    residence_id: Mapped[int] = mapped_column(
        sa.ForeignKey("residences.id", ondelete="CASCADE"), index=True
    )
    building_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("buildings.id", ondelete="SET NULL")
    )
    owner_id: Mapped[int] = mapped_column(
        sa.ForeignKey("users.id", ondelete="RESTRICT"), index=True
    )
    kind: Mapped[ListingKind] = mapped_column(enum_column(ListingKind, name="listing_kind"))
    category: Mapped[str] = mapped_column(sa.String(30))
    title: Mapped[str] = mapped_column(sa.String(120))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    estimated_value_eur: Mapped[int | None]
    scope: Mapped[Scope] = mapped_column(enum_column(Scope, name="listing_scope"))
    status: Mapped[ListingStatus] = mapped_column(
        enum_column(ListingStatus, name="listing_status"), default=ListingStatus.OPEN
    )
    visibility: Mapped[Visibility] = mapped_column(
        enum_column(Visibility, name="listing_visibility"), default=Visibility.VISIBLE
    )
    # Set when the author changes the text ("edited"), and when the author or a moderator deletes
    # it: deleted rows stay as tombstones so that threads and counts keep their shape.
    edited_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    owner = relationship("User")
    residence = relationship("Residence")
    photos = relationship(
        "ListingPhoto",
        order_by="ListingPhoto.position",
        cascade="all, delete-orphan",
        back_populates="listing",
    )

    @property
    def first_photo(self):
        """The photo shown on the listing's card in search results."""
        return self.photos[0] if self.photos else None


class ListingPhoto(PhotoColumns, db.Model):
    __tablename__ = "listing_photos"
    __table_args__ = (sa.UniqueConstraint("listing_id", "position"),)

    listing_id: Mapped[int] = mapped_column(
        sa.ForeignKey("listings.id", ondelete="CASCADE"), index=True
    )

    listing = relationship("Listing", back_populates="photos")
