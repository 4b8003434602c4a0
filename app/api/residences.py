"""Residences, their buildings, members, invite codes and neighbourhood."""

from flask import jsonify
from flask_login import login_required

from app.auth import signed_in_user
from app.openapi import ApiBlueprint
from app.schemas.common import PageArgs
from app.schemas.residences import (
    BuildingRequestSchema,
    BuildingSchema,
    InviteCodePageSchema,
    InviteCodeRequestSchema,
    InviteCodeSchema,
    MemberListArgs,
    MemberPageSchema,
    MemberSchema,
    MembershipUpdateSchema,
    NearbyArgs,
    NearbyListSchema,
    ResidenceChangesSchema,
    ResidencePageSchema,
    ResidenceRequestSchema,
    ResidenceSchema,
)
from services import invitations, memberships, residences, scoping

blp = ApiBlueprint(
    "residences",
    __name__,
    description="Residences, their buildings, members, invite codes and neighbourhood.",
)


@blp.route("/residences", methods=["GET"])
@login_required
@blp.arguments(PageArgs, location="query")
@blp.response(200, ResidencePageSchema)
def list_residences(args):
    """List my residences

    The residences I belong to; staff: every residence of their landlord.
    """
    return residences.list_residences(signed_in_user(), args.get("cursor"), args["limit"])


@blp.route("/residences", methods=["POST"])
@login_required
@blp.arguments(ResidenceRequestSchema)
@blp.response(201, ResidenceSchema)
@blp.errors(403)
def create_residence(data):
    """Create a residence

    Staff: a residence from its GeoJSON footprint (and, if not given, a point of it as its
    location).
    """
    return residences.create_residence(signed_in_user(), data)


@blp.route("/residences/<int:residence_id>", methods=["GET"])
@login_required
@blp.response(200, ResidenceSchema)
def get_residence(residence_id):
    """Get a residence

    A residence I belong to or manage, with its shape and buildings; 404 otherwise.
    """
    return scoping.get_residence(signed_in_user(), residence_id)


@blp.route("/residences/<int:residence_id>", methods=["PATCH"])
@login_required
@blp.arguments(ResidenceChangesSchema)
@blp.response(200, ResidenceSchema)
@blp.errors(403)
def update_residence(changes, residence_id):
    """Change a residence

    Staff: change its name, address or time zone, or let its solidaires manage the shared
    spaces.
    """
    return residences.update_residence(signed_in_user(), residence_id, changes)


@blp.route("/residences/<int:residence_id>/buildings", methods=["POST"])
@login_required
@blp.arguments(BuildingRequestSchema)
@blp.response(201, BuildingSchema)
@blp.errors(403, 409)
def add_building(data, residence_id):
    """Add a building

    Staff: an entrance or a staircase of the residence, with its place on the map; 409 when
    the name is taken.
    """
    return residences.add_building(signed_in_user(), residence_id, data)


@blp.route("/residences/<int:residence_id>/nearby", methods=["GET"])
@login_required
@blp.arguments(NearbyArgs, location="query")
@blp.response(200, NearbyListSchema)
def list_nearby_residences(args, residence_id):
    """List residences nearby

    Residences around this one (any landlord), nearest first, within 5 km at most.
    """
    rows = residences.nearby_residences(signed_in_user(), residence_id, args["radius_m"])
    return {"items": [{"residence": r, "distance_m": d} for r, d in rows]}


@blp.route("/residences/<int:residence_id>/members", methods=["GET"])
@login_required
@blp.arguments(MemberListArgs, location="query")
@blp.response(200, MemberPageSchema)
def list_members(args, residence_id):
    """List a residence's members

    Members and their roles. E-mails (null for others) and members who are not active are
    shown to staff only.
    """
    page, staff_view = memberships.list_members(
        signed_in_user(), residence_id, args.get("cursor"), args["limit"], args.get("status")
    )
    body = MemberPageSchema().dump(page)
    if not staff_view:
        for member in body["items"]:
            member["email"] = None
    return jsonify(body)


@blp.route("/residences/<int:residence_id>/members/<int:membership_id>", methods=["PATCH"])
@login_required
@blp.arguments(MembershipUpdateSchema)
@blp.response(200, MemberSchema)
@blp.errors(403, 409)
def update_member(changes, residence_id, membership_id):
    """Change a member's role or status

    Staff: make a member a solidaire or a resident again, suspend or reinstate them. Nobody
    changes their own role (409). Each change is written in the audit log, with `reason`.
    """
    return memberships.update_membership(signed_in_user(), residence_id, membership_id, changes)


@blp.route("/residences/<int:residence_id>/invite-codes", methods=["GET"])
@login_required
@blp.arguments(PageArgs, location="query")
@blp.response(200, InviteCodePageSchema)
@blp.errors(403)
def list_invite_codes(args, residence_id):
    """List a residence's invite codes

    Staff: the codes of the residence, newest first, with their uses.
    """
    return invitations.list_invite_codes(
        signed_in_user(), residence_id, args.get("cursor"), args["limit"]
    )


@blp.route("/residences/<int:residence_id>/invite-codes", methods=["POST"])
@login_required
@blp.arguments(InviteCodeRequestSchema)
@blp.response(201, InviteCodeSchema)
@blp.errors(403)
def create_invite_code(data, residence_id):
    """Create an invite code

    Staff: a code for tenants to join this residence, or one of its buildings, with an
    expiry and a number of uses.
    """
    return invitations.create_invite_code(signed_in_user(), residence_id, **data)


@blp.route("/residences/<int:residence_id>/invite-codes/<int:invite_id>", methods=["DELETE"])
@login_required
@blp.response(200, InviteCodeSchema)
@blp.errors(403)
def revoke_invite_code(residence_id, invite_id):
    """Revoke an invite code

    Staff: the code stops working. Members who joined with it stay members.
    """
    return invitations.revoke_invite_code(signed_in_user(), residence_id, invite_id)
