from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from models.base import UTCDateTime, utcnow


class PhotoColumns:
    """What every stored photo row has (services/photos.py writes the file)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    position: Mapped[int]
    filename: Mapped[str] = mapped_column(sa.String(80), unique=True)
    width: Mapped[int]
    height: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
