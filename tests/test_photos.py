"""Photos from phones never make a 500: whatever the bytes, the answer is a stored photo or a 422.

Decoding is bounded: the size declared in the header is checked against MAX_PHOTO_PIXELS before
any pixel is decoded, so a small file claiming a huge image costs nothing, and the work of
decoding what is accepted is bounded by 40 MP and 5 MB.
"""

import io
import struct
import zlib

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from services import photos
from services.errors import ServiceError
from tests.photos import multipart_body

FORMATS = ("PNG", "JPEG", "WEBP")


def image_bytes(image_format: str, width: int = 24, height: int = 16, **options) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (200, 120, 40)).save(buffer, format=image_format, **options)
    return buffer.getvalue()


def png_declaring(width: int, height: int) -> bytes:
    """A PNG of a few bytes whose header (with a correct checksum) claims width x height."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        checksum = struct.pack(">I", zlib.crc32(kind + data))
        return struct.pack(">I", len(data)) + kind + data + checksum

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\0" * 64)
    chunks = chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    return b"\x89PNG\r\n\x1a\n" + chunks


def jpeg_declaring(width: int, height: int) -> bytes:
    """A small JPEG whose frame header (SOF0) claims width x height (each at most 65535)."""
    data = bytearray(image_bytes("JPEG"))
    frame = data.index(b"\xff\xc0")
    data[frame + 5 : frame + 9] = struct.pack(">HH", height, width)
    return bytes(data)


def webp_declaring(width: int, height: int) -> bytes:
    """A small extended WebP whose canvas (VP8X) claims width x height (each at most 2**24)."""
    exif = Image.Exif()
    exif[0x0112] = 1
    data = bytearray(image_bytes("WEBP", exif=exif))
    canvas = data.index(b"VP8X") + 12
    data[canvas : canvas + 6] = (width - 1).to_bytes(3, "little") + (height - 1).to_bytes(
        3, "little"
    )
    return bytes(data)


DECLARING = {"PNG": png_declaring, "JPEG": jpeg_declaring, "WEBP": webp_declaring}
LARGEST_SIDE = {"PNG": 2**31 - 1, "JPEG": 65535, "WEBP": 2**24}


@st.composite
def uploads(draw) -> bytes:
    """Random bytes; real photos cut short or garbled; small files declaring any size."""
    kind = draw(st.sampled_from(["random", "cut", "garbled", "declaring"]))
    if kind == "random":
        return draw(st.binary(max_size=4096))
    image_format = draw(st.sampled_from(FORMATS))
    if kind == "declaring":
        side = LARGEST_SIDE[image_format]
        width, height = draw(st.integers(1, side)), draw(st.integers(1, side))
        return DECLARING[image_format](width, height)
    data = image_bytes(image_format, draw(st.integers(1, 64)), draw(st.integers(1, 64)))
    if kind == "cut":
        return data[: draw(st.integers(0, len(data)))]
    position = draw(st.integers(0, len(data) - 1))
    patch = draw(st.binary(min_size=1, max_size=16))
    return data[:position] + patch + data[position + len(patch) :]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=uploads())
def test_any_bytes_make_a_photo_or_a_422(app, data):
    with app.app_context():
        try:
            stored = photos.store_photo(data)
        except ServiceError as error:
            assert error.status == 422
            assert set(error.field_errors) == {"photo"}
        else:
            assert 1 <= stored.width <= photos.MAX_SIDE and 1 <= stored.height <= photos.MAX_SIDE


@pytest.mark.parametrize("image_format", FORMATS)
def test_a_small_file_declaring_a_huge_photo_is_refused_before_decoding(
    client, world, image_format
):
    # Decoded, 65535 x 65535 pixels would need 12 GB: the header is enough to refuse it, with
    # the reason (Pillow's own alarm, from 179 MP, said "not a photo we can read").
    data = DECLARING[image_format](65535, 65535)
    assert len(data) < 1024
    body, content_type = multipart_body("photo", "small.img", data)
    response = client.post(
        f"/api/v1/listings/{world.lend.id}/photos",
        data=body,
        content_type=content_type,
        headers={**world.headers("resident"), "Accept-Language": "en"},
    )
    assert response.status_code == 422, response.json
    assert response.json["errors"] == {"photo": ["This photo has too many pixels."]}


@pytest.mark.parametrize("image_format", ["PNG", "JPEG"])  # a WebP canvas must fit its frame
def test_a_photo_just_above_the_limit_is_refused_by_its_header(app, image_format):
    side = int(photos.MAX_PHOTO_PIXELS**0.5) + 1
    with app.app_context(), pytest.raises(ServiceError) as refused:
        photos.store_photo(DECLARING[image_format](side, side))
    assert refused.value.detail == "This photo has too many pixels."


def test_a_photo_cut_short_is_refused_though_the_pdf_library_is_loaded(app):
    """WeasyPrint (the reports' and posters' PDF) turns on Pillow's LOAD_TRUNCATED_IMAGES for
    the whole process when imported; services/pdf.py turns it off again."""
    from services.pdf import html_to_pdf

    assert html_to_pdf("<p>Rapport</p>").startswith(b"%PDF")

    photo = image_bytes("JPEG", 64, 64)
    cut = photo[: len(photo) - 67]  # its last scan lines lost: Pillow then fills them in grey
    with app.app_context(), pytest.raises(ServiceError) as refused:
        photos.store_photo(cut)
    assert refused.value.status == 422
