import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Timestamped, UTCDateTime, db, enum_column, utcnow
from models.content import Visibility
from models.photo import PhotoColumns


class PostKind(enum.StrEnum):
    POST = "post"
    EVENT = "event"
    POLL = "poll"
    ANNOUNCEMENT = "announcement"
    ALERT = "alert"


class PostScope(enum.StrEnum):
    BUILDING = "building"
    RESIDENCE = "residence"
    NEARBY = "nearby"
    AREA = "area"


class Rsvp(enum.StrEnum):
    GOING = "going"
    MAYBE = "maybe"
    NO = "no"


REACTIONS = ("like", "thanks", "love", "laugh", "sad")
MAX_POST_LENGTH = 2000


class Post(Timestamped, db.Model):
    """Neighbourhood news. Who may read it is fixed when it is published: the residences (or
    buildings) it reaches are written in post_residences / post_buildings, so that an area drawn
    on the map, or a radius, is resolved once by PostGIS and not on every read of the feed."""

    __tablename__ = "posts"
    __table_args__ = (
        sa.CheckConstraint("radius_m IS NULL OR radius_m BETWEEN 100 AND 5000", name="radius"),
        sa.CheckConstraint("ends_at IS NULL OR ends_at > starts_at", name="event_ordered"),
        sa.Index("ix_posts_published", "published_at", "id"),
        sa.Index("ix_posts_residence_recent", "residence_id", "published_at", "id"),
        sa.Index(
            "ix_posts_pinned",
            "pinned_until",
            postgresql_where=sa.text("pinned_until IS NOT NULL"),
            sqlite_where=sa.text("pinned_until IS NOT NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    residence_id: Mapped[int] = mapped_column(
        sa.ForeignKey("residences.id", ondelete="CASCADE"), index=True
    )
    author_id: Mapped[int] = mapped_column(
        sa.ForeignKey("users.id", ondelete="RESTRICT"), index=True
    )
    kind: Mapped[PostKind] = mapped_column(enum_column(PostKind, name="post_kind"))
    title: Mapped[str | None] = mapped_column(sa.String(120))
    body: Mapped[str] = mapped_column(sa.Text)
    scope: Mapped[PostScope] = mapped_column(enum_column(PostScope, name="post_scope"))
    radius_m: Mapped[int | None]
    visibility: Mapped[Visibility] = mapped_column(
        enum_column(Visibility, name="post_visibility"), default=Visibility.VISIBLE
    )
    urgent: Mapped[bool] = mapped_column(default=False)
    # Set when the author changes the text ("edited"), and when the author or a moderator deletes
    # it: deleted rows stay as tombstones so that threads and counts keep their shape.
    edited_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    publish_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    pinned_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    targeted_count: Mapped[int] = mapped_column(default=0)
    # Events
    starts_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    place: Mapped[str | None] = mapped_column(sa.String(200))
    space_id: Mapped[int | None] = mapped_column(sa.ForeignKey("spaces.id", ondelete="SET NULL"))
    capacity: Mapped[int | None]
    reminder_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Polls
    closes_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    results_after_close: Mapped[bool] = mapped_column(default=False)
    closing_told_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # What the feed shows of every post, kept here by services/news/counts.py in the same
    # transaction as the rows they count, so that a page of the feed counts nothing: comments
    # visible and not deleted (whoever wrote them), reactions, and members going to an event.
    comment_count: Mapped[int] = mapped_column(default=0, server_default="0")
    reaction_count: Mapped[int] = mapped_column(default=0, server_default="0")
    going_count: Mapped[int] = mapped_column(default=0, server_default="0")

    author = relationship("User")
    residence = relationship("Residence")
    photos = relationship(
        "PostPhoto",
        order_by="PostPhoto.position",
        cascade="all, delete-orphan",
        back_populates="post",
    )
    options = relationship(
        "PollOption",
        order_by="PollOption.position",
        cascade="all, delete-orphan",
        back_populates="post",
    )


class PostResidence(db.Model):
    """A residence whose members a post reaches (scopes residence, nearby and area).

    `published_at` repeats the post's, so that a residence's newest news is read in index order.
    """

    __tablename__ = "post_residences"
    __table_args__ = (
        sa.Index("ix_post_residences_recent", "residence_id", "published_at", "post_id"),
    )

    post_id: Mapped[int] = mapped_column(
        sa.ForeignKey("posts.id", ondelete="CASCADE"), primary_key=True
    )
    residence_id: Mapped[int] = mapped_column(
        sa.ForeignKey("residences.id", ondelete="CASCADE"), primary_key=True
    )
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class PostBuilding(db.Model):
    """A building whose members a post reaches (scope building); `published_at` as above."""

    __tablename__ = "post_buildings"
    __table_args__ = (
        sa.Index("ix_post_buildings_recent", "building_id", "published_at", "post_id"),
    )

    post_id: Mapped[int] = mapped_column(
        sa.ForeignKey("posts.id", ondelete="CASCADE"), primary_key=True
    )
    building_id: Mapped[int] = mapped_column(
        sa.ForeignKey("buildings.id", ondelete="CASCADE"), primary_key=True
    )
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class PostPhoto(PhotoColumns, db.Model):
    __tablename__ = "post_photos"
    __table_args__ = (sa.UniqueConstraint("post_id", "position"),)

    post_id: Mapped[int] = mapped_column(sa.ForeignKey("posts.id", ondelete="CASCADE"), index=True)

    post = relationship("Post", back_populates="photos")


class Comment(db.Model):
    __tablename__ = "comments"
    __table_args__ = (sa.Index("ix_comments_post", "post_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(sa.ForeignKey("posts.id", ondelete="CASCADE"))
    author_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="RESTRICT"))
    body: Mapped[str] = mapped_column(sa.Text)
    visibility: Mapped[Visibility] = mapped_column(
        enum_column(Visibility, name="comment_visibility"), default=Visibility.VISIBLE
    )
    # Set when the author changes the text ("edited"), and when the author or a moderator deletes
    # it: deleted rows stay as tombstones so that threads and counts keep their shape.
    edited_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    author = relationship("User")


class Reaction(db.Model):
    __tablename__ = "reactions"
    __table_args__ = (
        sa.CheckConstraint("kind IN ('like', 'thanks', 'love', 'laugh', 'sad')", name="known"),
    )

    post_id: Mapped[int] = mapped_column(
        sa.ForeignKey("posts.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("users.id", ondelete="RESTRICT"), primary_key=True
    )
    kind: Mapped[str] = mapped_column(sa.String(10))
    # When it was given, for the monthly reports (unknown for those given before it was kept).
    created_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=utcnow)


class EventRsvp(db.Model):
    __tablename__ = "event_rsvps"

    post_id: Mapped[int] = mapped_column(
        sa.ForeignKey("posts.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("users.id", ondelete="RESTRICT"), primary_key=True
    )
    answer: Mapped[Rsvp] = mapped_column(enum_column(Rsvp, name="rsvp_answer"))
    # When it was given, for the monthly reports (unknown for those given before it was kept).
    created_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=utcnow)


class PollOption(db.Model):
    __tablename__ = "poll_options"
    __table_args__ = (sa.UniqueConstraint("post_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(sa.ForeignKey("posts.id", ondelete="CASCADE"))
    position: Mapped[int]
    label: Mapped[str] = mapped_column(sa.String(100))

    post = relationship("Post", back_populates="options")


class Vote(db.Model):
    __tablename__ = "votes"

    post_id: Mapped[int] = mapped_column(
        sa.ForeignKey("posts.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("users.id", ondelete="RESTRICT"), primary_key=True
    )
    option_id: Mapped[int] = mapped_column(
        sa.ForeignKey("poll_options.id", ondelete="CASCADE"), index=True
    )
    # When it was given, for the monthly reports (unknown for those given before it was kept).
    created_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=utcnow)


class PostRead(db.Model):
    """A member opened the post (reported by the app), for the reach of announcements."""

    __tablename__ = "post_reads"

    post_id: Mapped[int] = mapped_column(
        sa.ForeignKey("posts.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("users.id", ondelete="RESTRICT"), primary_key=True
    )
    read_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
