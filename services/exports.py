"""A copy of a member's data (RGPD articles 15 and 20): asked for through the API, built by a
job into a ZIP archive, downloaded once.

The archive holds one JSON file per kind of data and the photos of the member's listings and
posts, with a README in the member's language. It holds the member's own data and, to make it
readable, the names of the things it refers to (a residence, a space, the title of the object
lent); of a neighbour, only the display name they show everyone (the other side of a loan or an
exchange, a blocked member), never their e-mail, their messages or their notes.

Archives are kept under the upload folder (`exports/`, never served as a static file) until
they are downloaded or for RETENTION_DAYS["export_archives"]. The member downloads the archive
through a link asked for from the app (`POST /me/exports/<id>/link`): a random secret (256
bits) signed with SECRET_KEY, as the e-mailed account links are (services/account_links.py),
whose SHA-256 only is stored; it works once, without the bearer token (a browser or a download
manager can open it); asking for a new link ends the previous one. No link is ever written to
the outbox or an e-mail, where it would outlive its use.
"""

import hashlib
import io
import json
import secrets
import zipfile
from datetime import date, datetime
from pathlib import Path

from flask import current_app
from flask_babel import force_locale, gettext
from itsdangerous import BadSignature, Signer
from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from models import (
    ApiToken,
    Block,
    Booking,
    Comment,
    Device,
    EventRsvp,
    ExportRequest,
    ExportStatus,
    HelpExchange,
    Listing,
    Loan,
    Membership,
    MembershipEvent,
    Message,
    ModerationCase,
    Notification,
    NotificationPreferences,
    PollOption,
    Post,
    Reaction,
    Report,
    Thanks,
    User,
    Vote,
    db,
)
from models.base import utcnow
from notifications import outbox
from services import photos, retention
from services.errors import Conflict, NotFound
from services.pagination import Page, paginate
from services.profiles import public_name

FOLDER = "exports"
GONE = "This download link does not work any more: ask for a new one from the app."


def request_export(user: User) -> ExportRequest:
    """Ask for an archive; asking again while one waits returns that one."""
    waiting = _pending_of(user)
    if waiting is not None:
        return waiting
    request = ExportRequest(user_id=user.id)
    db.session.add(request)
    db.session.flush()
    return request


def _pending_of(user: User) -> ExportRequest | None:
    return db.session.scalar(
        select(ExportRequest).where(
            ExportRequest.user_id == user.id, ExportRequest.status == ExportStatus.PENDING
        )
    )


def list_exports(user: User, cursor: str | None, limit: int | None) -> Page:
    """The member's export requests, newest first."""
    query = select(ExportRequest).where(ExportRequest.user_id == user.id)
    return paginate(query, [ExportRequest.id], cursor, limit, descending=True)


def issue_link(user: User, export_id: int) -> tuple[ExportRequest, str]:
    """A new single-use secret for a ready archive (ending the previous link)."""
    request = db.session.scalar(
        select(ExportRequest).where(ExportRequest.id == export_id, ExportRequest.user_id == user.id)
    )
    if request is None:
        raise NotFound("This export does not exist.")
    if request.status == ExportStatus.PENDING:
        raise Conflict(
            "This archive is still being prepared: you will be told when it is ready.",
            extra={"current_status": request.status.value},
        )
    if request.status != ExportStatus.READY:
        raise Conflict(
            "This archive was downloaded or has expired: ask for a new copy.",
            extra={"current_status": request.status.value},
        )
    secret = secrets.token_urlsafe(32)
    request.link_hash = _digest(secret)
    db.session.flush()
    return request, _signer().sign(secret).decode()


def claim_download(token: str, now: datetime | None = None) -> Path:
    """The archive's path, for one download: the link and the archive then end (the file is
    removed by the hourly purge, after the answer has been sent). 404 for a link unknown,
    used, replaced or past its end."""
    now = now or utcnow()
    try:
        secret = _signer().unsign(token).decode()
    except BadSignature:
        raise NotFound(GONE) from None
    request = db.session.scalar(
        select(ExportRequest).where(ExportRequest.link_hash == _digest(secret)).with_for_update()
    )
    if request is None or request.status != ExportStatus.READY or request.expires_at <= now:
        raise NotFound(GONE)
    path = archive_path(request.filename)
    if not path.is_file():
        raise NotFound(GONE)
    request.status = ExportStatus.DOWNLOADED
    request.downloaded_at = now
    request.link_hash = None
    db.session.flush()
    return path


def archive_path(filename: str) -> Path:
    return photos.upload_folder() / FOLDER / filename


# The job ------------------------------------------------------------------------------------


def build_pending_exports(now: datetime | None = None, limit: int = 5) -> int:
    """Build the archives asked for (a few per run: each may hold many photos), tell each
    member. Rows are claimed with SKIP LOCKED, so two runs never build the same."""
    now = now or utcnow()
    requests = list(
        db.session.scalars(
            select(ExportRequest)
            .where(ExportRequest.status == ExportStatus.PENDING)
            .order_by(ExportRequest.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
    )
    for request in requests:
        user = db.session.get(User, request.user_id)
        filename = f"{secrets.token_urlsafe(18)}.zip"
        path = archive_path(filename)
        path.parent.mkdir(parents=True, exist_ok=True)
        photos.keep_if_committed(f"{FOLDER}/{filename}")
        path.write_bytes(build_archive(user))
        request.filename = filename
        request.size_bytes = path.stat().st_size
        request.status = ExportStatus.READY
        request.ready_at = now
        request.expires_at = now + retention.period("export_archives")
        outbox.enqueue(
            [user],
            "export_ready",
            {"days": retention.RETENTION_DAYS["export_archives"]},
            key=f"export_ready:{request.id}",
            link=f"palier://me/exports/{request.id}",
        )
    db.session.flush()
    return len(requests)


def expire_archives(now: datetime | None = None) -> int:
    """Remove the archives downloaded or past their end (a batch; the files once committed)."""
    now = now or utcnow()
    requests = list(
        db.session.scalars(
            select(ExportRequest)
            .where(
                ExportRequest.filename.is_not(None),
                or_(
                    ExportRequest.status == ExportStatus.DOWNLOADED,
                    ExportRequest.expires_at <= now,
                ),
            )
            .order_by(ExportRequest.id)
            .limit(retention.BATCH)
        )
    )
    for request in requests:
        _drop_archive(request)
        if request.status == ExportStatus.READY:
            request.status = ExportStatus.EXPIRED
            request.link_hash = None
    db.session.flush()
    return len(requests)


def purge_requests(now: datetime | None = None) -> int:
    """Forget requests that ended (downloaded or expired) before the period."""
    before = retention.cutoff("export_requests", now)
    return retention.delete_batch(
        ExportRequest,
        ExportRequest.filename.is_(None),
        ExportRequest.status.in_((ExportStatus.DOWNLOADED, ExportStatus.EXPIRED)),
        or_(ExportRequest.downloaded_at < before, ExportRequest.expires_at < before),
    )


def drop_all(user: User) -> None:
    """Remove every request and archive of the member (at erasure)."""
    for request in db.session.scalars(
        select(ExportRequest).where(ExportRequest.user_id == user.id)
    ):
        _drop_archive(request)
        db.session.delete(request)
    db.session.flush()


def _drop_archive(request: ExportRequest) -> None:
    if request.filename:
        photos.drop_if_committed(f"{FOLDER}/{request.filename}")
        request.filename = None


def _signer() -> Signer:
    return Signer(current_app.config["SECRET_KEY"], salt="palier.export-download")


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


# The archive --------------------------------------------------------------------------------


def build_archive(user: User) -> bytes:
    """The ZIP archive of the member's data, as bytes."""
    files = {}
    pictures: list[tuple[str, str]] = []  # (name in the archive, stored file name)
    files["profile.json"] = _profile(user)
    files["memberships.json"] = _memberships(user)
    files["listings.json"] = _listings(user, pictures)
    files["loans.json"] = _loans(user)
    files["help_exchanges.json"] = _exchanges(user)
    files["messages.json"] = _messages(user)
    files["posts.json"] = _posts(user, pictures)
    files["comments.json"] = _comments(user)
    files["reactions.json"] = _reactions(user)
    files["votes.json"] = _votes(user)
    files["event_answers.json"] = _event_answers(user)
    files["bookings.json"] = _bookings(user)
    files["devices.json"] = _devices(user)
    files["notifications.json"] = _notifications(user)
    files["reports.json"] = _reports(user)
    files["blocks.json"] = _blocks(user)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("README.txt", readme(user.locale))
        for name, content in files.items():
            archive.writestr(name, json.dumps(content, default=_json, ensure_ascii=False, indent=2))
        folder = photos.upload_folder()
        for name, stored in pictures:
            if (folder / stored).is_file():
                archive.write(folder / stored, name)
    return buffer.getvalue()


def _json(value):
    if isinstance(value, datetime | date):
        return value.isoformat()
    if hasattr(value, "value"):  # an enum
        return value.value
    raise TypeError(f"{type(value).__name__} is not written to an export")


def _profile(user: User) -> dict:
    preferences = db.session.get(NotificationPreferences, user.id)
    return {
        "id": user.id,
        "email": user.email,
        "display_name": user.display_name,
        "locale": user.locale,
        "avatar_url": user.avatar_url,
        "created_at": user.created_at,
        "notification_preferences": None
        if preferences is None
        else {
            "categories": preferences.categories,
            "quiet_hours": preferences.quiet_hours,
            "quiet_start_min": preferences.quiet_start_min,
            "quiet_end_min": preferences.quiet_end_min,
        },
    }


def _memberships(user: User) -> dict:
    memberships = db.session.scalars(
        select(Membership)
        .where(Membership.user_id == user.id)
        .options(selectinload(Membership.residence), selectinload(Membership.building))
        .order_by(Membership.id)
    )
    events = db.session.scalars(
        select(MembershipEvent)
        .where(MembershipEvent.user_id == user.id)
        .order_by(MembershipEvent.id)
    )
    return {
        "memberships": [
            {
                "residence": membership.residence.name,
                "building": membership.building.name if membership.building else None,
                "role": membership.role,
                "status": membership.status,
                "joined_at": membership.joined_at,
            }
            for membership in memberships
        ],
        "history": [
            {
                "residence_id": event.residence_id,
                "change": event.change,
                "reason": event.reason,
                "at": event.at,
            }
            for event in events
        ],
    }


def _photo_entries(kind: str, owner_id: int, rows, pictures: list) -> list[dict]:
    entries = []
    for photo in rows:
        name = f"photos/{kind}-{owner_id}-{photo.position}{Path(photo.filename).suffix}"
        pictures.append((name, photo.filename))
        entries.append({"file": name, "width": photo.width, "height": photo.height})
    return entries


def _listings(user: User, pictures: list) -> list[dict]:
    listings = db.session.scalars(
        select(Listing)
        .where(Listing.owner_id == user.id)
        .options(selectinload(Listing.photos), selectinload(Listing.residence))
        .order_by(Listing.id)
    )
    return [
        {
            "id": listing.id,
            "residence": listing.residence.name,
            "kind": listing.kind,
            "category": listing.category,
            "title": listing.title,
            "description": listing.description,
            "estimated_value_eur": listing.estimated_value_eur,
            "scope": listing.scope,
            "status": listing.status,
            "visibility": listing.visibility,
            "created_at": listing.created_at,
            "edited_at": listing.edited_at,
            "deleted_at": listing.deleted_at,
            "photos": _photo_entries("listing", listing.id, listing.photos, pictures),
        }
        for listing in listings
    ]


def _thanks_of(column, deal_id: int, user: User) -> dict:
    rows = db.session.scalars(select(Thanks).where(column == deal_id))
    given = received = None
    for thanks in rows:
        if thanks.author_id == user.id:
            given = thanks.text
        else:
            received = thanks.text
    return {"thanks_given": given, "thanks_received": received}


def _loans(user: User) -> list[dict]:
    loans = db.session.scalars(
        select(Loan)
        .where(or_(Loan.owner_id == user.id, Loan.borrower_id == user.id))
        .options(selectinload(Loan.listing), selectinload(Loan.owner), selectinload(Loan.borrower))
        .order_by(Loan.id)
    )
    answer = []
    for loan in loans:
        lending = loan.owner_id == user.id
        answer.append(
            {
                "id": loan.id,
                "my_side": "lender" if lending else "borrower",
                "object": loan.listing.title,
                "other_side": public_name(loan.borrower if lending else loan.owner),
                "starts_on": loan.starts_on,
                "due_on": loan.due_on,
                "status": loan.status,
                # The request's note is the borrower's words: theirs to see, not the lender's.
                "my_request_note": None if lending else loan.message,
                "requested_at": loan.created_at,
                "handed_over_at": loan.handed_over_at,
                "returned_at": loan.returned_at,
                **_thanks_of(Thanks.loan_id, loan.id, user),
            }
        )
    return answer


def _exchanges(user: User) -> list[dict]:
    exchanges = db.session.scalars(
        select(HelpExchange)
        .where(or_(HelpExchange.owner_id == user.id, HelpExchange.member_id == user.id))
        .options(
            selectinload(HelpExchange.listing),
            selectinload(HelpExchange.owner),
            selectinload(HelpExchange.member),
        )
        .order_by(HelpExchange.id)
    )
    answer = []
    for exchange in exchanges:
        listed = exchange.owner_id == user.id
        answer.append(
            {
                "id": exchange.id,
                "my_side": "listed" if listed else "answered",
                "listing": exchange.listing.title,
                "listing_kind": exchange.listing.kind,
                "other_side": public_name(exchange.member if listed else exchange.owner),
                "status": exchange.status,
                "my_answer_note": None if listed else exchange.message,
                "created_at": exchange.created_at,
                "completed_at": exchange.completed_at,
                "help_minutes": exchange.help_minutes,
                **_thanks_of(Thanks.exchange_id, exchange.id, user),
            }
        )
    return answer


def _messages(user: User) -> list[dict]:
    messages = db.session.scalars(
        select(Message).where(Message.author_id == user.id).order_by(Message.id)
    )
    return [
        {
            "id": message.id,
            "loan_id": message.loan_id,
            "exchange_id": message.exchange_id,
            "body": message.body,
            "created_at": message.created_at,
            "edited_at": message.edited_at,
            "deleted_at": message.deleted_at,
        }
        for message in messages
    ]


def _posts(user: User, pictures: list) -> list[dict]:
    posts = db.session.scalars(
        select(Post)
        .where(Post.author_id == user.id)
        .options(selectinload(Post.photos), selectinload(Post.options))
        .order_by(Post.id)
    )
    return [
        {
            "id": post.id,
            "kind": post.kind,
            "title": post.title,
            "body": post.body,
            "scope": post.scope,
            "visibility": post.visibility,
            "published_at": post.published_at,
            "edited_at": post.edited_at,
            "deleted_at": post.deleted_at,
            "starts_at": post.starts_at,
            "ends_at": post.ends_at,
            "place": post.place,
            "poll_options": [option.label for option in post.options],
            "photos": _photo_entries("post", post.id, post.photos, pictures),
        }
        for post in posts
    ]


def _comments(user: User) -> list[dict]:
    comments = db.session.scalars(
        select(Comment).where(Comment.author_id == user.id).order_by(Comment.id)
    )
    return [
        {
            "id": comment.id,
            "post_id": comment.post_id,
            "body": comment.body,
            "created_at": comment.created_at,
            "edited_at": comment.edited_at,
            "deleted_at": comment.deleted_at,
        }
        for comment in comments
    ]


def _reactions(user: User) -> list[dict]:
    reactions = db.session.scalars(
        select(Reaction).where(Reaction.user_id == user.id).order_by(Reaction.post_id)
    )
    return [
        {"post_id": reaction.post_id, "kind": reaction.kind, "created_at": reaction.created_at}
        for reaction in reactions
    ]


def _votes(user: User) -> list[dict]:
    rows = db.session.execute(
        select(Vote, PollOption.label)
        .join(PollOption, PollOption.id == Vote.option_id)
        .where(Vote.user_id == user.id)
        .order_by(Vote.post_id)
    )
    return [
        {"post_id": vote.post_id, "option": label, "created_at": vote.created_at}
        for vote, label in rows
    ]


def _event_answers(user: User) -> list[dict]:
    answers = db.session.scalars(
        select(EventRsvp).where(EventRsvp.user_id == user.id).order_by(EventRsvp.post_id)
    )
    return [
        {"post_id": rsvp.post_id, "answer": rsvp.answer, "created_at": rsvp.created_at}
        for rsvp in answers
    ]


def _bookings(user: User) -> list[dict]:
    bookings = db.session.scalars(
        select(Booking)
        .where(Booking.member_id == user.id)
        .options(selectinload(Booking.space))
        .order_by(Booking.id)
    )
    return [
        {
            "id": booking.id,
            "space": booking.space.name,
            "starts_at": booking.starts_at,
            "ends_at": booking.ends_at,
            "status": booking.status,
            "purpose": booking.purpose,
            "people": booking.people,
            "booked_at": booking.created_at,
        }
        for booking in bookings
    ]


def _devices(user: User) -> dict:
    devices = db.session.scalars(
        select(Device).where(Device.user_id == user.id).order_by(Device.id)
    )
    sessions = db.session.scalars(
        select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.id)
    )
    return {
        # The phones' push tokens are keys to send to them: not copied out.
        "phones": [
            {
                "platform": device.platform,
                "app_version": device.app_version,
                "locale": device.locale,
                "registered_at": device.created_at,
                "last_seen_at": device.last_seen_at,
            }
            for device in devices
        ],
        "sessions": [
            {
                "device_name": token.device_name,
                "signed_in_at": token.created_at,
                "last_used_at": token.last_used_at,
                "signed_out_at": token.revoked_at,
            }
            for token in sessions
        ],
    }


def _notifications(user: User) -> list[dict]:
    notifications = db.session.scalars(
        select(Notification).where(Notification.recipient_id == user.id).order_by(Notification.id)
    )
    return [
        {
            "kind": notification.kind,
            "title": notification.payload.get("title"),
            "body": notification.payload.get("body"),
            "status": notification.status,
            "created_at": notification.created_at,
            "sent_at": notification.sent_at,
        }
        for notification in notifications
    ]


def _reports(user: User) -> list[dict]:
    rows = db.session.execute(
        select(Report, ModerationCase)
        .join(ModerationCase, ModerationCase.id == Report.case_id)
        .where(Report.reporter_id == user.id)
        .order_by(Report.id)
    )
    return [
        {
            "id": report.id,
            "about": case.target_kind,
            "about_id": case.target_id,
            "reason": report.reason,
            "text": report.text,
            "created_at": report.created_at,
            "outcome": case.outcome,
        }
        for report, case in rows
    ]


def _blocks(user: User) -> list[dict]:
    blocks = db.session.scalars(
        select(Block)
        .where(Block.blocker_id == user.id)
        .options(selectinload(Block.blocked))
        .order_by(Block.created_at)
    )
    return [
        {"member": public_name(block.blocked), "blocked_at": block.created_at} for block in blocks
    ]


def readme(locale: str) -> str:
    """What each file holds, in the member's language."""
    with force_locale(locale):
        lines = [
            gettext("Your data on Palier"),
            "",
            gettext(
                "This archive holds the data Palier keeps about you, as it was when it was "
                "built. Each file is JSON (dates in UTC). Your neighbours appear only by the "
                "name they show everyone."
            ),
            "",
        ]
        for name, description in _file_descriptions():
            lines.append(f"{name}: {description}")
        return "\n".join(lines) + "\n"


def _file_descriptions() -> list[tuple[str, str]]:
    return [
        ("profile.json", gettext("your account: e-mail, name, language, notification settings")),
        (
            "memberships.json",
            gettext("your residences, building and role, and when you joined or left"),
        ),
        (
            "listings.json",
            gettext("what you offered or asked for; its photos are in the photos folder"),
        ),
        (
            "loans.json",
            gettext("objects you lent or borrowed, with whom, when, and the thanks exchanged"),
        ),
        ("help_exchanges.json", gettext("help and gifts you gave or received, with whom")),
        ("messages.json", gettext("the messages you wrote in the threads of loans and help")),
        ("posts.json", gettext("the news, events and polls you published, with their photos")),
        ("comments.json", gettext("your comments")),
        ("reactions.json", gettext("your reactions to posts")),
        ("votes.json", gettext("your answers to polls")),
        ("event_answers.json", gettext("your answers to events (going, maybe, not going)")),
        ("bookings.json", gettext("your bookings of shared spaces")),
        ("devices.json", gettext("your phones registered for notifications, and your sessions")),
        ("notifications.json", gettext("the notifications sent to you")),
        ("reports.json", gettext("the reports you made and how they ended")),
        ("blocks.json", gettext("the members you block")),
    ]
