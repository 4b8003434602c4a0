"""Neighbourhood news: the feed, posts, events, polls, announcements and alerts."""

from flask_login import login_required
from flask_smorest import Blueprint

from app.api import rate_limits
from app.auth import signed_in_user
from app.schemas.common import PageArgs, PhotoSchema, PhotoUploadSchema
from app.schemas.news import (
    CommentPageSchema,
    CommentSchema,
    FeedItemSchema,
    FeedPageSchema,
    PostRequestSchema,
    ReachSchema,
    ReactionSchema,
    RsvpSchema,
    VoteSchema,
)
from services.news import feed, interactions, publishing

blp = Blueprint("news", __name__, description="Neighbourhood news")


@blp.route("/feed", methods=["GET"])
@login_required
@blp.arguments(PageArgs, location="query")
@blp.response(200, FeedPageSchema)
def get_feed(args):
    """Everything in my reach: pinned announcements first, then newest first."""
    return feed.feed(signed_in_user(), args.get("cursor"), args["limit"])


@blp.route("/posts", methods=["POST"])
@login_required
@blp.arguments(PostRequestSchema)
@blp.response(201, FeedItemSchema)
def publish_post(data):
    """Members write posts, events and polls; staff also announcements and alerts, for a
    building, the residence, the neighbourhood (`nearby`) or an area drawn on the map."""
    user = signed_in_user()
    post = publishing.publish_post(user, **data)
    return feed.get_post(user, post.id) if post.published_at else _scheduled(post)


@blp.route("/posts/<int:post_id>", methods=["GET"])
@login_required
@blp.response(200, FeedItemSchema)
def get_post(post_id):
    return feed.get_post(signed_in_user(), post_id)


@blp.route("/posts/<int:post_id>/photos", methods=["POST"])
@login_required
@rate_limits.photo_uploads
@blp.arguments(PhotoUploadSchema, location="files")
@blp.response(201, PhotoSchema)
def add_photo(files, post_id):
    return publishing.add_photo(signed_in_user(), post_id, files["photo"].read())


@blp.route("/posts/<int:post_id>/comments", methods=["GET"])
@login_required
@blp.arguments(PageArgs, location="query")
@blp.response(200, CommentPageSchema)
def list_comments(args, post_id):
    return interactions.list_comments(signed_in_user(), post_id, args.get("cursor"), args["limit"])


@blp.route("/posts/<int:post_id>/comments", methods=["POST"])
@login_required
@blp.arguments(CommentSchema)
@blp.response(201, CommentSchema)
def add_comment(data, post_id):
    return interactions.add_comment(signed_in_user(), post_id, data["body"])


@blp.route("/posts/<int:post_id>/reaction", methods=["PUT"])
@login_required
@blp.arguments(ReactionSchema)
@blp.response(204)
def react(data, post_id):
    """My one reaction to the post; a new one replaces it."""
    interactions.react(signed_in_user(), post_id, data["kind"])


@blp.route("/posts/<int:post_id>/reaction", methods=["DELETE"])
@login_required
@blp.response(204)
def unreact(post_id):
    interactions.react(signed_in_user(), post_id, None)


@blp.route("/posts/<int:post_id>/rsvp", methods=["PUT"])
@login_required
@blp.arguments(RsvpSchema)
@blp.response(204)
def answer_event(data, post_id):
    """Going, maybe or no; going is refused (409) when the event is full."""
    interactions.answer_event(signed_in_user(), post_id, data["answer"])


@blp.route("/posts/<int:post_id>/vote", methods=["PUT"])
@login_required
@blp.arguments(VoteSchema)
@blp.response(204)
def vote(data, post_id):
    """My vote, which I may change until the poll closes."""
    interactions.vote(signed_in_user(), post_id, data["option_id"])


@blp.route("/posts/<int:post_id>/read", methods=["POST"])
@login_required
@blp.response(204)
def mark_read(post_id):
    """The app opened the post (idempotent): counts in the reach of announcements."""
    interactions.mark_read(signed_in_user(), post_id)


@blp.route("/posts/<int:post_id>/reach", methods=["GET"])
@login_required
@blp.response(200, ReachSchema)
def get_reach(post_id):
    """Staff: how many members the post targeted, and how many opened it."""
    targeted, opened = interactions.reach(signed_in_user(), post_id)
    return {"targeted": targeted, "opened": opened}


def _scheduled(post):
    return feed.FeedItem(post, "staff", 0, 0, 0, None, None, None)
