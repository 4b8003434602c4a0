"""Neighbourhood news: posts, events, polls, announcements and alerts; the feed."""

from datetime import datetime

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
    photo_json,
    text,
)
from models import MembershipRole, PostKind, PostScope, Rsvp, Visibility
from models.news import MAX_POST_LENGTH, REACTIONS
from services.news.feed import FeedItem
from services.pagination import Page


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
    id = fields.Integer()
    residence_id = fields.Integer()
    kind = enum_of(PostKind)
    title = fields.String(allow_none=True)
    body = fields.String()
    scope = enum_of(PostScope)
    urgent = fields.Boolean()
    visibility = enum_of(Visibility)
    published_at = fields.DateTime(
        allow_none=True,
        metadata={"description": "Null while a staff announcement waits for its time"},
    )
    pinned_until = fields.DateTime(allow_none=True)
    edited_at = edited_at_field()
    author = fields.Nested(AuthorWithRoleSchema)
    photos = fields.List(fields.Nested(PhotoSchema))
    comments = fields.Integer()
    reactions = fields.Integer()
    my_reaction = fields.String(allow_none=True, metadata={"enum": [*REACTIONS, None]})
    starts_at = fields.DateTime(allow_none=True)
    ends_at = fields.DateTime(allow_none=True)
    place = fields.String(allow_none=True)
    capacity = fields.Integer(allow_none=True)
    going = fields.Integer()
    my_rsvp = fields.String(allow_none=True, metadata={"enum": [*(r.value for r in Rsvp), None]})
    options = fields.List(fields.Nested(OptionSchema))
    closes_at = fields.DateTime(allow_none=True)
    my_vote = fields.Integer(allow_none=True)
    results = fields.Dict(
        keys=fields.String(),
        values=fields.Integer(),
        allow_none=True,
        metadata={"description": "Votes per option id, once shown (after my vote or the close)"},
    )


FeedPageSchema = page_of(FeedItemSchema, "FeedPage")


def feed_page_json(page: Page) -> dict:
    """A page of the feed as FeedPageSchema dumps it, written out by hand: the feed is the
    busiest read of the API, and marshmallow's field-by-field dump was a tenth of its time.
    The schema stays the contract (the OpenAPI document); tests/test_feed_json.py holds the
    two to the same JSON, byte for byte."""
    return {
        "items": [_feed_item_json(item) for item in page.items],
        "next_cursor": page.next_cursor,
    }


def _feed_item_json(item: FeedItem) -> dict:
    return {
        "id": item.id,
        "residence_id": item.residence_id,
        "kind": _text(item.kind),
        "title": item.title,
        "body": item.body,
        "scope": _text(item.scope),
        "urgent": item.urgent,
        "visibility": _text(item.visibility),
        "published_at": _moment(item.published_at),
        "pinned_until": _moment(item.pinned_until),
        "edited_at": _moment(item.edited_at),
        "author": {
            "id": item.author["id"],
            "display_name": item.author["display_name"],
            "role": _text(item.author["role"]),
        },
        "photos": [photo_json(photo) for photo in item.photos],
        "comments": item.comments,
        "reactions": item.reactions,
        "my_reaction": item.my_reaction,
        "starts_at": _moment(item.starts_at),
        "ends_at": _moment(item.ends_at),
        "place": item.place,
        "capacity": item.capacity,
        "going": item.going,
        "my_rsvp": _text(item.my_rsvp),
        "options": [{"id": option.id, "label": option.label} for option in item.options],
        "closes_at": _moment(item.closes_at),
        "my_vote": item.my_vote,
        "results": None
        if item.results is None
        else {str(option_id): votes for option_id, votes in item.results.items()},
    }


def _text(value) -> str | None:
    """An enum's value, as marshmallow's String field writes it."""
    return None if value is None else str(value)


def _moment(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()


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
