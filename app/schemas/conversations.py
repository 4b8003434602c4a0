"""The conversation of a loan or an exchange, and thanks once it ended well."""

from marshmallow import fields

from app.schemas.common import (
    ApiSchema,
    AuthorSchema,
    ResponseSchema,
    body_until_deleted,
    deleted_flag,
    edited_at_field,
    page_of,
    text,
)


class MessageRequestSchema(ApiSchema):
    body = text(2000, required=True)


class MessageSchema(ResponseSchema):
    id = fields.Integer()
    author = fields.Nested(AuthorSchema)
    body = body_until_deleted()
    deleted = deleted_flag()
    created_at = fields.DateTime()
    edited_at = edited_at_field()


MessagePageSchema = page_of(MessageSchema, "MessagePage")


class ThanksRequestSchema(ApiSchema):
    text = text(280, required=True, metadata={"example": "Merci pour la perceuse !"})


class ThanksSchema(ResponseSchema):
    id = fields.Integer()
    author = fields.Nested(AuthorSchema)
    text = fields.String()
    created_at = fields.DateTime()
