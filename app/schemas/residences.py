"""Residences, their buildings, members and invite codes."""

from marshmallow import fields

from app.schemas.common import (
    ApiSchema,
    GeoJSON,
    Id,
    Moment,
    PageArgs,
    ResponseSchema,
    between,
    enum_of,
    one_of,
    page_of,
    public_name_of,
    text,
)
from models import MembershipRole, MembershipStatus
from services.residences import DEFAULT_NEARBY_RADIUS_M, MAX_NEARBY_RADIUS_M


class BuildingRequestSchema(ApiSchema):
    name = text(100, required=True, metadata={"example": "Bâtiment B, escalier 2"})
    location = GeoJSON(("Point",), required=True)


class BuildingSchema(ResponseSchema):
    id = fields.Integer()
    name = fields.String()
    location = GeoJSON(("Point",))


class ResidenceSummarySchema(ResponseSchema):
    id = fields.Integer()
    landlord_id = fields.Integer()
    name = fields.String()
    address = fields.String()
    time_zone = fields.String()


class ResidenceRequestSchema(ApiSchema):
    landlord_id = Id(metadata={"description": "Needed if you work for several."})
    name = text(200, required=True, metadata={"example": "Résidence Les Tilleuls"})
    address = text(300, required=True)
    time_zone = fields.String(load_default="Europe/Paris")
    footprint = GeoJSON(("Polygon", "MultiPolygon"), required=True)
    location = GeoJSON(
        ("Point",), metadata={"description": "Defaults to a point of the footprint."}
    )


class ResidenceSchema(ResponseSchema):
    """A residence in full: its shape on the map and its buildings."""

    id = fields.Integer()
    landlord_id = fields.Integer()
    name = fields.String()
    address = fields.String()
    time_zone = fields.String()
    footprint = GeoJSON(("Polygon", "MultiPolygon"))
    location = GeoJSON(("Point",))
    buildings = fields.List(fields.Nested(BuildingSchema))
    solidaires_manage_spaces = fields.Boolean()
    auto_hide_threshold = fields.Integer(
        metadata={"description": "Distinct members whose reports hide content pending review."}
    )


class ResidenceChangesSchema(ApiSchema):
    name = text(200)
    address = text(300)
    time_zone = fields.String()
    solidaires_manage_spaces = fields.Boolean(
        metadata={"description": "Let the residence's solidaires manage its shared spaces"}
    )
    auto_hide_threshold = fields.Integer(
        validate=between(1, 50),
        metadata={"description": "Distinct members whose reports hide content pending review."},
    )


ResidencePageSchema = page_of(ResidenceSummarySchema, "ResidencePage")


class NearbyArgs(ApiSchema):
    radius_m = fields.Integer(
        load_default=DEFAULT_NEARBY_RADIUS_M, validate=between(1, MAX_NEARBY_RADIUS_M)
    )


class NearbyResidenceSchema(ResponseSchema):
    residence = fields.Nested(ResidenceSummarySchema)
    distance_m = fields.Integer()


class NearbyListSchema(ResponseSchema):
    items = fields.List(fields.Nested(NearbyResidenceSchema))


class MemberSchema(ResponseSchema):
    id = fields.Integer(metadata={"description": "The membership's id."})
    user_id = fields.Integer()
    display_name = public_name_of(lambda membership: membership.user)
    email = fields.String(
        attribute="user.email",
        allow_none=True,
        metadata={"description": "Shown to the landlord's staff only: null for others."},
    )
    role = enum_of(MembershipRole)
    status = enum_of(MembershipStatus)
    building = fields.String(attribute="building.name", allow_none=True)
    joined_at = fields.DateTime()


MemberPageSchema = page_of(MemberSchema, "MemberPage")


class MemberListArgs(PageArgs):
    status = fields.String(validate=one_of([s.value for s in MembershipStatus]))


class MembershipUpdateSchema(ApiSchema):
    role = fields.String(validate=one_of([r.value for r in MembershipRole]))
    status = fields.String(validate=one_of([s.value for s in MembershipStatus]))
    reason = text(500, metadata={"description": "Kept in the audit log with the change."})


class JoinSchema(ApiSchema):
    code = text(32, required=True, metadata={"example": "K7PM-Q3XD-W9HT"})


class MembershipSchema(ResponseSchema):
    id = fields.Integer()
    residence = fields.Nested(ResidenceSummarySchema)
    building = fields.String(attribute="building.name", allow_none=True)
    role = enum_of(MembershipRole)
    status = enum_of(MembershipStatus)
    joined_at = fields.DateTime()


class InviteCodeRequestSchema(ApiSchema):
    building_id = Id(allow_none=True)
    expires_at = Moment(
        allow_none=True,
        metadata={"description": "Defaults to 90 days from now (INVITE_CODE_DAYS)"},
    )
    never_expires = fields.Boolean(
        load_default=False,
        metadata={"description": "Staff: a code that never expires (no `expires_at` then)"},
    )
    max_uses = fields.Integer(allow_none=True, validate=between(1, 10000))


class InviteCodeSchema(ResponseSchema):
    id = fields.Integer()
    code = fields.String()
    building_id = fields.Integer(allow_none=True)
    expires_at = fields.DateTime(allow_none=True)
    max_uses = fields.Integer(allow_none=True)
    uses = fields.Integer()
    revoked_at = fields.DateTime(allow_none=True)
    created_at = fields.DateTime()


InviteCodePageSchema = page_of(InviteCodeSchema, "InviteCodePage")
