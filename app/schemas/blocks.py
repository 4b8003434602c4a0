"""Members a member blocks."""

from marshmallow import fields

from app.schemas.common import ResponseSchema, page_of, public_name_of


class BlockedMemberSchema(ResponseSchema):
    id = fields.Integer()
    display_name = public_name_of()
    avatar_url = fields.String(allow_none=True)


class BlockSchema(ResponseSchema):
    member = fields.Nested(BlockedMemberSchema, attribute="blocked")
    created_at = fields.DateTime(metadata={"description": "When I blocked them"})


BlockPageSchema = page_of(BlockSchema, "BlockPage")
