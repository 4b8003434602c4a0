from marshmallow import fields

from app.schemas.common import (
    ApiSchema,
    GeoJSON,
    Id,
    Moment,
    PageArgs,
    between,
    one_of,
    page_of,
    text,
)
from models import MembershipRole, MembershipStatus
from services.residences import DEFAULT_NEARBY_RADIUS_M, MAX_NEARBY_RADIUS_M


class BuildingSchema(ApiSchema):
    id = fields.Integer(dump_only=True)
    name = text(100, required=True, metadata={"example": "Bâtiment B, escalier 2"})
    location = GeoJSON(("Point",), required=True)


class ResidenceSummarySchema(ApiSchema):
    id = fields.Integer()
    landlord_id = fields.Integer()
    name = fields.String()
    address = fields.String()
    time_zone = fields.String()


class ResidenceSchema(ApiSchema):
    """A residence in full: its shape on the map and its buildings."""

    id = fields.Integer(dump_only=True)
    landlord_id = Id(metadata={"description": "Needed if you work for several."})
    name = text(200, required=True, metadata={"example": "Résidence Les Tilleuls"})
    address = text(300, required=True)
    time_zone = fields.String(load_default="Europe/Paris")
    footprint = GeoJSON(("Polygon", "MultiPolygon"), required=True)
    location = GeoJSON(
        ("Point",), metadata={"description": "Defaults to a point of the footprint."}
    )
    buildings = fields.List(fields.Nested(BuildingSchema), dump_only=True)
    solidaires_manage_spaces = fields.Boolean(dump_only=True)


class ResidenceChangesSchema(ApiSchema):
    name = text(200)
    address = text(300)
    time_zone = fields.String()
    solidaires_manage_spaces = fields.Boolean(
        metadata={"description": "Let the residence's solidaires manage its shared spaces"}
    )


ResidencePageSchema = page_of(ResidenceSummarySchema, "ResidencePage")


class NearbyArgs(ApiSchema):
    radius_m = fields.Integer(
        load_default=DEFAULT_NEARBY_RADIUS_M, validate=between(1, MAX_NEARBY_RADIUS_M)
    )


class NearbyResidenceSchema(ApiSchema):
    residence = fields.Nested(ResidenceSummarySchema)
    distance_m = fields.Integer()


class NearbyListSchema(ApiSchema):
    items = fields.List(fields.Nested(NearbyResidenceSchema))


class MemberSchema(ApiSchema):
    id = fields.Integer(metadata={"description": "The membership's id."})
    user_id = fields.Integer()
    display_name = fields.String(attribute="user.display_name")
    email = fields.String(
        attribute="user.email", metadata={"description": "Shown to the landlord's staff only."}
    )
    role = fields.String()
    status = fields.String()
    building = fields.String(attribute="building.name", allow_none=True)
    joined_at = fields.DateTime()


MemberPageSchema = page_of(MemberSchema, "MemberPage")


class MemberListArgs(PageArgs):
    status = fields.String(validate=one_of([s.value for s in MembershipStatus]))


class MembershipUpdateSchema(ApiSchema):
    role = fields.String(validate=one_of([r.value for r in MembershipRole]))
    status = fields.String(validate=one_of([s.value for s in MembershipStatus]))


class JoinSchema(ApiSchema):
    code = text(32, required=True, metadata={"example": "K7PM-Q3XD"})


class MembershipSchema(ApiSchema):
    id = fields.Integer()
    residence = fields.Nested(ResidenceSummarySchema)
    building = fields.String(attribute="building.name", allow_none=True)
    role = fields.String()
    status = fields.String()
    joined_at = fields.DateTime()


class InviteCodeSchema(ApiSchema):
    id = fields.Integer(dump_only=True)
    code = fields.String(dump_only=True)
    building_id = Id(allow_none=True)
    expires_at = Moment(allow_none=True)
    max_uses = fields.Integer(allow_none=True, validate=between(1, 10000))
    uses = fields.Integer(dump_only=True)
    revoked_at = fields.DateTime(dump_only=True, allow_none=True)
    created_at = fields.DateTime(dump_only=True)


InviteCodePageSchema = page_of(InviteCodeSchema, "InviteCodePage")
