"""Copies of a member's data (RGPD articles 15 and 20)."""

from marshmallow import fields

from app.schemas.common import ResponseSchema, enum_of, page_of
from models import ExportStatus


class ExportSchema(ResponseSchema):
    """A request for a copy of my data, and its archive once built."""

    id = fields.Integer()
    status = enum_of(ExportStatus)
    requested_at = fields.DateTime()
    ready_at = fields.DateTime(allow_none=True)
    expires_at = fields.DateTime(
        allow_none=True,
        metadata={"description": "Until when the archive can be downloaded, once ready."},
    )
    downloaded_at = fields.DateTime(allow_none=True)
    size_bytes = fields.Integer(allow_none=True, metadata={"description": "The archive's size."})


ExportPageSchema = page_of(ExportSchema, "ExportPage")


class ExportLinkSchema(ResponseSchema):
    """A download link for one use, ending the previous one."""

    url = fields.String(
        metadata={"format": "uri", "description": "Opens without a bearer token, once."}
    )
    expires_at = fields.DateTime()
