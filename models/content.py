"""What every piece of members' content carries: a scope and a moderation state."""

import enum


class Scope(enum.StrEnum):
    """Who can see a piece of content (see services/scoping.py)."""

    BUILDING = "building"
    RESIDENCE = "residence"
    NEARBY = "nearby"


class Visibility(enum.StrEnum):
    """Moderation state of content: hidden content is seen by its author and moderators only."""

    VISIBLE = "visible"
    HIDDEN = "hidden"
