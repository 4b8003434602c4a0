"""Residences, their buildings, members, invite codes and neighbourhood."""

from flask import jsonify
from flask_login import login_required
from flask_smorest import Blueprint

from app.auth import signed_in_user
from app.schemas.common import PageArgs
from app.schemas.residences import (
    BuildingSchema,
    InviteCodePageSchema,
    InviteCodeSchema,
    MemberListArgs,
    MemberPageSchema,
    MemberSchema,
    MembershipUpdateSchema,
    NearbyArgs,
    NearbyListSchema,
    ResidenceChangesSchema,
    ResidencePageSchema,
    ResidenceSchema,
)
from services import invitations, memberships, residences, scoping

blp = Blueprint("residences", __name__, description="Residences and their members")


@blp.route("/residences", methods=["GET"])
@login_required
@blp.arguments(PageArgs, location="query")
@blp.response(200, ResidencePageSchema)
def list_residences(args):
    """The residences I belong to (staff: every residence of their landlord)."""
    return residences.list_residences(signed_in_user(), args.get("cursor"), args["limit"])


@blp.route("/residences", methods=["POST"])
@login_required
@blp.arguments(ResidenceSchema)
@blp.response(201, ResidenceSchema)
def create_residence(data):
    """Staff: create a residence from its GeoJSON footprint."""
    return residences.create_residence(signed_in_user(), data)


@blp.route("/residences/<int:residence_id>", methods=["GET"])
@login_required
@blp.response(200, ResidenceSchema)
def get_residence(residence_id):
    return scoping.get_residence(signed_in_user(), residence_id)


@blp.route("/residences/<int:residence_id>", methods=["PATCH"])
@login_required
@blp.arguments(ResidenceChangesSchema)
@blp.response(200, ResidenceSchema)
def update_residence(changes, residence_id):
    """Staff: change the residence, or let its solidaires manage the shared spaces."""
    return residences.update_residence(signed_in_user(), residence_id, changes)


@blp.route("/residences/<int:residence_id>/buildings", methods=["POST"])
@login_required
@blp.arguments(BuildingSchema)
@blp.response(201, BuildingSchema)
def add_building(data, residence_id):
    """Staff: add a building (entrance, staircase) to a residence."""
    return residences.add_building(signed_in_user(), residence_id, data)


@blp.route("/residences/<int:residence_id>/nearby", methods=["GET"])
@login_required
@blp.arguments(NearbyArgs, location="query")
@blp.response(200, NearbyListSchema)
def list_nearby(args, residence_id):
    """Residences around this one (any landlord), nearest first, within 5 km at most."""
    rows = residences.nearby_residences(signed_in_user(), residence_id, args["radius_m"])
    return {"items": [{"residence": r, "distance_m": d} for r, d in rows]}


@blp.route("/residences/<int:residence_id>/members", methods=["GET"])
@login_required
@blp.arguments(MemberListArgs, location="query")
@blp.response(200, MemberPageSchema)
def list_members(args, residence_id):
    """Members and their roles. E-mails and non-active members are shown to staff only."""
    page, staff_view = memberships.list_members(
        signed_in_user(), residence_id, args.get("cursor"), args["limit"], args.get("status")
    )
    exclude = () if staff_view else ("items.email",)
    return jsonify(MemberPageSchema(exclude=exclude).dump(page))


@blp.route("/residences/<int:residence_id>/members/<int:membership_id>", methods=["PATCH"])
@login_required
@blp.arguments(MembershipUpdateSchema)
@blp.response(200, MemberSchema)
def update_member(changes, residence_id, membership_id):
    """Staff: change a member's role or status."""
    return memberships.update_membership(signed_in_user(), residence_id, membership_id, changes)


@blp.route("/residences/<int:residence_id>/invite-codes", methods=["GET"])
@login_required
@blp.arguments(PageArgs, location="query")
@blp.response(200, InviteCodePageSchema)
def list_invite_codes(args, residence_id):
    return invitations.list_invite_codes(
        signed_in_user(), residence_id, args.get("cursor"), args["limit"]
    )


@blp.route("/residences/<int:residence_id>/invite-codes", methods=["POST"])
@login_required
@blp.arguments(InviteCodeSchema)
@blp.response(201, InviteCodeSchema)
def create_invite_code(data, residence_id):
    """Staff: a code for tenants to join this residence, or one of its buildings."""
    return invitations.create_invite_code(signed_in_user(), residence_id, **data)


@blp.route("/residences/<int:residence_id>/invite-codes/<int:invite_id>", methods=["DELETE"])
@login_required
@blp.response(200, InviteCodeSchema)
def revoke_invite_code(residence_id, invite_id):
    """Staff: revoke a code. Members who joined with it stay members."""
    return invitations.revoke_invite_code(signed_in_user(), residence_id, invite_id)
