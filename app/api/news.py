"""Neighbourhood news: the feed, posts, events, polls, announcements and alerts."""

from flask import jsonify
from flask_login import login_required

from app.api import rate_limits
from app.auth import signed_in_user
from app.openapi import ApiBlueprint
from app.schemas.common import PageArgs, PhotoSchema, PhotoUploadSchema
from app.schemas.news import (
    CommentPageSchema,
    CommentRequestSchema,
    CommentSchema,
    FeedItemSchema,
    FeedPageSchema,
    PostEditSchema,
    PostRequestSchema,
    ReachSchema,
    ReactionSchema,
    RsvpSchema,
    VoteSchema,
    feed_page_json,
)
from services.news import feed, interactions, publishing

blp = ApiBlueprint(
    "news",
    __name__,
    description="Neighbourhood news: posts, events, polls, and the landlord's announcements "
    "and alerts, with comments, reactions, answers and votes.",
)


@blp.route("/feed", methods=["GET"])
@login_required
@blp.arguments(PageArgs, location="query")
@blp.response(200, FeedPageSchema)
def list_feed(args):
    """Read the news feed

    Everything in my reach: pinned announcements first (on the first page, while their pin
    lasts), then newest first.
    """
    page = feed.feed(signed_in_user(), args.get("cursor"), args["limit"])
    return jsonify(feed_page_json(page))


@blp.route("/posts", methods=["POST"])
@login_required
@blp.arguments(PostRequestSchema)
@blp.response(201, FeedItemSchema)
@blp.errors(403, 404)
def publish_post(data):
    """Publish a post

    Members write posts, events and polls; staff also announcements and alerts (urgent: sent
    even in quiet hours), for a building, the residence, the neighbourhood (`nearby`) or an
    area drawn on the map. Staff may schedule (`publish_at`) and pin (`pinned_until`).
    """
    user = signed_in_user()
    post = publishing.publish_post(user, **data)
    return feed.get_post(user, post.id) if post.published_at else feed.scheduled_item(post)


@blp.route("/posts/<int:post_id>", methods=["GET"])
@login_required
@blp.response(200, FeedItemSchema)
def get_post(post_id):
    """Get a post

    A post in my reach, as it shows in the feed; 404 when it is out of reach.
    """
    return feed.get_post(signed_in_user(), post_id)


@blp.route("/posts/<int:post_id>", methods=["PATCH"])
@login_required
@blp.arguments(PostEditSchema)
@blp.response(200, FeedItemSchema)
@blp.errors(403)
def edit_post(data, post_id):
    """Change a post

    The author changes its title, its text, or an event's place; fields left out keep their
    value. The post shows when it was last edited (`edited_at`); who it reaches stays as it
    was published.
    """
    user = signed_in_user()
    post = publishing.edit_own_post(user, post_id, **data)
    return feed.get_post(user, post.id)


@blp.route("/posts/<int:post_id>", methods=["DELETE"])
@login_required
@blp.response(204)
@blp.errors(403)
def delete_post(post_id):
    """Delete a post

    The author deletes it: it is gone from the feed for everyone (404 from then on), its
    photos with it.
    """
    publishing.delete_own_post(signed_in_user(), post_id)


@blp.route("/posts/<int:post_id>/photos", methods=["POST"])
@login_required
@rate_limits.photo_uploads
@blp.arguments(PhotoUploadSchema, location="files")
@blp.response(201, PhotoSchema)
@blp.errors(403, 409)
def add_post_photo(files, post_id):
    """Add a photo to a post

    The author adds a JPEG, PNG or WebP photo of at most 5 MB (multipart field `photo`), at
    most 4 a post, re-encoded without its EXIF data.
    """
    return publishing.add_photo(signed_in_user(), post_id, files["photo"].read())


@blp.route("/posts/<int:post_id>/comments", methods=["GET"])
@login_required
@blp.arguments(PageArgs, location="query")
@blp.response(200, CommentPageSchema)
def list_comments(args, post_id):
    """Read a post's comments

    Oldest first; hidden comments are left out, except my own, and so are those of members
    I block or who block me. A deleted comment keeps its place, with `deleted` true and no text.
    """
    return interactions.list_comments(signed_in_user(), post_id, args.get("cursor"), args["limit"])


@blp.route("/posts/<int:post_id>/comments", methods=["POST"])
@login_required
@blp.arguments(CommentRequestSchema)
@blp.response(201, CommentSchema)
@blp.errors(403)
def add_comment(data, post_id):
    """Comment on a post

    The post's author is told who commented. An announcement or an alert by a member who
    blocks me, or whom I block, cannot be answered (403).
    """
    return interactions.add_comment(signed_in_user(), post_id, data["body"])


@blp.route("/comments/<int:comment_id>", methods=["PATCH"])
@login_required
@blp.arguments(CommentRequestSchema)
@blp.response(200, CommentSchema)
@blp.errors(403)
def edit_comment(data, comment_id):
    """Change a comment

    The author changes its text; the comment shows when it was last edited (`edited_at`).
    """
    return interactions.edit_own_comment(signed_in_user(), comment_id, data["body"])


@blp.route("/comments/<int:comment_id>", methods=["DELETE"])
@login_required
@blp.response(204)
@blp.errors(403)
def delete_comment(comment_id):
    """Delete a comment

    The author deletes it: it stays in the post's comments as `deleted`, without its text,
    and no longer counts.
    """
    interactions.delete_own_comment(signed_in_user(), comment_id)


@blp.route("/posts/<int:post_id>/reaction", methods=["PUT"])
@login_required
@blp.arguments(ReactionSchema)
@blp.response(204)
@blp.errors(403)
def set_reaction(data, post_id):
    """React to a post

    My one reaction to the post; a new one replaces it. 403 as for comments.
    """
    interactions.react(signed_in_user(), post_id, data["kind"])


@blp.route("/posts/<int:post_id>/reaction", methods=["DELETE"])
@login_required
@blp.response(204)
def remove_reaction(post_id):
    """Take my reaction back

    Nothing happens if I had not reacted.
    """
    interactions.react(signed_in_user(), post_id, None)


@blp.route("/posts/<int:post_id>/rsvp", methods=["PUT"])
@login_required
@blp.arguments(RsvpSchema)
@blp.response(204)
@blp.errors(409)
def answer_event(data, post_id):
    """Answer an event

    Going, maybe or no; going is refused (409, with `going`) when the event is full.
    """
    interactions.answer_event(signed_in_user(), post_id, data["answer"])


@blp.route("/posts/<int:post_id>/vote", methods=["PUT"])
@login_required
@blp.arguments(VoteSchema)
@blp.response(204)
@blp.errors(409)
def vote_in_poll(data, post_id):
    """Vote in a poll

    My vote, which I may change until the poll closes (409 once it is closed).
    """
    interactions.vote(signed_in_user(), post_id, data["option_id"])


@blp.route("/posts/<int:post_id>/read", methods=["POST"])
@blp.allowed_while_suspended
@login_required
@blp.response(204)
def mark_post_read(post_id):
    """Say a post was opened

    The app opened the post; saying it twice changes nothing. Counts in the reach of
    announcements.
    """
    interactions.mark_read(signed_in_user(), post_id)


@blp.route("/posts/<int:post_id>/reach", methods=["GET"])
@login_required
@blp.response(200, ReachSchema)
@blp.errors(403)
def get_post_reach(post_id):
    """Get a post's reach

    Staff: how many members the post targeted when published, and how many opened it.
    """
    targeted, opened = interactions.reach(signed_in_user(), post_id)
    return {"targeted": targeted, "opened": opened}
