"""Joining a residence with an invite code."""

from flask_login import login_required
from flask_smorest import Blueprint

from app.api import rate_limits
from app.auth import signed_in_user
from app.schemas.residences import JoinSchema, MembershipSchema
from services import invitations

blp = Blueprint("memberships", __name__, description="Joining a residence")


@blp.route("/memberships", methods=["POST"])
@login_required
@rate_limits.join_per_ip
@rate_limits.join_per_account
@blp.arguments(JoinSchema)
@blp.response(201, MembershipSchema)
def join_residence(data):
    """Join the residence (and building) of an invite code."""
    return invitations.join_with_code(signed_in_user(), data["code"])
