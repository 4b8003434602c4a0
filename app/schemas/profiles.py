"""Members' public profiles."""

from marshmallow import fields

from app.schemas.common import ResponseSchema, public_name_of


class ProfileSchema(ResponseSchema):
    id = fields.Integer(attribute="user.id")
    display_name = public_name_of(lambda profile: profile.user)
    avatar_url = fields.String(attribute="user.avatar_url", allow_none=True)
    loans = fields.Integer()
    helps = fields.Integer()
    thanks = fields.Integer()
