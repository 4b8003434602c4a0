"""Photos made on the spot for tests: real images, with or without EXIF data."""

import io

from PIL import Image

# EXIF tag numbers: the GPS block, and the camera's orientation.
GPS_INFO, ORIENTATION = 0x8825, 0x0112


def png_bytes(width=40, height=30) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (200, 120, 40)).save(buffer, format="PNG")
    return buffer.getvalue()


def jpeg_with_gps(width=64, height=48) -> bytes:
    """A phone-like JPEG whose EXIF says where it was taken (Villeurbanne)."""
    exif = Image.Exif()
    exif[ORIENTATION] = 1
    exif[GPS_INFO] = {1: "N", 2: (45.0, 46.0, 7.0), 3: "E", 4: (4.0, 52.0, 48.0)}
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (10, 120, 200)).save(buffer, format="JPEG", exif=exif)
    return buffer.getvalue()


def multipart_body(field: str, filename: str, data: bytes) -> tuple[bytes, str]:
    """A multipart body built in memory (the test client would spool a large one to a
    temporary file that it never closes when the app refuses the request unread)."""
    boundary = "palier-test-boundary"
    head = (
        f"--{boundary}\r\n"
        f'Content-Disposition: form-data; name="{field}"; filename="{filename}"\r\n'
        "Content-Type: application/octet-stream\r\n\r\n"
    )
    body = head.encode() + data + f"\r\n--{boundary}--\r\n".encode()
    return body, f"multipart/form-data; boundary={boundary}"
