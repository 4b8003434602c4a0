"""Listings: objects lent or given, help offered or asked."""

from marshmallow import fields

from app.schemas.common import (
    ApiSchema,
    AuthorSchema,
    Id,
    PageArgs,
    PhotoSchema,
    ResponseSchema,
    at_most,
    between,
    edited_at_field,
    enum_of,
    one_of,
    page_of,
    text,
)
from models import ListingKind, ListingStatus, Scope, Visibility
from models.listings import HELP_CATEGORIES, MAX_ESTIMATED_VALUE_EUR, OBJECT_CATEGORIES

CATEGORIES = sorted(set(OBJECT_CATEGORIES) | set(HELP_CATEGORIES))


class ListingRequestSchema(ApiSchema):
    residence_id = Id(required=True)
    kind = fields.String(required=True, validate=one_of([k.value for k in ListingKind]))
    category = fields.String(required=True, validate=one_of(CATEGORIES))
    title = text(120, required=True, metadata={"example": "Perceuse Bosch"})
    description = fields.String(load_default="", validate=at_most(2000))
    estimated_value_eur = fields.Integer(
        allow_none=True,
        validate=between(0, MAX_ESTIMATED_VALUE_EUR),
        metadata={"description": "For objects: counts in the money saved by neighbours."},
    )
    scope = fields.String(
        load_default=Scope.RESIDENCE.value, validate=one_of([s.value for s in Scope])
    )


class ListingSchema(ResponseSchema):
    id = fields.Integer()
    residence_id = fields.Integer()
    kind = enum_of(ListingKind)
    category = fields.String(metadata={"enum": CATEGORIES})
    title = fields.String()
    description = fields.String()
    estimated_value_eur = fields.Integer(allow_none=True)
    scope = enum_of(Scope)
    status = enum_of(ListingStatus)
    visibility = enum_of(Visibility)
    owner = fields.Nested(AuthorSchema)
    photos = fields.List(fields.Nested(PhotoSchema))
    created_at = fields.DateTime()
    edited_at = edited_at_field()


class ListingUpdateSchema(ApiSchema):
    category = fields.String(validate=one_of(CATEGORIES))
    title = text(120)
    description = fields.String(validate=at_most(2000))
    estimated_value_eur = fields.Integer(
        allow_none=True, validate=between(0, MAX_ESTIMATED_VALUE_EUR)
    )
    status = fields.String(validate=one_of([s.value for s in ListingStatus]))


class ListingSearchArgs(PageArgs):
    kind = fields.String(validate=one_of([k.value for k in ListingKind]))
    category = fields.String(validate=one_of(CATEGORIES))
    status = fields.String(
        load_default=ListingStatus.OPEN.value, validate=one_of([s.value for s in ListingStatus])
    )
    q = fields.String(validate=at_most(100), metadata={"description": "Words to find"})
    order = fields.String(load_default="recent", validate=one_of(["recent", "distance"]))
    near_residence_id = Id(
        metadata={"description": "Distances from this residence (default: my first one)."}
    )


class ListingCardSchema(ListingSchema):
    """A listing in search results: its first photo rather than all of them."""

    class Meta:
        exclude = ("photos",)

    first_photo = fields.Nested(PhotoSchema, allow_none=True)


class ListingHitSchema(ResponseSchema):
    """A search result: the listing, and how far its residence is from mine (metres)."""

    listing = fields.Nested(ListingCardSchema)
    distance_m = fields.Integer(allow_none=True)


ListingHitPageSchema = page_of(ListingHitSchema, "ListingHitPage")


class ListingSummarySchema(ResponseSchema):
    id = fields.Integer()
    title = fields.String()
    kind = enum_of(ListingKind)
