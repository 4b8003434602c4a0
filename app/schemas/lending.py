from flask import url_for
from flask_smorest.fields import Upload
from marshmallow import fields

from app.schemas.common import ApiSchema, PageArgs, at_most, between, one_of, page_of, text
from models import ExchangeStatus, ListingKind, ListingStatus, LoanStatus, Scope
from models.listing import HELP_CATEGORIES, MAX_ESTIMATED_VALUE_EUR, OBJECT_CATEGORIES

CATEGORIES = sorted(set(OBJECT_CATEGORIES) | set(HELP_CATEGORIES))


class AuthorSchema(ApiSchema):
    id = fields.Integer()
    display_name = fields.String()


class PhotoSchema(ApiSchema):
    id = fields.Integer()
    url = fields.Method("photo_url")
    width = fields.Integer()
    height = fields.Integer()

    def photo_url(self, photo):
        return url_for("uploads.photo", filename=photo.filename)


class PhotoUploadSchema(ApiSchema):
    photo = Upload(required=True)


class ListingSchema(ApiSchema):
    id = fields.Integer(dump_only=True)
    residence_id = fields.Integer(required=True)
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
    status = fields.String(dump_only=True)
    visibility = fields.String(dump_only=True)
    owner = fields.Nested(AuthorSchema, dump_only=True)
    photos = fields.List(fields.Nested(PhotoSchema), dump_only=True)
    created_at = fields.DateTime(dump_only=True)


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
    near_residence_id = fields.Integer(
        metadata={"description": "Distances from this residence (default: my first one)."}
    )


class ListingCardSchema(ListingSchema):
    """A listing in search results: its first photo rather than all of them."""

    class Meta:
        exclude = ("photos",)

    first_photo = fields.Method("photo_of")

    def photo_of(self, listing):
        return PhotoSchema().dump(listing.photos[0]) if listing.photos else None


class ListingHitSchema(ApiSchema):
    """A search result: the listing, and how far its residence is from mine (metres)."""

    listing = fields.Nested(ListingCardSchema)
    distance_m = fields.Integer(allow_none=True)


ListingHitPageSchema = page_of(ListingHitSchema, "ListingHitPage")


class LoanRequestSchema(ApiSchema):
    starts_on = fields.Date(required=True)
    due_on = fields.Date(required=True)
    message = fields.String(load_default="", validate=at_most(1000))


class ListingSummarySchema(ApiSchema):
    id = fields.Integer()
    title = fields.String()
    kind = fields.String()


class LoanSchema(ApiSchema):
    id = fields.Integer()
    listing = fields.Nested(ListingSummarySchema)
    owner = fields.Nested(AuthorSchema)
    borrower = fields.Nested(AuthorSchema)
    starts_on = fields.Date()
    due_on = fields.Date()
    status = fields.String()
    overdue = fields.Method("is_overdue")
    message = fields.String()
    status_changed_at = fields.DateTime()
    created_at = fields.DateTime()

    def is_overdue(self, loan):
        return loan.overdue_since is not None and loan.status == LoanStatus.HANDED_OVER


LoanPageSchema = page_of(LoanSchema, "LoanPage")


class LoanListArgs(PageArgs):
    role = fields.String(validate=one_of(["owner", "borrower"]))
    status = fields.String(validate=one_of([s.value for s in LoanStatus]))


class ExchangeProposalSchema(ApiSchema):
    message = fields.String(load_default="", validate=at_most(1000))


class ExchangeSchema(ApiSchema):
    id = fields.Integer()
    listing = fields.Nested(ListingSummarySchema)
    owner = fields.Nested(AuthorSchema)
    member = fields.Nested(AuthorSchema)
    status = fields.String()
    message = fields.String()
    status_changed_at = fields.DateTime()
    created_at = fields.DateTime()


ExchangePageSchema = page_of(ExchangeSchema, "ExchangePage")


class ExchangeListArgs(PageArgs):
    status = fields.String(validate=one_of([s.value for s in ExchangeStatus]))


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


class ProfileSchema(ApiSchema):
    id = fields.Integer(attribute="user.id")
    display_name = fields.String(attribute="user.display_name")
    avatar_url = fields.String(attribute="user.avatar_url", allow_none=True)
    loans = fields.Integer()
    helps = fields.Integer()
    thanks = fields.Integer()
