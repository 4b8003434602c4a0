import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import UTCDateTime, db, enum_column, utcnow


class ExportStatus(enum.StrEnum):
    PENDING = "pending"  # waiting for the job that builds the archive
    READY = "ready"  # the archive is on disk, to download once before `expires_at`
    DOWNLOADED = "downloaded"  # downloaded: the archive is gone
    EXPIRED = "expired"  # not downloaded in time: the archive is gone


class ExportRequest(db.Model):
    """A member asked for a copy of their data (RGPD art. 15 and 20): a ZIP archive built by a
    job, stored under the upload folder, downloaded once by a secret link (only its hash kept)."""

    __tablename__ = "export_requests"
    __table_args__ = (
        # One request waiting per member: asking again while one waits returns it.
        sa.Index(
            "uq_export_requests_one_pending",
            "user_id",
            unique=True,
            postgresql_where=sa.text("status = 'pending'"),
            sqlite_where=sa.text("status = 'pending'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    status: Mapped[ExportStatus] = mapped_column(
        enum_column(ExportStatus, name="export_status"), default=ExportStatus.PENDING
    )
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    ready_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    downloaded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The archive's file name in the exports folder, and its size, while it exists.
    filename: Mapped[str | None] = mapped_column(sa.String(80))
    size_bytes: Mapped[int | None]
    # SHA-256 of the secret of the latest download link; a new link replaces the previous one.
    link_hash: Mapped[str | None] = mapped_column(sa.String(64), unique=True)

    user = relationship("User")
