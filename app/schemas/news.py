"""Neighbourhood news: posts, events, polls, announcements and alerts; the feed."""

from marshmallow import fields, validate

from app.schemas.common import (
    ApiSchema,
    AuthorSchema,
    GeoJSON,
    Id,
    Moment,
    PhotoSchema,
    ResponseSchema,
    at_most,
    between,
    body_until_deleted,
    deleted_flag,
    edited_at_field,
    enum_of,
    one_of,
    page_of,
    text,
)
from models import MembershipRole, PostKind, PostScope, Rsvp, Visibility
from models.news import MAX_POST_LENGTH, REACTIONS


class PostRequestSchema(ApiSchema):
    residence_id = Id(required=True)
    kind = fields.String(required=True, validate=one_of([k.value for k in PostKind]))
    title = fields.String(validate=at_most(120))
    body = text(MAX_POST_LENGTH, required=True)
    scope = fields.String(load_default="residence", validate=one_of([s.value for s in PostScope]))
    building_ids = fields.List(Id(), validate=validate.Length(max=50))
    radius_m = fields.Integer(
        validate=between(100, 5000),
        metadata={
            "description": "nearby: 1 km by default; members' posts 2 km at most, staff's "
            "announcements and alerts 5 km, within their landlord's residences"
        },
    )
    area = GeoJSON(
        ("Polygon", "MultiPolygon"), metadata={"description": "area (staff): a quartier, a QPV"}
    )
    all_residences = fields.Boolean(
        metadata={"description": "area (staff): all the landlord's residences"}
    )
    residence_ids = fields.List(
        Id(),
        validate=validate.Length(max=50),
        metadata={"description": "area (staff): these residences of the landlord"},
    )
    publish_at = Moment(metadata={"description": "Staff: publish later"})
    pinned_until = Moment(metadata={"description": "Staff: pin the announcement until then"})
    starts_at = Moment(metadata={"description": "Events"})
    ends_at = Moment()
    place = fields.String(validate=at_most(200))
    space_id = Id()
    capacity = fields.Integer(validate=between(1, 10000))
    options = fields.List(
        fields.String(validate=at_most(100)), metadata={"description": "Polls: 2 to 10"}
    )
    closes_at = Moment()
    results_after_close = fields.Boolean(
        metadata={"description": "Polls: results only once closed"}
    )


class OptionSchema(ResponseSchema):
    id = fields.Integer()
    label = fields.String()


class AuthorWithRoleSchema(ResponseSchema):
    id = fields.Integer()
    display_name = fields.String()
    role = enum_of(MembershipRole, metadata={"description": "The author's role where posted"})


class FeedItemSchema(ResponseSchema):
    id = fields.Integer(attribute="post.id")
    residence_id = fields.Integer(attribute="post.residence_id")
    kind = enum_of(PostKind, attribute="post.kind")
    title = fields.String(attribute="post.title", allow_none=True)
    body = fields.String(attribute="post.body")
    scope = enum_of(PostScope, attribute="post.scope")
    urgent = fields.Boolean(attribute="post.urgent")
    visibility = enum_of(Visibility, attribute="post.visibility")
    published_at = fields.DateTime(
        attribute="post.published_at",
        allow_none=True,
        metadata={"description": "Null while a staff announcement waits for its time"},
    )
    pinned_until = fields.DateTime(attribute="post.pinned_until", allow_none=True)
    edited_at = edited_at_field(attribute="post.edited_at")
    author = fields.Nested(AuthorWithRoleSchema)
    photos = fields.List(fields.Nested(PhotoSchema), attribute="post.photos")
    comments = fields.Integer()
    reactions = fields.Integer()
    my_reaction = fields.String(allow_none=True, metadata={"enum": [*REACTIONS, None]})
    starts_at = fields.DateTime(attribute="post.starts_at", allow_none=True)
    ends_at = fields.DateTime(attribute="post.ends_at", allow_none=True)
    place = fields.String(attribute="post.place", allow_none=True)
    capacity = fields.Integer(attribute="post.capacity", allow_none=True)
    going = fields.Integer()
    my_rsvp = fields.String(allow_none=True, metadata={"enum": [*(r.value for r in Rsvp), None]})
    options = fields.List(fields.Nested(OptionSchema), attribute="post.options")
    closes_at = fields.DateTime(attribute="post.closes_at", allow_none=True)
    my_vote = fields.Integer(allow_none=True)
    results = fields.Dict(
        keys=fields.String(),
        values=fields.Integer(),
        allow_none=True,
        metadata={"description": "Votes per option id, once shown (after my vote or the close)"},
    )


FeedPageSchema = page_of(FeedItemSchema, "FeedPage")


class PostEditSchema(ApiSchema):
    title = fields.String(allow_none=True, validate=at_most(120))
    body = text(MAX_POST_LENGTH)
    place = fields.String(
        allow_none=True, validate=at_most(200), metadata={"description": "Events only"}
    )


class CommentRequestSchema(ApiSchema):
    body = text(1000, required=True)


class CommentSchema(ResponseSchema):
    id = fields.Integer()
    author = fields.Nested(AuthorSchema)
    body = body_until_deleted()
    deleted = deleted_flag()
    created_at = fields.DateTime()
    edited_at = edited_at_field()


CommentPageSchema = page_of(CommentSchema, "CommentPage")


class ReactionSchema(ApiSchema):
    kind = fields.String(required=True, validate=one_of(REACTIONS))


class RsvpSchema(ApiSchema):
    answer = fields.String(required=True, validate=one_of([r.value for r in Rsvp]))


class VoteSchema(ApiSchema):
    option_id = Id(required=True)


class ReachSchema(ResponseSchema):
    targeted = fields.Integer(metadata={"description": "Members reached when it was published"})
    opened = fields.Integer()
