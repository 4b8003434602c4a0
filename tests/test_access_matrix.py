"""Every API endpoint, for every role: the status each one gets.

A new endpoint without rows here fails `test_every_endpoint_is_in_the_matrix`.
Out-of-scope residences answer 404 (as if they did not exist); in scope but not allowed, 403.
"""

import hashlib
import io
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, time, timedelta

import pytest

from models import ApiToken, Block, Comment, LinkPurpose, Message, Notification, db
from notifications import outbox
from services import account_links, exports
from services.reports import snapshots
from tests.photos import png_bytes
from tests.world import FEED_SECRET, PARIS, PASSWORD, ROLES, World, today


@dataclass
class Row:
    method: str
    rule: str
    path: Callable[[World], str]
    expected: dict[str, int]
    body: Callable[[World], dict] | None = None
    multipart: bool = False


def statuses(anonymous, resident, other_resident, solidaire, staff, other_staff, admin):
    return dict(
        zip(
            ROLES,
            (anonymous, resident, other_resident, solidaire, staff, other_staff, admin),
            strict=True,
        )
    )


EVERYONE_OK = statuses(200, 200, 200, 200, 200, 200, 200)
SIGNED_IN_OK = statuses(401, 200, 200, 200, 200, 200, 200)
IN_HOME = statuses(401, 200, 404, 200, 200, 404, 200)
STAFF_OF_HOME = statuses(401, 403, 404, 403, 200, 404, 200)
STAFF_OF_HOME_CREATES = statuses(401, 403, 404, 403, 201, 404, 201)
# Content of the home residence, as members and its moderators see it.
HOME_CONTENT = statuses(401, 200, 404, 200, 200, 404, 200)
# Only the resident who wrote the listing may change it; moderators see it, others do not.
LISTING_OWNER = statuses(401, 200, 404, 403, 403, 404, 403)
# A loan or exchange between the resident (owner) and the solidaire: private to the two.
PARTICIPANTS = statuses(401, 200, 404, 200, 404, 404, 404)
OWNER_ACTS = statuses(401, 200, 404, 403, 404, 404, 404)
OTHER_SIDE_ACTS = statuses(401, 403, 404, 200, 404, 404, 404)
# Content the resident wrote in the home residence: she changes or deletes it; those who see it
# are refused (403), the others do not see it (404).
AUTHOR_CHANGES = statuses(401, 200, 404, 403, 403, 404, 403)
AUTHOR_DELETES = statuses(401, 204, 404, 403, 403, 404, 403)
# The resident's message in the loan's thread: the other side is refused, nobody else sees it.
MESSAGE_AUTHOR_CHANGES = statuses(401, 200, 404, 403, 404, 404, 404)
MESSAGE_AUTHOR_DELETES = statuses(401, 204, 404, 403, 404, 404, 404)


def session_id(world: World, role: str) -> int:
    digest = hashlib.sha256(world.tokens[role].encode()).hexdigest()
    return db.session.scalar(db.select(ApiToken.id).where(ApiToken.token_hash == digest))


def ready_export(world: World) -> int:
    """The resident's archive, built and not downloaded yet."""
    request = exports.request_export(world.users["resident"])
    exports.build_pending_exports()
    db.session.commit()
    return request.id


def export_link(world: World) -> str:
    """A download link of the resident's archive."""
    token = exports.issue_link(world.users["resident"], ready_export(world))[1]
    db.session.commit()
    return f"/api/v1/exports/{token}"


def comment_id(world: World) -> int:
    """The resident's comment on her own event."""
    comment = Comment(post_id=world.event.id, author=world.users["resident"], body="Je viens !")
    db.session.add(comment)
    db.session.commit()
    return comment.id


def message_id(world: World) -> int:
    """The resident's message in the thread of the loan of her drill."""
    message = Message(loan_id=world.loan.id, author=world.users["resident"], body="Samedi ?")
    db.session.add(message)
    db.session.commit()
    return message.id


def link_token(world: World, purpose: LinkPurpose, email: str = "resident@test.palier") -> str:
    """A link e-mailed to the resident: whoever holds its token may use it, once."""
    token = account_links.issue(world.users["resident"], purpose, email)
    db.session.commit()
    return token


def notification_id(world: World) -> int:
    """A notification of the resident's inbox."""
    resident = world.users["resident"]
    outbox.enqueue([resident], "thanks", {"author": "Sam"}, key="matrix", link="palier://me")
    db.session.commit()
    return db.session.scalar(
        db.select(Notification.id).where(Notification.idempotency_key == f"matrix:{resident.id}")
    )


SQUARE = {
    "type": "Polygon",
    "coordinates": [
        [[4.90, 45.76], [4.901, 45.76], [4.901, 45.761], [4.90, 45.761], [4.90, 45.76]]
    ],
}

MATRIX = [
    Row("GET", "/api/v1/openapi.json", lambda w: "/api/v1/openapi.json", EVERYONE_OK),
    Row("GET", "/api/docs", lambda w: "/api/docs", EVERYONE_OK),
    Row(
        "POST",
        "/api/v1/auth/register",
        lambda w: "/api/v1/auth/register",
        # The same answer whether the address is free or taken.
        statuses(202, 202, 202, 202, 202, 202, 202),
        lambda w: {"email": "new@test.palier", "password": PASSWORD, "display_name": "Nouveau"},
    ),
    Row(
        "POST",
        "/api/v1/auth/login",
        lambda w: "/api/v1/auth/login",
        EVERYONE_OK,
        lambda w: {"email": "resident@test.palier", "password": PASSWORD, "device_name": "tablet"},
    ),
    Row(
        "POST",
        "/api/v1/auth/logout",
        lambda w: "/api/v1/auth/logout",
        statuses(401, 204, 204, 204, 204, 204, 204),
    ),
    Row("GET", "/api/v1/me", lambda w: "/api/v1/me", SIGNED_IN_OK),
    Row("PATCH", "/api/v1/me", lambda w: "/api/v1/me", SIGNED_IN_OK, lambda w: {"locale": "en"}),
    Row(
        "DELETE",
        "/api/v1/me",
        lambda w: "/api/v1/me",
        # The resident and the solidaire have a loan and an exchange in progress together.
        statuses(401, 409, 204, 409, 204, 204, 204),
        lambda w: {"password": PASSWORD},
    ),
    Row(
        "POST",
        "/api/v1/me/export",
        lambda w: "/api/v1/me/export",
        statuses(401, 202, 202, 202, 202, 202, 202),
    ),
    Row("GET", "/api/v1/me/exports", lambda w: "/api/v1/me/exports", SIGNED_IN_OK),
    Row(
        "POST",
        "/api/v1/me/exports/<int:export_id>/link",
        lambda w: f"/api/v1/me/exports/{ready_export(w)}/link",
        statuses(401, 201, 404, 404, 404, 404, 404),
    ),
    # The secret in the address is the only key: whoever holds the link downloads, once.
    Row("GET", "/api/v1/exports/<string:token>", export_link, EVERYONE_OK),
    Row(
        "POST",
        "/api/v1/me/password",
        lambda w: "/api/v1/me/password",
        statuses(401, 204, 204, 204, 204, 204, 204),
        lambda w: {"current_password": PASSWORD, "new_password": "a brand new password"},
    ),
    Row("GET", "/api/v1/me/sessions", lambda w: "/api/v1/me/sessions", SIGNED_IN_OK),
    Row(
        "DELETE",
        "/api/v1/me/sessions/<int:session_id>",
        lambda w: f"/api/v1/me/sessions/{session_id(w, 'resident')}",
        # The resident's session: only she signs it out.
        statuses(401, 204, 404, 404, 404, 404, 404),
    ),
    Row(
        "POST",
        "/api/v1/me/sessions/revoke-others",
        lambda w: "/api/v1/me/sessions/revoke-others",
        SIGNED_IN_OK,
    ),
    # Links e-mailed to members: the token is the credential, whoever sends it.
    Row(
        "POST",
        "/api/v1/auth/verify-email",
        lambda w: "/api/v1/auth/verify-email",
        EVERYONE_OK,
        lambda w: {"token": link_token(w, LinkPurpose.VERIFY_EMAIL)},
    ),
    Row(
        "POST",
        "/api/v1/auth/verify-email/resend",
        lambda w: "/api/v1/auth/verify-email/resend",
        # The same answer whatever the address.
        statuses(202, 202, 202, 202, 202, 202, 202),
        lambda w: {"email": "resident@test.palier"},
    ),
    Row(
        "POST",
        "/api/v1/auth/password-reset",
        lambda w: "/api/v1/auth/password-reset",
        statuses(202, 202, 202, 202, 202, 202, 202),
        lambda w: {"email": "resident@test.palier"},
    ),
    Row(
        "POST",
        "/api/v1/auth/password-reset/confirm",
        lambda w: "/api/v1/auth/password-reset/confirm",
        EVERYONE_OK,
        lambda w: {
            "token": link_token(w, LinkPurpose.RESET_PASSWORD),
            "new_password": "a brand new password",
        },
    ),
    Row(
        "POST",
        "/api/v1/me/email",
        lambda w: "/api/v1/me/email",
        statuses(401, 202, 202, 202, 202, 202, 202),
        lambda w: {"current_password": PASSWORD, "new_email": "nouvelle@test.palier"},
    ),
    Row(
        "POST",
        "/api/v1/auth/email-change/confirm",
        lambda w: "/api/v1/auth/email-change/confirm",
        EVERYONE_OK,
        lambda w: {"token": link_token(w, LinkPurpose.CHANGE_EMAIL, "nouvelle@test.palier")},
    ),
    Row("GET", "/api/v1/me/notifications", lambda w: "/api/v1/me/notifications", SIGNED_IN_OK),
    Row(
        "POST",
        "/api/v1/me/notifications/<int:notification_id>/read",
        lambda w: f"/api/v1/me/notifications/{notification_id(w)}/read",
        # The resident's notification: anyone else's inbox does not have it.
        statuses(401, 200, 404, 404, 404, 404, 404),
    ),
    Row(
        "POST",
        "/api/v1/me/notifications/read-all",
        lambda w: "/api/v1/me/notifications/read-all",
        SIGNED_IN_OK,
    ),
    Row("GET", "/api/v1/residences", lambda w: "/api/v1/residences", SIGNED_IN_OK),
    Row(
        "POST",
        "/api/v1/residences",
        lambda w: "/api/v1/residences",
        statuses(401, 403, 403, 403, 201, 403, 201),
        lambda w: {
            "landlord_id": w.landlord.id,
            "name": "Nouvelle résidence",
            "address": "1 rue Neuve",
            "footprint": SQUARE,
        },
    ),
    Row(
        "GET",
        "/api/v1/residences/<int:residence_id>",
        lambda w: f"/api/v1/residences/{w.home.id}",
        IN_HOME,
    ),
    Row(
        "PATCH",
        "/api/v1/residences/<int:residence_id>",
        lambda w: f"/api/v1/residences/{w.home.id}",
        STAFF_OF_HOME,
        lambda w: {"solidaires_manage_spaces": True},
    ),
    Row(
        "POST",
        "/api/v1/residences/<int:residence_id>/buildings",
        lambda w: f"/api/v1/residences/{w.home.id}/buildings",
        STAFF_OF_HOME_CREATES,
        lambda w: {
            "name": "Bâtiment C",
            "location": {"type": "Point", "coordinates": [4.88, 45.7686]},
        },
    ),
    Row(
        "GET",
        "/api/v1/residences/<int:residence_id>/nearby",
        lambda w: f"/api/v1/residences/{w.home.id}/nearby",
        IN_HOME,
    ),
    Row(
        "GET",
        "/api/v1/residences/<int:residence_id>/members",
        lambda w: f"/api/v1/residences/{w.home.id}/members",
        IN_HOME,
    ),
    Row(
        "PATCH",
        "/api/v1/residences/<int:residence_id>/members/<int:membership_id>",
        lambda w: f"/api/v1/residences/{w.home.id}/members/{w.membership('resident').id}",
        STAFF_OF_HOME,
        lambda w: {"role": "solidaire"},
    ),
    Row(
        "GET",
        "/api/v1/residences/<int:residence_id>/invite-codes",
        lambda w: f"/api/v1/residences/{w.home.id}/invite-codes",
        STAFF_OF_HOME,
    ),
    Row(
        "POST",
        "/api/v1/residences/<int:residence_id>/invite-codes",
        lambda w: f"/api/v1/residences/{w.home.id}/invite-codes",
        STAFF_OF_HOME_CREATES,
        lambda w: {"max_uses": 30},
    ),
    Row(
        "DELETE",
        "/api/v1/residences/<int:residence_id>/invite-codes/<int:invite_id>",
        lambda w: f"/api/v1/residences/{w.home.id}/invite-codes/{w.invite.id}",
        STAFF_OF_HOME,
    ),
    Row(
        "POST",
        "/api/v1/memberships",
        lambda w: "/api/v1/memberships",
        # Members already there are told so (409); anyone else joins with the code.
        statuses(401, 409, 201, 409, 201, 201, 201),
        lambda w: {"code": w.invite.code},
    ),
]


LENDING = [
    Row("GET", "/api/v1/listings", lambda w: "/api/v1/listings", SIGNED_IN_OK),
    Row(
        "POST",
        "/api/v1/listings",
        lambda w: "/api/v1/listings",
        # Only active members of the residence publish there; staff moderate, they do not post.
        statuses(401, 201, 404, 201, 403, 404, 403),
        lambda w: {"residence_id": w.home.id, "kind": "lend", "category": "tools", "title": "Scie"},
    ),
    Row(
        "GET",
        "/api/v1/listings/<int:listing_id>",
        lambda w: f"/api/v1/listings/{w.lend.id}",
        HOME_CONTENT,
    ),
    Row(
        "PATCH",
        "/api/v1/listings/<int:listing_id>",
        lambda w: f"/api/v1/listings/{w.lend.id}",
        LISTING_OWNER,
        lambda w: {"status": "paused"},
    ),
    Row(
        "DELETE",
        "/api/v1/listings/<int:listing_id>",
        lambda w: f"/api/v1/listings/{w.lend.id}",
        AUTHOR_DELETES,
    ),
    Row(
        "POST",
        "/api/v1/listings/<int:listing_id>/photos",
        lambda w: f"/api/v1/listings/{w.lend.id}/photos",
        statuses(401, 201, 404, 403, 403, 404, 403),
        lambda w: {"photo": (io.BytesIO(png_bytes()), "drill.png")},
        multipart=True,
    ),
    Row(
        "DELETE",
        "/api/v1/listings/<int:listing_id>/photos/<int:photo_id>",
        lambda w: f"/api/v1/listings/{w.lend.id}/photos/{w.photo.id}",
        statuses(401, 204, 404, 403, 403, 404, 403),
    ),
    Row(
        "POST",
        "/api/v1/listings/<int:listing_id>/loans",
        lambda w: f"/api/v1/listings/{w.lend.id}/loans",
        # The owner cannot borrow their own drill; staff see it but do not live there.
        statuses(401, 403, 404, 201, 403, 404, 403),
        lambda w: {"starts_on": str(today()), "due_on": str(today())},
    ),
    Row("GET", "/api/v1/loans", lambda w: "/api/v1/loans", SIGNED_IN_OK),
    Row("GET", "/api/v1/loans/<int:loan_id>", lambda w: f"/api/v1/loans/{w.loan.id}", PARTICIPANTS),
    *[
        Row(
            "POST",
            f"/api/v1/loans/<int:loan_id>/{action}",
            lambda w, a=action: f"/api/v1/loans/{w.loan.id}/{a}",
            expected,
        )
        for action, expected in [
            ("accept", OWNER_ACTS),
            ("decline", OWNER_ACTS),
            ("cancel", OTHER_SIDE_ACTS),
            # The loan is only requested: the owner is told it is too early (409).
            ("hand-over", statuses(401, 409, 404, 403, 404, 404, 404)),
            ("return", statuses(401, 409, 404, 403, 404, 404, 404)),
        ]
    ],
    Row(
        "POST",
        "/api/v1/listings/<int:listing_id>/exchanges",
        lambda w: f"/api/v1/listings/{w.help.id}/exchanges",
        # The solidaire has answered already (409); the owner cannot answer their own.
        statuses(401, 403, 404, 409, 403, 404, 403),
        lambda w: {"message": "Je peux aider"},
    ),
    Row("GET", "/api/v1/exchanges", lambda w: "/api/v1/exchanges", SIGNED_IN_OK),
    Row(
        "GET",
        "/api/v1/exchanges/<int:exchange_id>",
        lambda w: f"/api/v1/exchanges/{w.exchange.id}",
        PARTICIPANTS,
    ),
    *[
        Row(
            "POST",
            f"/api/v1/exchanges/<int:exchange_id>/{action}",
            lambda w, a=action: f"/api/v1/exchanges/{w.exchange.id}/{a}",
            expected,
        )
        for action, expected in [
            ("accept", OWNER_ACTS),
            ("decline", OWNER_ACTS),
            ("cancel", OTHER_SIDE_ACTS),
            ("complete", statuses(401, 409, 404, 409, 404, 404, 404)),
        ]
    ],
    *[
        row
        for collection, deal in (("loans", "loan"), ("exchanges", "exchange"))
        for row in (
            Row(
                "GET",
                f"/api/v1/{collection}/<int:{deal}_id>/messages",
                lambda w, c=collection, d=deal: f"/api/v1/{c}/{getattr(w, d).id}/messages",
                PARTICIPANTS,
            ),
            Row(
                "POST",
                f"/api/v1/{collection}/<int:{deal}_id>/messages",
                lambda w, c=collection, d=deal: f"/api/v1/{c}/{getattr(w, d).id}/messages",
                statuses(401, 201, 404, 201, 404, 404, 404),
                lambda w: {"body": "Samedi 10 h ?"},
            ),
            Row(
                "POST",
                f"/api/v1/{collection}/<int:{deal}_id>/thanks",
                lambda w, c=collection, d=deal: f"/api/v1/{c}/{getattr(w, d).id}/thanks",
                # Not ended yet: too early to thank (409), for the two members only.
                statuses(401, 409, 404, 409, 404, 404, 404),
                lambda w: {"text": "Merci !"},
            ),
        )
    ],
    Row(
        "PATCH",
        "/api/v1/messages/<int:message_id>",
        lambda w: f"/api/v1/messages/{message_id(w)}",
        MESSAGE_AUTHOR_CHANGES,
        lambda w: {"body": "Samedi 11 h plutôt ?"},
    ),
    Row(
        "DELETE",
        "/api/v1/messages/<int:message_id>",
        lambda w: f"/api/v1/messages/{message_id(w)}",
        MESSAGE_AUTHOR_DELETES,
    ),
    Row(
        "GET",
        "/api/v1/members/<int:user_id>",
        lambda w: f"/api/v1/members/{w.users['resident'].id}",
        HOME_CONTENT,
    ),
]

MATRIX += LENDING


def blocked_by_resident(world: World) -> int:
    """The solidaire, whom the resident blocks (the world has no block of its own)."""
    solidaire = world.users["solidaire"]
    db.session.add(Block(blocker_id=world.users["resident"].id, blocked_id=solidaire.id))
    db.session.commit()
    return solidaire.id


BLOCKS = [
    Row("GET", "/api/v1/me/blocks", lambda w: "/api/v1/me/blocks", SIGNED_IN_OK),
    Row(
        "PUT",
        "/api/v1/me/blocks/<int:user_id>",
        lambda w: f"/api/v1/me/blocks/{w.users['solidaire'].id}",
        # Whoever sees the solidaire may block them; not the solidaire themself (422).
        statuses(401, 200, 404, 422, 200, 404, 200),
    ),
    Row(
        "DELETE",
        "/api/v1/me/blocks/<int:user_id>",
        lambda w: f"/api/v1/me/blocks/{blocked_by_resident(w)}",
        # Only the resident blocks them: for everyone else there is nothing to undo.
        statuses(401, 204, 404, 404, 404, 404, 404),
    ),
]

MATRIX += BLOCKS

MODERATORS_OF_HOME = statuses(401, 403, 404, 200, 200, 404, 200)
IN_TEN_DAYS = today() + timedelta(days=10)


def booking_times(start_hour, end_hour):
    return {
        "starts_at": datetime.combine(IN_TEN_DAYS, time(start_hour), PARIS).isoformat(),
        "ends_at": datetime.combine(IN_TEN_DAYS, time(end_hour), PARIS).isoformat(),
    }


BOOKINGS = [
    Row(
        "GET",
        "/api/v1/residences/<int:residence_id>/spaces",
        lambda w: f"/api/v1/residences/{w.home.id}/spaces",
        IN_HOME,
    ),
    Row(
        "POST",
        "/api/v1/residences/<int:residence_id>/spaces",
        lambda w: f"/api/v1/residences/{w.home.id}/spaces",
        STAFF_OF_HOME_CREATES,
        lambda w: {
            "name": "Laverie",
            "capacity": 4,
            "opening_hours": [{"weekday": 0, "opens": "07:00", "closes": "21:00"}],
        },
    ),
    Row("GET", "/api/v1/spaces/<int:space_id>", lambda w: f"/api/v1/spaces/{w.room.id}", IN_HOME),
    Row(
        "PATCH",
        "/api/v1/spaces/<int:space_id>",
        lambda w: f"/api/v1/spaces/{w.room.id}",
        STAFF_OF_HOME,
        lambda w: {"capacity": 25},
    ),
    Row(
        "POST",
        "/api/v1/spaces/<int:space_id>/closures",
        lambda w: f"/api/v1/spaces/{w.room.id}/closures",
        STAFF_OF_HOME_CREATES,
        lambda w: {"starts_on": str(IN_TEN_DAYS), "ends_on": str(IN_TEN_DAYS), "reason": "Fuite"},
    ),
    Row(
        "DELETE",
        "/api/v1/spaces/<int:space_id>/closures/<int:closure_id>",
        lambda w: f"/api/v1/spaces/{w.room.id}/closures/{w.closure.id}",
        statuses(401, 403, 404, 403, 204, 404, 204),
    ),
    Row(
        "POST",
        "/api/v1/spaces/<int:space_id>/photos",
        lambda w: f"/api/v1/spaces/{w.room.id}/photos",
        STAFF_OF_HOME_CREATES,
        lambda w: {"photo": (io.BytesIO(png_bytes()), "room.png")},
        multipart=True,
    ),
    Row(
        "GET",
        "/api/v1/spaces/<int:space_id>/availability",
        lambda w: f"/api/v1/spaces/{w.room.id}/availability?from={IN_TEN_DAYS}&to={IN_TEN_DAYS}",
        IN_HOME,
    ),
    Row(
        "POST",
        "/api/v1/spaces/<int:space_id>/bookings",
        lambda w: f"/api/v1/spaces/{w.room.id}/bookings",
        # Members book; staff manage the room but do not live there.
        statuses(401, 201, 404, 201, 403, 404, 403),
        lambda w: {**booking_times(9, 10), "purpose": "Atelier tricot", "people": 6},
    ),
    Row(
        "GET",
        "/api/v1/spaces/<int:space_id>/bookings",
        lambda w: f"/api/v1/spaces/{w.room.id}/bookings",
        MODERATORS_OF_HOME,
    ),
    Row("GET", "/api/v1/bookings", lambda w: "/api/v1/bookings", SIGNED_IN_OK),
    Row(
        "GET",
        "/api/v1/bookings/<int:booking_id>",
        lambda w: f"/api/v1/bookings/{w.booking.id}",
        HOME_CONTENT,
    ),
    Row(
        "POST",
        "/api/v1/bookings/<int:booking_id>/approve",
        lambda w: f"/api/v1/bookings/{w.pending.id}/approve",
        MODERATORS_OF_HOME,
    ),
    Row(
        "POST",
        "/api/v1/bookings/<int:booking_id>/decline",
        lambda w: f"/api/v1/bookings/{w.pending.id}/decline",
        MODERATORS_OF_HOME,
        lambda w: {"reason": "Salle déjà prise par l’amicale"},
    ),
    Row(
        "POST",
        "/api/v1/bookings/<int:booking_id>/cancel",
        lambda w: f"/api/v1/bookings/{w.booking.id}/cancel",
        # The member cancels their own; staff cancel any, saying why; a solidaire may not.
        statuses(401, 200, 404, 403, 200, 404, 200),
        lambda w: {"reason": "Dégât des eaux"},
    ),
    Row(
        "POST",
        "/api/v1/spaces/<int:space_id>/booking-series",
        lambda w: f"/api/v1/spaces/{w.room.id}/booking-series",
        STAFF_OF_HOME_CREATES,
        lambda w: {
            "weekday": 2,
            "starts": "17:00",
            "ends": "19:00",
            "until": str(today() + timedelta(days=30)),
            "purpose": "Aide aux devoirs",
            "skip_conflicts": True,
        },
    ),
    Row(
        "GET",
        "/api/v1/me/calendar-feeds",
        lambda w: "/api/v1/me/calendar-feeds",
        SIGNED_IN_OK,
    ),
    Row(
        "POST",
        "/api/v1/me/calendar-feeds",
        lambda w: "/api/v1/me/calendar-feeds",
        # Members follow their own bookings; staff and admins book nothing.
        statuses(401, 201, 201, 201, 403, 403, 403),
    ),
    Row(
        "POST",
        "/api/v1/spaces/<int:space_id>/calendar-feeds",
        lambda w: f"/api/v1/spaces/{w.room.id}/calendar-feeds",
        # Those who see who booked: the residence's solidaires and staff.
        statuses(401, 403, 404, 201, 201, 404, 201),
    ),
    Row(
        "DELETE",
        "/api/v1/calendar-feeds/<int:feed_id>",
        lambda w: f"/api/v1/calendar-feeds/{w.feed.id}",
        statuses(401, 204, 404, 404, 404, 404, 404),
    ),
    # The secret in the address is the key, whoever holds it (a calendar app has no token).
    Row(
        "GET",
        "/api/v1/calendars/<string:secret>.ics",
        lambda w: f"/api/v1/calendars/{FEED_SECRET}.ics",
        EVERYONE_OK,
    ),
]

MATRIX += BOOKINGS

# What every reader of the home residence's news may do: members, and its moderators.
READERS = statuses(401, 204, 404, 204, 204, 404, 204)
NEWS = [
    Row("GET", "/api/v1/feed", lambda w: "/api/v1/feed", SIGNED_IN_OK),
    Row(
        "POST",
        "/api/v1/posts",
        lambda w: "/api/v1/posts",
        statuses(401, 201, 404, 201, 403, 404, 403),
        lambda w: {"residence_id": w.home.id, "kind": "post", "body": "Qui a trouvé des clés ?"},
    ),
    Row(
        "GET", "/api/v1/posts/<int:post_id>", lambda w: f"/api/v1/posts/{w.event.id}", HOME_CONTENT
    ),
    Row(
        "PATCH",
        "/api/v1/posts/<int:post_id>",
        lambda w: f"/api/v1/posts/{w.event.id}",
        AUTHOR_CHANGES,
        lambda w: {"body": "Fête des voisins, apportez un plat"},
    ),
    Row(
        "DELETE",
        "/api/v1/posts/<int:post_id>",
        lambda w: f"/api/v1/posts/{w.event.id}",
        AUTHOR_DELETES,
    ),
    Row(
        "POST",
        "/api/v1/posts/<int:post_id>/photos",
        lambda w: f"/api/v1/posts/{w.event.id}/photos",
        statuses(401, 201, 404, 403, 403, 404, 403),
        lambda w: {"photo": (io.BytesIO(png_bytes()), "fete.png")},
        multipart=True,
    ),
    Row(
        "GET",
        "/api/v1/posts/<int:post_id>/comments",
        lambda w: f"/api/v1/posts/{w.event.id}/comments",
        HOME_CONTENT,
    ),
    Row(
        "POST",
        "/api/v1/posts/<int:post_id>/comments",
        lambda w: f"/api/v1/posts/{w.event.id}/comments",
        statuses(401, 201, 404, 201, 201, 404, 201),
        lambda w: {"body": "J’apporte une tarte"},
    ),
    Row(
        "PATCH",
        "/api/v1/comments/<int:comment_id>",
        lambda w: f"/api/v1/comments/{comment_id(w)}",
        AUTHOR_CHANGES,
        lambda w: {"body": "Je viens avec une tarte"},
    ),
    Row(
        "DELETE",
        "/api/v1/comments/<int:comment_id>",
        lambda w: f"/api/v1/comments/{comment_id(w)}",
        AUTHOR_DELETES,
    ),
    Row(
        "PUT",
        "/api/v1/posts/<int:post_id>/reaction",
        lambda w: f"/api/v1/posts/{w.event.id}/reaction",
        READERS,
        lambda w: {"kind": "love"},
    ),
    Row(
        "DELETE",
        "/api/v1/posts/<int:post_id>/reaction",
        lambda w: f"/api/v1/posts/{w.event.id}/reaction",
        READERS,
    ),
    Row(
        "PUT",
        "/api/v1/posts/<int:post_id>/rsvp",
        lambda w: f"/api/v1/posts/{w.event.id}/rsvp",
        READERS,
        lambda w: {"answer": "going"},
    ),
    Row(
        "PUT",
        "/api/v1/posts/<int:post_id>/vote",
        lambda w: f"/api/v1/posts/{w.poll.id}/vote",
        READERS,
        lambda w: {"option_id": w.poll.options[0].id},
    ),
    Row(
        "POST",
        "/api/v1/posts/<int:post_id>/read",
        lambda w: f"/api/v1/posts/{w.announcement.id}/read",
        READERS,
    ),
    Row(
        "GET",
        "/api/v1/posts/<int:post_id>/reach",
        lambda w: f"/api/v1/posts/{w.announcement.id}/reach",
        statuses(401, 403, 404, 403, 200, 404, 200),
    ),
]

MATRIX += NEWS

PUSH = [
    Row(
        "POST",
        "/api/v1/devices",
        lambda w: "/api/v1/devices",
        statuses(401, 201, 201, 201, 201, 201, 201),
        lambda w: {"token": "fcm-token-of-this-phone", "platform": "android", "locale": "fr"},
    ),
    Row(
        "DELETE",
        "/api/v1/devices/<int:device_id>",
        lambda w: f"/api/v1/devices/{w.device.id}",
        # The resident's phone: only its owner removes it.
        statuses(401, 204, 404, 404, 404, 404, 404),
    ),
    Row(
        "GET",
        "/api/v1/me/notification-preferences",
        lambda w: "/api/v1/me/notification-preferences",
        SIGNED_IN_OK,
    ),
    Row(
        "PUT",
        "/api/v1/me/notification-preferences",
        lambda w: "/api/v1/me/notification-preferences",
        SIGNED_IN_OK,
        lambda w: {"categories": {"bookings": False}, "quiet_start": "22:00"},
    ),
    Row(
        "GET",
        "/api/v1/notifications/stats",
        lambda w: "/api/v1/notifications/stats",
        statuses(401, 403, 403, 403, 200, 200, 200),
    ),
]

MATRIX += PUSH

MODERATION = [
    Row(
        "POST",
        "/api/v1/reports",
        lambda w: "/api/v1/reports",
        # The solidaire's poll: neighbours and staff who see it report it; not its author (422).
        statuses(401, 201, 404, 422, 201, 404, 201),
        lambda w: {"target_kind": "post", "target_id": w.poll.id, "reason": "spam"},
    ),
    Row("GET", "/api/v1/me/reports", lambda w: "/api/v1/me/reports", SIGNED_IN_OK),
    Row(
        "GET",
        "/api/v1/residences/<int:residence_id>/moderation-queue",
        lambda w: f"/api/v1/residences/{w.home.id}/moderation-queue",
        MODERATORS_OF_HOME,
    ),
    Row(
        "POST",
        "/api/v1/residences/<int:residence_id>/moderation-actions",
        lambda w: f"/api/v1/residences/{w.home.id}/moderation-actions",
        # Warn the resident: her residence's solidaire and staff, and admins.
        statuses(401, 403, 404, 201, 201, 404, 201),
        lambda w: {
            "action": "warn",
            "target_kind": "member",
            "target_id": w.users["resident"].id,
            "reason": "Bruit",
            "message": "Merci de baisser la musique après 22 h.",
        },
    ),
    Row(
        "GET",
        "/api/v1/residences/<int:residence_id>/audit-log",
        lambda w: f"/api/v1/residences/{w.home.id}/audit-log",
        STAFF_OF_HOME,
    ),
    Row(
        "GET",
        "/api/v1/residences/<int:residence_id>/audit-log.csv",
        lambda w: f"/api/v1/residences/{w.home.id}/audit-log.csv",
        STAFF_OF_HOME,
    ),
]

# The same, for the neighbouring residence (Le Verger, same landlord) and Les Érables (another
# landlord's): home's solidaire moderates nothing there; each landlord's staff, their own.
MODERATION += [
    Row(
        "GET",
        "/api/v1/residences/<int:residence_id>/moderation-queue",
        lambda w: f"/api/v1/residences/{w.neighbour.id}/moderation-queue",
        statuses(401, 404, 403, 404, 200, 404, 200),
    ),
    Row(
        "GET",
        "/api/v1/residences/<int:residence_id>/moderation-queue",
        lambda w: f"/api/v1/residences/{w.far.id}/moderation-queue",
        statuses(401, 404, 404, 404, 404, 200, 200),
    ),
    Row(
        "POST",
        "/api/v1/residences/<int:residence_id>/moderation-actions",
        lambda w: f"/api/v1/residences/{w.neighbour.id}/moderation-actions",
        # Warn the other resident, at home in Le Verger (and himself refused: 403).
        statuses(401, 404, 403, 404, 201, 404, 201),
        lambda w: {
            "action": "warn",
            "target_kind": "member",
            "target_id": w.users["other_resident"].id,
            "reason": "Bruit",
            "message": "Merci de baisser la musique après 22 h.",
        },
    ),
    Row(
        "GET",
        "/api/v1/residences/<int:residence_id>/audit-log",
        lambda w: f"/api/v1/residences/{w.neighbour.id}/audit-log",
        statuses(401, 404, 403, 404, 200, 404, 200),
    ),
    Row(
        "GET",
        "/api/v1/residences/<int:residence_id>/audit-log",
        lambda w: f"/api/v1/residences/{w.far.id}/audit-log",
        statuses(401, 404, 404, 404, 404, 200, 200),
    ),
]

MATRIX += MODERATION

# The landlord's residences are seen by their residents and solidaires: refused to them (403);
# another landlord is unknown to them and to other staff (404).
HOME_LANDLORD_STAFF = statuses(401, 403, 403, 403, 200, 404, 200)
OTHER_LANDLORD_STAFF = statuses(401, 404, 404, 404, 404, 200, 200)
WORD_LISTS = {"fr": ["connard", "c'est nul"], "en": ["idiot"]}

WORD_FILTERS = [
    Row(
        "GET",
        "/api/v1/landlords/<int:landlord_id>/word-filter",
        lambda w: f"/api/v1/landlords/{w.landlord.id}/word-filter",
        HOME_LANDLORD_STAFF,
    ),
    Row(
        "GET",
        "/api/v1/landlords/<int:landlord_id>/word-filter",
        lambda w: f"/api/v1/landlords/{w.other_landlord.id}/word-filter",
        OTHER_LANDLORD_STAFF,
    ),
    Row(
        "PUT",
        "/api/v1/landlords/<int:landlord_id>/word-filter",
        lambda w: f"/api/v1/landlords/{w.landlord.id}/word-filter",
        HOME_LANDLORD_STAFF,
        lambda w: WORD_LISTS,
    ),
    Row(
        "PUT",
        "/api/v1/landlords/<int:landlord_id>/word-filter",
        lambda w: f"/api/v1/landlords/{w.other_landlord.id}/word-filter",
        OTHER_LANDLORD_STAFF,
        lambda w: WORD_LISTS,
    ),
]

MATRIX += WORD_FILTERS


def last_month(world: World) -> str:
    """Last month, its reports built (as the scheduler does on the 1st)."""
    first_day = snapshots.last_complete_month()
    snapshots.build_month(world.landlord, first_day)
    db.session.commit()
    return first_day.strftime("%Y-%m")


REPORTS = [
    Row(
        "GET",
        "/api/v1/residences/<int:residence_id>/reports/<string:month>",
        lambda w: f"/api/v1/residences/{w.home.id}/reports/{last_month(w)}",
        MODERATORS_OF_HOME,
    ),
    Row(
        "GET",
        "/api/v1/landlords/<int:landlord_id>/reports/<string:month>",
        lambda w: f"/api/v1/landlords/{w.landlord.id}/reports/{last_month(w)}",
        HOME_LANDLORD_STAFF,
    ),
    Row(
        "POST",
        "/api/v1/landlords/<int:landlord_id>/reports/<string:month>",
        lambda w: f"/api/v1/landlords/{w.landlord.id}/reports/{last_month(w)}",
        statuses(401, 403, 403, 403, 201, 404, 201),
    ),
    Row(
        "GET",
        "/api/v1/landlords/<int:landlord_id>/report-settings",
        lambda w: f"/api/v1/landlords/{w.landlord.id}/report-settings",
        HOME_LANDLORD_STAFF,
    ),
    Row(
        "PUT",
        "/api/v1/landlords/<int:landlord_id>/report-settings",
        lambda w: f"/api/v1/landlords/{w.landlord.id}/report-settings",
        HOME_LANDLORD_STAFF,
        lambda w: {"recipients": ["direction@habitat-est.test"], "locale": "fr"},
    ),
]


def report_file(world: World, owner: str, kind: str) -> str:
    owner_id = world.home.id if owner == "residences" else world.landlord.id
    return f"/api/v1/{owner}/{owner_id}/reports/{last_month(world)}.{kind}"


REPORTS += [
    Row(
        "GET",
        f"/api/v1/{owner}/<int:{key}>/reports/<string:month>.{kind}",
        lambda w, owner=owner, kind=kind: report_file(w, owner, kind),
        expected,
    )
    for owner, key, expected in (
        ("residences", "residence_id", MODERATORS_OF_HOME),
        ("landlords", "landlord_id", HOME_LANDLORD_STAFF),
    )
    for kind in ("csv", "pdf")
]
MATRIX += REPORTS


def test_every_endpoint_is_in_the_matrix(app):
    served = {
        (method, rule.rule)
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/api")
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    listed = {(row.method, row.rule) for row in MATRIX}
    assert served - listed == set(), "endpoints missing from the access matrix"
    assert listed - served == set(), "matrix rows for endpoints that do not exist"


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("row", MATRIX, ids=lambda row: f"{row.method} {row.rule}")
def test_access(client, world, row, role):
    body = row.body(world) if row.body else None
    response = client.open(
        row.path(world),
        method=row.method,
        headers=world.headers(role),
        **(
            {"data": body, "content_type": "multipart/form-data"}
            if row.multipart
            else {"json": body}
        ),
    )
    response.close()  # a file answered (an export archive) is closed, as a server would
    assert response.status_code == row.expected[role], response.get_data(as_text=True)
    if response.status_code >= 400:
        assert response.mimetype == "application/problem+json"
