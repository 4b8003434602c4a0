"""Members' public profiles: a name and what they shared with neighbours."""

from flask_login import login_required
from flask_smorest import Blueprint

from app.auth import signed_in_user
from app.schemas.profiles import ProfileSchema
from services import profiles

blp = Blueprint("members", __name__, description="Members' profiles")


@blp.route("/members/<int:user_id>", methods=["GET"])
@login_required
@blp.response(200, ProfileSchema)
def get_profile(user_id):
    """Counts of loans, helps and thanks: "12 prêts, 5 coups de main, 17 mercis"."""
    return profiles.member_profile(signed_in_user(), user_id)
