"""Members' public profiles."""

from marshmallow import fields

from app.schemas.common import ResponseSchema


class ProfileSchema(ResponseSchema):
    id = fields.Integer(attribute="user.id")
    display_name = fields.String(attribute="user.display_name")
    avatar_url = fields.String(attribute="user.avatar_url", allow_none=True)
    loans = fields.Integer()
    helps = fields.Integer()
    thanks = fields.Integer()
