"""Listings: what neighbours offer (objects to lend or give, help) and ask for."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import null, select
from sqlalchemy.orm import aliased, selectinload

from models import (
    Listing,
    ListingKind,
    ListingPhoto,
    ListingStatus,
    Residence,
    Scope,
    TargetKind,
    User,
    db,
)
from models.base import utcnow
from models.listings import CATEGORIES_BY_KIND
from models.search import matches_text
from models.spatial import distance_m
from services import photos, scoping
from services.errors import Forbidden, NotFound, field_error
from services.moderation import cases
from services.pagination import Page, paginate


@dataclass
class ListingHit:
    listing: Listing
    distance_m: int | None


def create_listing(user: User, data: dict) -> Listing:
    membership = scoping.active_membership(user, data["residence_id"])
    kind = ListingKind(data["kind"])
    _check_category(kind, data["category"])
    scope = Scope(data.get("scope", Scope.RESIDENCE))
    if scope == Scope.BUILDING and membership.building_id is None:
        raise field_error("scope", "You have no building in this residence: choose the residence.")
    _check_value(kind, data.get("estimated_value_eur"))
    listing = Listing(
        residence_id=membership.residence_id,
        building_id=membership.building_id,
        owner=user,
        kind=kind,
        category=data["category"],
        title=data["title"].strip(),
        description=data.get("description", "").strip(),
        estimated_value_eur=data.get("estimated_value_eur"),
        scope=scope,
    )
    db.session.add(listing)
    db.session.flush()
    texts = (listing.title, listing.description)
    cases.hold_if_filtered(TargetKind.LISTING, listing, membership.residence, user, *texts)
    return listing


def get_listing(user: User, listing_id: int) -> Listing:
    return scoping.get_visible_content(
        user,
        Listing,
        Listing.owner_id,
        listing_id,
        "This listing does not exist or is out of reach.",
    )


def update_listing(user: User, listing_id: int, changes: dict) -> Listing:
    listing = _owned_listing(user, listing_id)
    if "category" in changes:
        _check_category(listing.kind, changes["category"])
    _check_value(listing.kind, changes.get("estimated_value_eur"))
    rewritten = {
        field: changes[field].strip()
        for field in ("title", "description")
        if field in changes and changes[field].strip() != getattr(listing, field)
    }
    if rewritten:
        cases.refuse_changes_under_review(TargetKind.LISTING, listing.id)
        for field, value in rewritten.items():
            setattr(listing, field, value)
        listing.edited_at = utcnow()
    for field in ("category", "estimated_value_eur"):
        if field in changes:
            setattr(listing, field, changes[field])
    if "status" in changes:
        listing.status = ListingStatus(changes["status"])
    db.session.flush()
    if rewritten:
        residence = db.session.get(Residence, listing.residence_id)
        cases.hold_if_filtered(TargetKind.LISTING, listing, residence, user, *rewritten.values())
    return listing


def delete_own_listing(user: User, listing_id: int) -> None:
    """The author deletes the listing: 404 if out of reach or already deleted, 403 if not theirs."""
    delete_listing(_owned_listing(user, listing_id))


def delete_listing(listing: Listing, now: datetime | None = None) -> None:
    """Delete a listing, whoever asks (its author, or a moderator: the caller checks): it is
    gone from search and reads, its photos with it (the files once the unit has committed).
    Loans and exchanges already made on it keep their threads. 404 if already deleted."""
    if listing.deleted_at is not None:
        raise NotFound("This listing does not exist or is out of reach.")
    listing.deleted_at = now or utcnow()
    photos.drop_photos(listing.photos)


def search_listings(user: User, filters: dict, cursor: str | None, limit: int | None) -> Page:
    """Listings in the user's reach, newest first or nearest first, as ListingHits: each with
    its distance in metres from the user's residence (None for staff who live elsewhere)."""
    origin = _origin_residence(user, filters.get("near_residence_id"))
    here = aliased(Residence)
    distance = distance_m(Residence.location, here.location) if origin is not None else None
    query = (
        select(Listing, distance if distance is not None else null())
        .join(Residence, Residence.id == Listing.residence_id)
        .where(scoping.visible_content_clause(user, Listing, Listing.owner_id))
        .options(selectinload(Listing.owner), selectinload(Listing.photos))
    )
    if origin is not None:
        query = query.join(here, here.id == origin)
    query = query.where(Listing.status == ListingStatus(filters.get("status", ListingStatus.OPEN)))
    for field in ("kind", "category"):
        if field in filters:
            query = query.where(getattr(Listing, field) == filters[field])
    if filters.get("q"):
        query = query.where(matches_text(Listing.title, Listing.description, filters["q"]))
    if filters.get("order") == "distance" and distance is not None:
        page = paginate(query, [distance, Listing.id], cursor, limit, whole_rows=True)
    else:
        page = paginate(
            query, [Listing.created_at, Listing.id], cursor, limit, descending=True, whole_rows=True
        )
    page.items = [
        ListingHit(listing, None if metres is None else round(metres))
        for listing, metres in page.items
    ]
    return page


def add_photo(user: User, listing_id: int, data: bytes) -> ListingPhoto:
    listing = _owned_listing(user, listing_id)
    return photos.attach(
        listing.photos, data, lambda **stored: ListingPhoto(listing=listing, **stored)
    )


def remove_photo(user: User, listing_id: int, photo_id: int) -> None:
    listing = _owned_listing(user, listing_id)
    photo = next((p for p in listing.photos if p.id == photo_id), None)
    if photo is None:
        raise NotFound("This photo does not exist.")
    listing.photos.remove(photo)
    db.session.flush()
    photos.drop_photo(photo.filename)


def _owned_listing(user: User, listing_id: int) -> Listing:
    listing = get_listing(user, listing_id)
    if listing.owner_id != user.id:
        raise Forbidden("Only the author of this listing can change it.")
    return listing


def _origin_residence(user: User, residence_id: int | None) -> int | None:
    """The residence distances are measured from: the one asked for, else the user's first."""
    if residence_id is not None:
        return scoping.get_residence(user, residence_id).id
    return db.session.scalar(
        select(Residence.id).where(scoping.member_residences_clause(user)).order_by(Residence.id)
    )


def _check_value(kind: ListingKind, value: int | None) -> None:
    if value is not None and kind not in (ListingKind.LEND, ListingKind.GIVE):
        raise field_error("estimated_value_eur", "Only objects have an estimated value.")


def _check_category(kind: ListingKind, category: str) -> None:
    if category not in CATEGORIES_BY_KIND[kind]:
        raise field_error(
            "category",
            "Unknown category for this kind of listing. Choose one of: %(choices)s.",
            choices=", ".join(CATEGORIES_BY_KIND[kind]),
        )
