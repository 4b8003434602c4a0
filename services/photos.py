"""Photos sent from phones: checked by content, re-encoded, stripped of EXIF, stored on disk.

Phone photos carry the GPS position of the home in their EXIF data: re-encoding without it is
the point, not a side effect. The file type is read from the bytes (Pillow), never trusted from
the name or the Content-Type.
"""

import io
import secrets
import struct
import warnings
from dataclasses import dataclass
from pathlib import Path

from flask import current_app
from PIL import Image, ImageOps, UnidentifiedImageError
from sqlalchemy import event, select, union_all
from sqlalchemy.orm import Session

from models import Listing, ListingPhoto, Post, PostPhoto, SpacePhoto, Visibility, db
from services.errors import Conflict, field_error

MAX_PHOTOS = 4
MAX_PHOTO_BYTES = 5 * 1024 * 1024
MAX_PHOTO_PIXELS = 40_000_000
MAX_SIDE = 2048
FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}


@dataclass
class StoredPhoto:
    filename: str
    width: int
    height: int


def store_photo(data: bytes, field: str = "photo") -> StoredPhoto:
    if not data:
        raise field_error(field, "The photo is empty.")
    if len(data) > MAX_PHOTO_BYTES:
        raise field_error(field, "A photo may be at most 5 MB.")
    image = _open(data, field)
    image_format = image.format
    image = ImageOps.exif_transpose(image)  # keep the photo upright once EXIF is gone
    image.thumbnail((MAX_SIDE, MAX_SIDE))
    extension = FORMATS[image_format]
    if image_format == "JPEG" and image.mode not in ("RGB", "L"):
        image = image.convert("RGB")
    filename = f"{secrets.token_urlsafe(18)}.{extension}"
    folder = upload_folder()
    folder.mkdir(parents=True, exist_ok=True)
    # Saved without `exif=`: Pillow writes no EXIF (and so no GPS position) unless asked.
    image.save(folder / filename, format=image_format, quality=85)
    keep_if_committed(filename)
    return StoredPhoto(filename, image.width, image.height)


def attach(collection: list, data: bytes, make_row):
    """Store a photo and add it at the end of `collection` (a listing's or a space's photos);
    `make_row(position=, filename=, width=, height=)` builds the row. At most MAX_PHOTOS."""
    if len(collection) >= MAX_PHOTOS:
        raise Conflict("At most 4 photos.")
    stored = store_photo(data)
    position = max((photo.position for photo in collection), default=-1) + 1
    row = make_row(
        position=position, filename=stored.filename, width=stored.width, height=stored.height
    )
    db.session.add(row)
    db.session.flush()
    return row


def servable(filename: str) -> bool:
    """Whether the file of this name may be served: its row exists (a file left on disk by a
    deleted photo is not), and the listing or post it belongs to is neither hidden nor deleted.
    One query."""
    listing = (
        select(ListingPhoto.id)
        .join(Listing, Listing.id == ListingPhoto.listing_id)
        .where(
            ListingPhoto.filename == filename,
            Listing.visibility == Visibility.VISIBLE,
            Listing.deleted_at.is_(None),
        )
    )
    post = (
        select(PostPhoto.id)
        .join(Post, Post.id == PostPhoto.post_id)
        .where(
            PostPhoto.filename == filename,
            Post.visibility == Visibility.VISIBLE,
            Post.deleted_at.is_(None),
        )
    )
    space = select(SpacePhoto.id).where(SpacePhoto.filename == filename)
    return bool(db.session.scalar(select(union_all(listing, post, space).exists())))


def drop_photos(collection: list) -> None:
    """Remove every photo of `collection` (a listing's or a post's, whose rows are deleted as
    orphans): the rows now, the files once the unit of work has committed."""
    filenames = [photo.filename for photo in collection]
    collection.clear()
    db.session.flush()
    for filename in filenames:
        drop_photo(filename)


def drop_photo(filename: str) -> None:
    """Remove a photo's file once the unit of work that deleted its row has committed."""
    drop_if_committed(filename)


def keep_if_committed(path: str) -> None:
    """A file just written under the upload folder (`path` relative to it) is removed if the
    unit of work is rolled back (photos, export archives)."""
    db.session.info.setdefault(WRITTEN, []).append(path)


def drop_if_committed(path: str) -> None:
    """Remove a file under the upload folder once the unit of work has committed."""
    db.session.info.setdefault(DROPPED, []).append(path)


# Files follow the unit of work: a photo stored by a unit that is rolled back is removed, and
# one dropped by a unit is removed only once that unit committed, so no row points at nothing.
WRITTEN, DROPPED = "palier.photos_written", "palier.photos_dropped"


@event.listens_for(Session, "after_commit")
def _remove_dropped_files(session: Session) -> None:
    if session.in_nested_transaction():
        return
    session.info.pop(WRITTEN, None)
    for filename in session.info.pop(DROPPED, ()):
        _delete_file(filename)


@event.listens_for(Session, "after_transaction_end")
def _remove_files_of_undone_work(session: Session, transaction) -> None:
    if transaction.parent is not None:
        return
    session.info.pop(DROPPED, None)
    for filename in session.info.pop(WRITTEN, ()):
        _delete_file(filename)


def _delete_file(filename: str) -> None:
    (upload_folder() / filename).unlink(missing_ok=True)


def upload_folder() -> Path:
    return Path(current_app.config["UPLOAD_FOLDER"])


def _open(data: bytes, field: str) -> Image.Image:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as probe:
                if probe.format not in FORMATS:
                    raise field_error(field, "Only JPEG, PNG and WebP photos are accepted.")
                if probe.width * probe.height > MAX_PHOTO_PIXELS:
                    raise field_error(field, "This photo has too many pixels.")
                probe.verify()
            image = Image.open(io.BytesIO(data))
            # A JPEG is decoded straight at the scale nearest above MAX_SIDE (1/2 to 1/8):
            # up to 64 times fewer pixels to decode for what is shrunk to MAX_SIDE anyway.
            image.draft(None, (MAX_SIDE, MAX_SIDE))
            image.load()
            return image
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        # Pillow's own alarm, from MAX_IMAGE_PIXELS (89 MP), read from the header too.
        raise field_error(field, "This photo has too many pixels.") from None
    # Pillow's decoders fail on damaged files in several ways (a chunk cut short raises
    # IndexError or struct.error from its CRC check, found by tests/test_photos.py's fuzzing).
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, IndexError, struct.error):
        raise field_error(field, "This file is not a photo we can read.") from None
