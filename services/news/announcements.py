"""The landlord's announcements and alerts of a residence, as its staff follow them: the list
with each one's reach, and what the composer offers to target (buildings, residences, map)."""

from dataclasses import dataclass

from sqlalchemy import func, select

from models import Building, Post, Residence, User, db
from services import scoping
from services.geojson import to_geojson
from services.news.interactions import opened_counts
from services.news.targeting import STAFF_KINDS

PAGE_SIZE = 20
# Beyond this page nobody reads; it keeps OFFSET a small number whatever the address says.
LAST_PAGE = 10_000


@dataclass
class AnnouncementReach:
    post: Post
    opened: int

    @property
    def share(self) -> float | None:
        """Opened over targeted, from 0 to 1; None while nobody was targeted."""
        targeted = self.post.targeted_count
        return self.opened / targeted if targeted else None


@dataclass
class AnnouncementPage:
    residence: Residence
    items: list[AnnouncementReach]
    page: int
    has_next: bool


@dataclass
class Composer:
    """What an announcement of `residence` can target."""

    residence: Residence
    buildings: list[Building]
    residences: list[Residence]  # the landlord's residences the member manages, this one too
    map_features: dict  # GeoJSON FeatureCollection: footprints and buildings


def announcement_page(user: User, residence_id: int, page: int = 1) -> AnnouncementPage:
    """The residence's announcements and alerts, the newest (or next to come) first, PAGE_SIZE
    a page, each with how many of the members it targeted opened it. Staff of the residence
    only: 404 out of sight, 403 for its other members."""
    residence = scoping.get_managed_residence(user, residence_id)
    page = min(max(page, 1), LAST_PAGE)
    newest = func.coalesce(Post.published_at, Post.publish_at)
    posts = list(
        db.session.scalars(
            select(Post)
            .where(
                Post.residence_id == residence.id,
                Post.kind.in_(STAFF_KINDS),
                Post.deleted_at.is_(None),
            )
            .order_by(newest.desc(), Post.id.desc())
            .offset((page - 1) * PAGE_SIZE)
            .limit(PAGE_SIZE + 1)
        )
    )
    shown = posts[:PAGE_SIZE]
    opened = opened_counts([post.id for post in shown])
    items = [AnnouncementReach(post, opened.get(post.id, 0)) for post in shown]
    return AnnouncementPage(residence, items, page, has_next=len(posts) > PAGE_SIZE)


def composer(user: User, residence_id: int) -> Composer:
    """The buildings of the residence, the landlord's residences the member manages, and the
    map of both. Staff of the residence only, as announcement_page."""
    residence = scoping.get_managed_residence(user, residence_id)
    residences = list(
        db.session.scalars(
            select(Residence)
            .where(
                Residence.landlord_id == residence.landlord_id,
                scoping.managed_residences_clause(user),
            )
            .order_by(Residence.name, Residence.id)
        )
    )
    buildings = list(
        db.session.scalars(
            select(Building).where(Building.residence_id == residence.id).order_by(Building.name)
        )
    )
    features = [
        _feature(
            row.footprint,
            kind="residence",
            id=row.id,
            name=row.name,
            current=row.id == residence.id,
        )
        for row in residences
    ] + [_feature(row.location, kind="building", id=row.id, name=row.name) for row in buildings]
    return Composer(
        residence,
        buildings,
        residences,
        {"type": "FeatureCollection", "features": features},
    )


def _feature(geometry, **properties) -> dict:
    return {"type": "Feature", "geometry": to_geojson(geometry), "properties": properties}
