"""The conversation of a loan or an exchange, and thanks once it ended well."""

from marshmallow import fields

from app.schemas.common import ApiSchema, AuthorSchema, ResponseSchema, page_of, text


class MessageRequestSchema(ApiSchema):
    body = text(2000, required=True)


class MessageSchema(ResponseSchema):
    id = fields.Integer()
    author = fields.Nested(AuthorSchema)
    body = fields.String()
    created_at = fields.DateTime()


MessagePageSchema = page_of(MessageSchema, "MessagePage")


class ThanksRequestSchema(ApiSchema):
    text = text(280, required=True, metadata={"example": "Merci pour la perceuse !"})


class ThanksSchema(ResponseSchema):
    id = fields.Integer()
    author = fields.Nested(AuthorSchema)
    text = fields.String()
    created_at = fields.DateTime()
