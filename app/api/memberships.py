"""Joining a residence with an invite code."""

from flask_login import login_required

from app.api import rate_limits
from app.auth import signed_in_user
from app.openapi import ApiBlueprint
from app.schemas.residences import JoinSchema, MembershipSchema
from services import invitations

blp = ApiBlueprint(
    "memberships", __name__, description="Joining a residence with the code the landlord gave."
)


@blp.route("/memberships", methods=["POST"])
@login_required
@rate_limits.join_per_ip
@rate_limits.join_per_account
@blp.arguments(JoinSchema)
@blp.response(201, MembershipSchema)
@blp.errors(403, 409)
def join_residence(data):
    """Join a residence

    Join the residence (and building) of an invite code. 409 when already a member; 403 when
    the membership there is suspended.
    """
    return invitations.join_with_code(signed_in_user(), data["code"])
