"""HTML to PDF (WeasyPrint), for the monthly reports and the invite posters.

WeasyPrint is imported on first use, not when the app starts: it and its fonts and Pango cost
a web worker or the scheduler tens of megabytes that most never need. Importing it turns on
Pillow's LOAD_TRUNCATED_IMAGES for the whole process, so members' photos cut short would be
accepted (services/photos.py): Pillow's default is put back each time, right after.
"""

from PIL import ImageFile


def html_to_pdf(html: str) -> bytes:
    """The document as PDF; it may read data: URLs only (no file, no address)."""
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    ImageFile.LOAD_TRUNCATED_IMAGES = False
    return HTML(string=html, url_fetcher=URLFetcher(allowed_protocols=("data",))).write_pdf()
