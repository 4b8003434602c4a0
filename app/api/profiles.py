"""Members' public profiles: a name and what they shared with neighbours."""

from flask_login import login_required

from app.auth import signed_in_user
from app.openapi import ApiBlueprint
from app.schemas.profiles import ProfileSchema
from services import profiles

blp = ApiBlueprint(
    "profiles", __name__, description="What a neighbour shows of themselves: a name and thanks."
)


@blp.route("/members/<int:user_id>", methods=["GET"])
@login_required
@blp.response(200, ProfileSchema)
def get_member_profile(user_id):
    """Get a neighbour's profile

    Their name and what they shared, as counts: "12 prêts, 5 coups de main, 17 mercis". Only
    members who share a residence (or its neighbourhood) see one another; others get 404, and
    so do members who block one another.
    """
    return profiles.member_profile(signed_in_user(), user_id)
