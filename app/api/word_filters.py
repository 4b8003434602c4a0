"""The landlords' word filters: content matching them is held for review."""

from flask_login import login_required

from app.auth import signed_in_user
from app.openapi import ApiBlueprint
from app.schemas.word_filters import WordFilterRequestSchema, WordFilterSchema
from services.moderation import words

blp = ApiBlueprint(
    "word_filters",
    __name__,
    description="Each landlord's French and English lists of words and phrases: posts, "
    "comments and listings that contain one are held for review instead of published.",
)


@blp.route("/landlords/<int:landlord_id>/word-filter", methods=["GET"])
@login_required
@blp.response(200, WordFilterSchema)
@blp.errors(403)
def get_word_filter(landlord_id):
    """Get the landlord's word filter

    The French and English lists, as typed, sorted; for the landlord's staff.
    """
    return words.word_filter(signed_in_user(), landlord_id)


@blp.route("/landlords/<int:landlord_id>/word-filter", methods=["PUT"])
@login_required
@blp.arguments(WordFilterRequestSchema)
@blp.response(200, WordFilterSchema)
@blp.errors(403)
def set_word_filter(data, landlord_id):
    """Replace the landlord's word filter

    Both lists are replaced (at most 500 words or phrases each, of 2 to 100 characters).
    Case, accents, leetspeak ("c0nn@rd"), repeated letters and letters spelled out with
    separators ("c.o.n") are folded; a listed word matches whole words only, never part of a
    longer word.
    """
    return words.set_word_filter(signed_in_user(), landlord_id, data)
