"""The conversation of a loan or an exchange, and thanks once it ended well."""

from marshmallow import fields

from app.schemas.common import ApiSchema, AuthorSchema, page_of, text


class MessageSchema(ApiSchema):
    id = fields.Integer(dump_only=True)
    author = fields.Nested(AuthorSchema, dump_only=True)
    body = text(2000, required=True)
    created_at = fields.DateTime(dump_only=True)


MessagePageSchema = page_of(MessageSchema, "MessagePage")


class ThanksSchema(ApiSchema):
    id = fields.Integer(dump_only=True)
    author = fields.Nested(AuthorSchema, dump_only=True)
    text = text(280, required=True, metadata={"example": "Merci pour la perceuse !"})
    created_at = fields.DateTime(dump_only=True)
