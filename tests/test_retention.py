"""The retention periods, applied by the purge job with the clock moved forward."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app import jobs
from models import (
    AccountLink,
    ApiToken,
    Delivery,
    ExportRequest,
    ExportStatus,
    InviteCode,
    LinkPurpose,
    Membership,
    MembershipEvent,
    Message,
    Notification,
    NotificationStatus,
    User,
    db,
)
from models.base import utcnow
from notifications import outbox
from services import account_links, accounts, conversations, erasure, exports, loans, retention
from services.reports.figures import landlord_figures
from tests.test_reports import OCTOBER, build_october
from tests.world import user


def count(model, *conditions) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*conditions))


def until_done(purge, now) -> list[int]:
    """What each batch did, as the job calls it, until a batch finds nothing."""
    done = []
    while True:
        done.append(purge(now))
        db.session.commit()
        if done[-1] == 0:
            return done


def notifications_for(user, keys, status=NotificationStatus.SENT):
    rows = []
    for key in keys:
        outbox.enqueue([user], "welcome", {"residence": "X"}, key=key, link="x")
        row = db.session.scalar(
            select(Notification).where(Notification.idempotency_key == f"{key}:{user.id}")
        )
        row.status = status
        rows.append(row)
    db.session.flush()
    for row in rows:
        db.session.add(Delivery(notification_id=row.id, outcome="sent"))
    db.session.commit()
    return rows


def test_notifications_and_deliveries_go_after_90_days_in_batches(world, monkeypatch):
    monkeypatch.setattr(retention, "BATCH", 2)
    nadia = world.users["resident"]
    notifications_for(nadia, [f"old-{n}" for n in range(3)])
    notifications_for(nadia, ["waiting"], NotificationStatus.PENDING)
    before = count(Notification)
    day_89, day_91 = utcnow() + timedelta(days=89), utcnow() + timedelta(days=91)

    assert until_done(retention.purge_notifications, day_89) == [0]
    # Deliveries first (4 of them, 2 a batch), then the 3 ended notifications.
    assert until_done(retention.purge_notifications, day_91) == [2, 2, 2, 1, 0]
    assert count(Delivery) == 0
    assert count(Notification) == before - 3
    # A notification still waiting is never purged, whatever its age.
    assert count(Notification, Notification.idempotency_key == f"waiting:{nadia.id}") == 1


def test_sessions_signed_out_go_after_30_days_live_ones_stay(client, world):
    nadia = world.users["resident"]
    accounts.issue_token(nadia, "old tablet")
    accounts.issue_token(nadia, "old tablet")  # replaces (revokes) the first
    db.session.commit()
    revoked = count(ApiToken, ApiToken.revoked_at.is_not(None))
    assert revoked >= 1
    later = utcnow() + timedelta(days=31)
    assert until_done(retention.purge_revoked_sessions, utcnow() + timedelta(days=29)) == [0]
    assert until_done(retention.purge_revoked_sessions, later)[0] == revoked
    assert count(ApiToken, ApiToken.revoked_at.is_not(None)) == 0
    assert client.get("/api/v1/me", headers=world.headers("resident")).status_code == 200


def test_invite_codes_go_30_days_after_their_end_members_who_used_them_stay(world):
    world.invite.expires_at = utcnow() + timedelta(days=10)
    world.membership("resident").invite_code_id = world.invite.id
    lasting = InviteCode(code="LASTING", residence=world.home)
    db.session.add(lasting)
    db.session.commit()
    assert until_done(retention.purge_expired_invite_codes, utcnow() + timedelta(days=39)) == [0]
    assert until_done(retention.purge_expired_invite_codes, utcnow() + timedelta(days=41)) == [
        1,
        0,
    ]
    db.session.expire_all()
    assert db.session.scalars(select(InviteCode.code)).all() == ["LASTING"]
    membership = world.membership("resident")
    assert membership is not None and membership.invite_code_id is None


def test_messages_of_deals_closed_a_year_ago_are_emptied_others_kept(world):
    nadia, moussa = world.users["resident"], world.users["solidaire"]
    loans.accept_loan(nadia, world.loan.id)
    loans.hand_over_loan(nadia, world.loan.id)
    loans.mark_loan_returned(nadia, world.loan.id)
    conversations.post_message(moussa, "loan", world.loan.id, "Je la rapporte")
    conversations.post_message(nadia, "exchange", world.exchange.id, "Toujours d'accord ?")
    db.session.commit()
    in_a_year = utcnow() + timedelta(days=366)

    assert until_done(retention.purge_closed_deal_messages, utcnow() + timedelta(days=364)) == [0]
    assert until_done(retention.purge_closed_deal_messages, in_a_year) == [1, 0]
    db.session.expire_all()
    closed = db.session.scalar(select(Message).where(Message.loan_id == world.loan.id))
    assert (closed.body, closed.deleted_at is not None) == ("", True)
    # The exchange is still open: its thread is untouched.
    open_ = db.session.scalar(select(Message).where(Message.exchange_id == world.exchange.id))
    assert (open_.body, open_.deleted_at) == ("Toujours d'accord ?", None)


def test_export_archives_go_after_7_days_then_their_requests(world, upload_folder):
    nadia = world.users["resident"]
    exports.request_export(nadia)
    exports.build_pending_exports()
    db.session.commit()
    request = db.session.scalar(select(ExportRequest).where(ExportRequest.user_id == nadia.id))
    archive = exports.archive_path(request.filename)
    assert archive.is_file()

    assert until_done(exports.expire_archives, utcnow() + timedelta(days=6)) == [0]
    assert until_done(exports.expire_archives, utcnow() + timedelta(days=7, minutes=1)) == [1, 0]
    db.session.expire_all()
    assert request.status == ExportStatus.EXPIRED and request.filename is None
    assert not archive.exists()  # removed once the purge committed
    assert until_done(exports.purge_requests, utcnow() + timedelta(days=13)) == [0]
    assert until_done(exports.purge_requests, utcnow() + timedelta(days=15)) == [1, 0]
    assert count(ExportRequest) == 0


def test_a_downloaded_archive_is_removed_at_the_next_purge(client, world):
    exports.request_export(world.users["resident"])
    exports.build_pending_exports()
    db.session.commit()
    request = db.session.scalar(select(ExportRequest))
    archive = exports.archive_path(request.filename)
    secret = exports.issue_link(world.users["resident"], request.id)[1]
    db.session.commit()
    client.get(f"/api/v1/exports/{secret}").close()
    assert until_done(exports.expire_archives, utcnow()) == [1, 0]
    assert not archive.exists()


def test_the_job_runs_every_purge_until_done(app, world, monkeypatch):
    monkeypatch.setattr(retention, "BATCH", 1)
    notifications_for(world.users["resident"], ["a", "b"])
    for row in db.session.scalars(select(Notification)):
        row.created_at = utcnow() - timedelta(days=100)
    for delivery in db.session.scalars(select(Delivery)):
        delivery.created_at = utcnow() - timedelta(days=100)
    db.session.commit()
    jobs.bind(app)
    jobs.purge_personal_data()
    assert count(Notification, Notification.idempotency_key.like("a:%")) == 0
    assert count(Notification, Notification.idempotency_key.like("b:%")) == 0
    assert count(Delivery) == 0
    # And it is registered with the scheduler, hourly.
    assert (jobs.purge_personal_data, 3600) in jobs.SCHEDULE
    assert (jobs.build_exports, 60) in jobs.SCHEDULE


@pytest.mark.parametrize("purge", ["purge_closed_deal_messages", "purge_revoked_sessions"])
def test_purges_that_keep_a_months_figures(fcm, purge):
    """A month rebuilt after these purges gives the same figures (messages stay as
    tombstones; sessions are not counted)."""
    world = build_october(fcm)
    before = landlord_figures(world.landlord, OCTOBER)
    until_done(getattr(retention, purge), utcnow() + timedelta(days=3650))
    db.session.expire_all()
    assert landlord_figures(world.landlord, OCTOBER) == before
    assert count(Membership) > 0


def test_accounts_never_confirmed_go_30_days_after_registering(world):
    """One that never joined anything is deleted; one that joined a residence is erased like
    any account (its history stays, anonymous); one with a loan in progress waits."""
    for member in world.users.values():
        member.email_verified_at = utcnow()
    ghost = user("ghost@test.palier", "Fantôme")
    joined = user("joined@test.palier", "Jo")
    db.session.flush()
    accounts.issue_token(ghost, "phone")
    db.session.add(Membership(user=joined, residence=world.home))
    db.session.add(
        MembershipEvent(
            residence_id=world.home.id, user_id=joined.id, change="joined", reason="invite_code"
        )
    )
    world.users["solidaire"].email_verified_at = None  # he has a loan in progress
    db.session.commit()
    ghost_id, joined_id = ghost.id, joined.id

    assert until_done(erasure.purge_unconfirmed_accounts, utcnow() + timedelta(days=29)) == [0]
    assert until_done(erasure.purge_unconfirmed_accounts, utcnow() + timedelta(days=31)) == [2, 0]
    db.session.expire_all()
    assert db.session.get(User, ghost_id) is None
    assert count(ApiToken, ApiToken.user_id == ghost_id) == 0
    erased = db.session.get(User, joined_id)
    assert erased.erased_at is not None and erased.email == f"erased-{joined_id}@erased.invalid"
    assert world.users["solidaire"].erased_at is None


def test_account_links_go_7_days_after_their_end(world):
    nadia = world.users["resident"]
    account_links.issue(nadia, LinkPurpose.RESET_PASSWORD, nadia.email)  # one hour
    account_links.issue(nadia, LinkPurpose.VERIFY_EMAIL, nadia.email)  # seven days
    db.session.commit()
    assert until_done(retention.purge_account_links, utcnow() + timedelta(days=8)) == [1, 0]
    assert until_done(retention.purge_account_links, utcnow() + timedelta(days=15)) == [1, 0]
    assert count(AccountLink) == 0
