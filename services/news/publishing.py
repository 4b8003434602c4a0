"""Publishing news: members write posts, events and polls; the landlord's staff also write
announcements and alerts, which may be scheduled and pinned. Publishing tells the members
reached (announcements and alerts) through the outbox."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select, update

from models import (
    Device,
    PollOption,
    Post,
    PostBuilding,
    PostKind,
    PostPhoto,
    PostResidence,
    PostScope,
    Residence,
    Space,
    TargetKind,
    User,
    db,
)
from models.base import utcnow
from notifications import outbox
from services import photos, scoping
from services.errors import Forbidden, NotFound, field_error
from services.moderation import cases
from services.news.feed import visible_post
from services.news.targeting import (
    STAFF_KINDS,
    members_reached,
    resolve_targets,
    set_targets,
    targeted_members,
)


def publish_post(
    user: User,
    *,
    residence_id: int,
    kind: str,
    body: str,
    title: str | None = None,
    scope: str = PostScope.RESIDENCE,
    building_ids: list[int] | None = None,
    radius_m: int | None = None,
    area: dict | None = None,
    all_residences: bool = False,
    residence_ids: list[int] | None = None,
    publish_at: datetime | None = None,
    pinned_until: datetime | None = None,
    starts_at: datetime | None = None,
    ends_at: datetime | None = None,
    place: str | None = None,
    space_id: int | None = None,
    capacity: int | None = None,
    options: list[str] | None = None,
    closes_at: datetime | None = None,
    results_after_close: bool = False,
    now: datetime | None = None,
) -> Post:
    """Write a post for a building, the residence, the neighbourhood or (staff) an area; it is
    published at once, or at `publish_at` for staff. Event and poll details go with their kind."""
    now = now or utcnow()
    kind = PostKind(kind)
    residence = _authors_residence(user, residence_id, kind)
    if kind not in STAFF_KINDS:
        for name, value in (("pinned_until", pinned_until), ("publish_at", publish_at)):
            if value is not None:
                raise field_error(name, "Only the landlord's announcements can do this.")
    post = Post(
        residence=residence,
        author=user,
        kind=kind,
        title=(title or "").strip() or None,
        body=body.strip(),
        scope=PostScope(scope),
        urgent=kind == PostKind.ALERT,
        publish_at=max(publish_at or now, now),
        pinned_until=pinned_until,
    )
    if kind == PostKind.EVENT:
        _set_event(post, now, starts_at, ends_at, place, space_id, capacity)
    if kind == PostKind.POLL:
        _set_poll(post, now, options, closes_at, results_after_close)
    db.session.add(post)
    db.session.flush()
    set_targets(
        user,
        post,
        building_ids=building_ids,
        radius_m=radius_m,
        area=area,
        all_residences=all_residences,
        residence_ids=residence_ids,
    )
    if post.publish_at <= now:
        _publish(post, now)
    db.session.flush()
    texts = (post.title, post.body, post.place, *(option.label for option in post.options))
    cases.hold_if_filtered(TargetKind.POST, post, residence, user, *texts)
    return post


@dataclass(frozen=True)
class ReachPreview:
    members: int
    devices: int


def preview_reach(
    user: User,
    *,
    residence_id: int,
    kind: str,
    scope: str = PostScope.RESIDENCE,
    building_ids: list[int] | None = None,
    radius_m: int | None = None,
    area: dict | None = None,
    all_residences: bool = False,
    residence_ids: list[int] | None = None,
) -> ReachPreview:
    """Whom a post would reach if published now, as publish_post would resolve it: how many
    members, and how many phones they registered. Writes nothing."""
    kind = PostKind(kind)
    residence = _authors_residence(user, residence_id, kind)
    targets = resolve_targets(
        user,
        residence,
        kind,
        PostScope(scope),
        building_ids=building_ids,
        radius_m=radius_m,
        area=area,
        all_residences=all_residences,
        residence_ids=residence_ids,
    )
    members = members_reached(targets.residence_ids, targets.building_ids).subquery()
    counted = db.session.execute(
        select(
            select(func.count()).select_from(members).scalar_subquery(),
            select(func.count(Device.id))
            .where(Device.user_id.in_(select(members.c.id)))
            .scalar_subquery(),
        )
    ).one()
    return ReachPreview(members=counted[0], devices=counted[1])


def _authors_residence(user: User, residence_id: int, kind: PostKind) -> Residence:
    """Where the post is written: a residence the author manages (announcements and alerts),
    or where the author is an active member."""
    if kind in STAFF_KINDS:
        return scoping.get_managed_residence(user, residence_id)
    return scoping.active_membership(user, residence_id).residence


def publish_due_posts(now: datetime | None = None) -> int:
    """The scheduler's job: publish announcements whose time has come. Returns how many."""
    now = now or utcnow()
    due = db.session.scalars(
        select(Post)
        .where(Post.published_at.is_(None), Post.publish_at <= now, Post.deleted_at.is_(None))
        .with_for_update(skip_locked=True)
    ).all()
    for post in due:
        _publish(post, now)
    db.session.flush()
    return len(due)


def add_photo(user: User, post_id: int, data: bytes) -> PostPhoto:
    return attach_photo(_own_post(user, post_id), data)


def attach_photo(post: Post, data: bytes) -> PostPhoto:
    """Add a photo to a post the caller has checked is the author's (a scheduled announcement
    too, which add_photo cannot find until it is published)."""
    return photos.attach(post.photos, data, lambda **stored: PostPhoto(post=post, **stored))


# A field of edit_own_post that the author left out.
KEEP = object()


def edit_own_post(
    user: User,
    post_id: int,
    *,
    title: str | None = KEEP,
    body: str = KEEP,
    place: str | None = KEEP,
    now: datetime | None = None,
) -> Post:
    """The author changes the text of a post: its title, its body, an event's place (emptied,
    the place of an event in a space is the space's name again). Fields left out keep their
    value; the post is marked edited when its text changed. Who it reaches stays as published."""
    post = _own_post(user, post_id)
    changes = {}
    if title is not KEEP:
        changes["title"] = (title or "").strip() or None
    if body is not KEEP:
        changes["body"] = body.strip()
    if place is not KEEP:
        if post.kind != PostKind.EVENT:
            raise field_error("place", "Only events have a place.")
        changes["place"] = (place or "").strip() or None
        if changes["place"] is None and post.space_id is not None:
            changes["place"] = db.session.get(Space, post.space_id).name
    changed = {name: value for name, value in changes.items() if getattr(post, name) != value}
    if changed:
        cases.refuse_changes_under_review(TargetKind.POST, post.id)
        for name, value in changed.items():
            setattr(post, name, value)
        post.edited_at = now or utcnow()
        db.session.flush()
        cases.hold_if_filtered(TargetKind.POST, post, post.residence, user, *changed.values())
    return post


def delete_own_post(user: User, post_id: int) -> None:
    """The author deletes the post: 404 if out of reach or already deleted, 403 if not theirs."""
    delete_post(_own_post(user, post_id))


def delete_post(post: Post, now: datetime | None = None) -> None:
    """Delete a post, whoever asks (its author, or a moderator: the caller checks): it is gone
    from the feed and reads, its photos with it (the files once the unit has committed); its
    comments, reactions and answers stay behind it. 404 if already deleted."""
    if post.deleted_at is not None:
        raise NotFound("This post does not exist or is out of reach.")
    post.deleted_at = now or utcnow()
    photos.drop_photos(post.photos)


def _own_post(user: User, post_id: int) -> Post:
    post = visible_post(user, post_id)
    if post.author_id != user.id:
        raise Forbidden("Only the author of this post can change it.")
    return post


def notify_readers(recipients, post: Post, kind: str, urgent: bool = False, **params) -> None:
    """Tell members about a post (published, reminded, closed), once per post and kind."""
    outbox.enqueue(
        list(recipients),
        kind,
        {"title": post.title or post.body[:60], **params},
        key=f"{kind}:post:{post.id}",
        link=f"palier://posts/{post.id}",
        urgent=urgent,
    )


def _set_event(
    post: Post,
    now: datetime,
    starts_at: datetime | None,
    ends_at: datetime | None,
    place: str | None,
    space_id: int | None,
    capacity: int | None,
) -> None:
    if starts_at is None:
        raise field_error("starts_at", "An event needs a start.")
    if starts_at <= now:
        raise field_error("starts_at", "An event starts in the future.")
    if ends_at is not None and ends_at <= starts_at:
        raise field_error("ends_at", "The end must come after the start.")
    post.starts_at, post.ends_at = starts_at, ends_at
    post.place = (place or "").strip() or None
    post.capacity = capacity
    if space_id is not None:
        space = db.session.get(Space, space_id)
        if space is None or space.residence_id != post.residence.id:
            raise field_error("space_id", "This space is not one of the residence's.")
        post.space_id = space.id
        post.place = post.place or space.name


def _set_poll(
    post: Post,
    now: datetime,
    options: list[str] | None,
    closes_at: datetime | None,
    results_after_close: bool,
) -> None:
    labels = [label.strip() for label in options or []]
    if not 2 <= len(labels) <= 10 or len(set(labels)) != len(labels) or not all(labels):
        raise field_error("options", "A poll has from 2 to 10 different options.")
    if closes_at is None or closes_at <= now:
        raise field_error("closes_at", "A poll closes in the future.")
    post.closes_at = closes_at
    post.results_after_close = results_after_close
    post.options = [PollOption(position=index, label=label) for index, label in enumerate(labels)]


def _publish(post: Post, now: datetime) -> None:
    post.published_at = now
    for target in (PostResidence, PostBuilding):
        db.session.execute(update(target).where(target.post_id == post.id).values(published_at=now))
    members = targeted_members(post)
    post.targeted_count = len(members)
    if post.kind in STAFF_KINDS:
        kind = "alert" if post.kind == PostKind.ALERT else "announcement"
        notify_readers(
            [m for m in members if m.id != post.author_id], post, kind, urgent=post.urgent
        )
