"""Monthly reports: every figure against a small world counted by hand, privacy, the number of
queries, snapshots and their versions, the scheduler's job and its catch-up, the endpoints.

The month is October 2026 in Paris: from 2026-09-30 22:00 UTC (summer time) to 2026-10-31
23:00 UTC (winter time since Sunday 25 October, a day of 25 hours). Rows are made through the
services, then moved to the instant they stand for (their timestamps are set by hand).
"""

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from shapely.geometry import Point
from sqlalchemy import event, select, update

from app import jobs
from app.transactions import unit_of_work
from models import (
    AuditAction,
    AuditEntry,
    Booking,
    BookingStatus,
    Building,
    Closure,
    Comment,
    Delivery,
    Device,
    EventRsvp,
    HelpExchange,
    Landlord,
    LandlordStaff,
    Listing,
    ListingKind,
    Loan,
    LoanStatus,
    Membership,
    MembershipChange,
    MembershipEvent,
    MembershipRole,
    ModerationCase,
    MonthlyReport,
    Notification,
    OpeningHours,
    Post,
    PostKind,
    PostRead,
    PostResidence,
    PostScope,
    Reaction,
    Report,
    Residence,
    Space,
    TargetKind,
    User,
    Vote,
    db,
)
from notifications import dispatcher, outbox
from services import (
    accounts,
    bookings,
    conversations,
    devices,
    exchanges,
    invitations,
    listings,
    loans,
    memberships,
    spaces,
)
from services.geojson import to_column
from services.moderation import actions, cases
from services.news import interactions, publishing
from services.reports.snapshots import build_due_reports, build_month
from tests.world import residence as new_residence
from tests.world import today

PARIS = ZoneInfo("Europe/Paris")
OCTOBER = date(2026, 10, 1)
SEPTEMBER = date(2026, 9, 1)


def paris(month: int, day: int, hour: int = 12, minute: int = 0, year: int = 2026) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=PARIS)


# The month's edges, in Paris.
BEFORE = datetime(2026, 9, 30, 23, 59, 59, tzinfo=PARIS)  # the last second of September
FIRST = paris(10, 1, 0, 0)  # its first instant (22:00 UTC on 30 September)
LAST = datetime(2026, 10, 31, 23, 59, 59, 999999, tzinfo=PARIS)  # its last instant
AFTER = datetime(2026, 10, 31, 23, 30, tzinfo=UTC)  # 00:30 on 1 November in Paris: November


@dataclass
class ReportWorld:
    """The landlords, residences and people of a test (people by first name, lower-cased)."""

    landlord: Landlord
    other_landlord: Landlord
    tilleuls: Residence
    verger: Residence
    erables: Residence
    users: dict[str, User] = field(default_factory=dict)
    posts: dict[str, Post] = field(default_factory=dict)
    listings: dict[str, Listing] = field(default_factory=dict)
    loans: dict[str, Loan] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)

    def headers(self, name: str) -> dict:
        if name not in self.tokens:
            self.tokens[name] = accounts.issue_token(self.users[name], "test phone")
        return {"Authorization": f"Bearer {self.tokens[name]}"}


def person(name: str) -> User:
    user = User(
        email=f"{name.lower().replace(' ', '.')}@example.test",
        display_name=name,
        password_hash="not a hash: nobody signs in with a password here",
    )
    db.session.add(user)
    return user


def join(user: User, code, at: datetime) -> Membership:
    """Join with an invite code, as members do; the join is then dated `at`."""
    membership = invitations.join_with_code(user, code.code)
    membership.joined_at = at
    latest_event(user, membership.residence_id).at = at
    db.session.flush()
    return membership


def latest_event(user: User, residence_id: int) -> MembershipEvent:
    return db.session.scalar(
        select(MembershipEvent)
        .where(MembershipEvent.user_id == user.id, MembershipEvent.residence_id == residence_id)
        .order_by(MembershipEvent.id.desc())
        .limit(1)
    )


def listing(world, key, owner, residence, kind, category, title, at, value=None, scope="residence"):
    data = {
        "residence_id": residence.id,
        "kind": kind,
        "category": category,
        "title": title,
        "scope": scope,
    }
    if value is not None:
        data["estimated_value_eur"] = value
    row = listings.create_listing(owner, data)
    row.created_at = at
    world.listings[key] = row
    return row


def loan(listing_row, borrower, *, asked, handed, due, returned=None):
    """A loan through its states, then dated: asked, handed over, returned (or not)."""
    day = today() + timedelta(days=1)
    row = loans.request_loan(borrower, listing_row.id, day, day + timedelta(days=2))
    owner = listing_row.owner
    loans.accept_loan(owner, row.id)
    loans.hand_over_loan(owner, row.id)
    if returned is not None:
        loans.mark_loan_returned(owner, row.id)
        row.returned_at = returned
    row.created_at, row.handed_over_at = asked, handed
    row.starts_on, row.due_on = handed.astimezone(PARIS).date(), due
    db.session.flush()
    return row


def exchange(listing_row, member, *, asked, done, hours=None, completed_by=None):
    row = exchanges.propose_exchange(member, listing_row.id)
    exchanges.accept_exchange(listing_row.owner, row.id)
    exchanges.complete_exchange(completed_by or listing_row.owner, row.id, hours=hours)
    row.created_at, row.completed_at = asked, done
    db.session.flush()
    return row


def book(member, space, starts, ends, booked_at):
    row = bookings.book_space(member, space.id, starts, ends, "Réunion", now=booked_at)
    row.created_at = booked_at
    db.session.flush()
    return row


def read(user, post, minutes):
    interactions.mark_read(user, post.id)
    db.session.get(PostRead, (post.id, user.id)).read_at = post.published_at + timedelta(
        minutes=minutes
    )


def reported(reporter, kind, target_id, at, reason="spam", opens=True):
    """A report made at `at`; the first of its case opens the case then."""
    row = cases.report(reporter, target_kind=kind, target_id=target_id, reason=reason)
    row.created_at = at
    if opens:
        row.case.opened_at = at
    db.session.flush()
    return row


def audit(action, residence, at, actor=None):
    """Audit entries are append-only: each action of the month is written at its instant."""
    db.session.add(
        AuditEntry(
            action=action,
            actor_id=actor.id if actor else None,
            residence_id=residence.id,
            reason="Dans le rapport",
            created_at=at,
        )
    )


def phone(user, token, at):
    device = devices.register_device(user, None, {"token": token, "platform": "android"})
    device.created_at = at


def push(recipients, key, at, fcm, urgent=False):
    """Notifications due at `at`, sent by the dispatcher then, to the fake FCM server."""
    outbox.enqueue(
        recipients, "welcome", {"residence": "X"}, key=key, link="palier://x", urgent=urgent
    )
    db.session.execute(
        update(Notification)
        .where(Notification.idempotency_key.like(f"{key}:%"))
        .values(not_before=at)
    )
    dispatcher.dispatch(fcm.sender, now=at)


def build_october(fcm) -> ReportWorld:
    """The world of the hand counts: see the comments of `test_every_figure...`."""
    landlord = Landlord(name="Habitat Rhône", created_at=paris(6, 1))
    other_landlord = Landlord(name="Bailleur Voisin", created_at=paris(6, 1))
    tilleuls = new_residence(landlord, "Les Tilleuls", 4.8800, 45.7686)
    tilleuls.households = 40
    verger = new_residence(landlord, "Le Verger", 4.8840, 45.7700)  # about 350 m away
    verger.households = 16
    erables = new_residence(other_landlord, "Les Érables", 4.9210, 45.7780)
    building_a = Building(
        residence=tilleuls, name="Bâtiment A", location=to_column(Point(4.8796, 45.7686))
    )
    building_b = Building(
        residence=tilleuls, name="Bâtiment B", location=to_column(Point(4.8804, 45.7686))
    )
    db.session.add_all([landlord, other_landlord, building_a, building_b])
    db.session.flush()
    world = ReportWorld(landlord, other_landlord, tilleuls, verger, erables)
    u = world.users
    for name in (
        "Alice Vernier",
        "Sam Staffier",
        "Olga Autrement",
        "Bruno Caillaux",
        "Chloé Dumas",
        "David Estienne",
        "Emma Fournel",
        "Farid Gacem",
        "Gaëlle Hamon",
        "Hugo Imbert",
        "Léa Jaouen",
        "Yann Kerbrat",
        "Inès Lemaire",
        "Jules Marchand",
        "Kevin Nadaud",
        "Marc Olivier",
        "Zoé Perrin",
    ):
        u[name.split()[0].lower()] = person(name)
    db.session.flush()
    db.session.add_all(
        [
            LandlordStaff(user_id=u["sam"].id, landlord_id=landlord.id),
            LandlordStaff(user_id=u["olga"].id, landlord_id=other_landlord.id),
        ]
    )
    db.session.flush()
    sam, olga = u["sam"], u["olga"]

    def code(staff, residence, building=None):
        return invitations.create_invite_code(
            staff, residence.id, building_id=building.id if building else None, never_expires=True
        )

    code_a, code_b = code(sam, tilleuls, building_a), code(sam, tilleuls, building_b)
    code_tilleuls, code_verger = code(sam, tilleuls), code(sam, verger)
    code_erables = code(olga, erables)

    # Members and when they joined.
    join(u["alice"], code_a, paris(8, 15))
    join(u["bruno"], code_a, paris(9, 1))
    join(u["chloé"], code_a, paris(9, 20))
    join(u["david"], code_a, paris(10, 5, 10))
    join(u["emma"], code_a, FIRST)
    join(u["farid"], code_b, paris(9, 2))
    gaelle = join(u["gaëlle"], code_b, paris(7, 1))
    lea = join(u["léa"], code_tilleuls, paris(9, 5))
    join(u["yann"], code_tilleuls, BEFORE)
    join(u["inès"], code_verger, paris(9, 10))
    join(u["jules"], code_verger, paris(10, 12, 9))
    join(u["kevin"], code_verger, paris(9, 15))
    join(u["marc"], code_verger, paris(8, 1))
    join(u["zoé"], code_erables, paris(10, 3))
    memberships.update_membership(sam, tilleuls.id, lea.id, {"role": "solidaire"})
    alice, bruno, chloe, david, emma = (u[k] for k in ("alice", "bruno", "chloé", "david", "emma"))
    farid, lea_user, yann = u["farid"], u["léa"], u["yann"]
    ines, jules, kevin, zoe = u["inès"], u["jules"], u["kevin"], u["zoé"]

    # Listings.
    drill = listing(world, "drill", alice, tilleuls, "lend", "tools", "Perceuse", paris(10, 2))
    bike = listing(
        world, "bike", bruno, tilleuls, "lend", "mobility", "Vélo", paris(9, 15), 150, "nearby"
    )
    books = listing(world, "books", emma, tilleuls, "give", "books", "Livres", paris(10, 6))
    pram = listing(
        world, "pram", farid, tilleuls, "give", "children", "Poussette", paris(9, 10), 70
    )
    papers = listing(
        world, "papers", alice, tilleuls, "offer_help", "paperwork", "Papiers", paris(10, 8, 9)
    )
    repairs = listing(
        world, "repairs", david, tilleuls, "request_help", "small_repairs", "Étagère", paris(10, 20)
    )
    listing(world, "shopping", farid, tilleuls, "offer_help", "shopping", "Courses", AFTER)
    sander = listing(world, "sander", farid, tilleuls, "lend", "diy", "Ponceuse", BEFORE)
    listing(world, "lamp", emma, tilleuls, "give", "electronics", "Lampe", LAST)
    listing(world, "chair", ines, verger, "give", "other", "Chaise", paris(10, 11))
    listing(world, "zoe", zoe, erables, "give", "books", "BD", paris(10, 6))

    # Loans.
    world.loans["drill"] = loan(
        drill,
        david,
        asked=paris(10, 9),
        handed=paris(10, 10),
        due=date(2026, 10, 12),
        returned=paris(10, 15, 18),
    )
    world.loans["bike"] = loan(
        bike,
        kevin,
        asked=paris(9, 18),
        handed=paris(9, 20),
        due=date(2026, 10, 25),
        returned=AFTER,
    )
    # Kevin's only doing of October: a message about the bike, in Les Tilleuls' loan.
    message = conversations.post_message(kevin, "loan", world.loans["bike"].id, "Je le rapporte")
    message.created_at = paris(10, 26)
    world.loans["sander"] = loan(
        sander, chloe, asked=paris(9, 25), handed=BEFORE, due=date(2026, 10, 5), returned=FIRST
    )
    world.loans["drill_again"] = loan(
        drill, emma, asked=paris(10, 30), handed=LAST, due=date(2026, 11, 3)
    )
    thanks = conversations.thank(david, "loan", world.loans["drill"].id, "Merci !")
    thanks.created_at = paris(10, 15, 19)

    # Help and gifts.
    helped = exchange(papers, bruno, asked=paris(10, 8, 10), done=paris(10, 9), hours=2.5)
    conversations.thank(alice, "exchange", helped.id, "Merci !").created_at = paris(10, 9, 18)
    exchange(repairs, emma, asked=paris(10, 21), done=paris(10, 23))
    given = exchange(books, farid, asked=paris(10, 16), done=paris(10, 18))
    conversations.thank(farid, "exchange", given.id, "Merci !").created_at = AFTER
    exchange(pram, alice, asked=paris(10, 21), done=paris(10, 22))
    exchange(papers, lea_user, asked=paris(10, 28), done=AFTER, hours=2)

    # Shared spaces.
    staff_hours = [
        *({"weekday": day, "opens": "18:00", "closes": "22:00"} for day in range(5)),
        {"weekday": 5, "opens": "10:00", "closes": "18:00"},
    ]
    room = spaces.create_space(
        sam, tilleuls.id, {"name": "Salle commune", "capacity": 30, "opening_hours": staff_hours}
    )
    spaces.add_closure(
        sam,
        room.id,
        {"starts_on": date(2026, 10, 12), "ends_on": date(2026, 10, 13), "reason": "Peinture"},
    )
    laundry = spaces.create_space(
        sam,
        tilleuls.id,
        {
            "name": "Laverie",
            "capacity": 4,
            "opening_hours": [
                {"weekday": d, "opens": "00:00", "closes": "24:00"} for d in range(7)
            ],
        },
    )
    garden = spaces.create_space(
        sam,
        verger.id,
        {
            "name": "Jardin",
            "capacity": 20,
            "opening_hours": [
                {"weekday": d, "opens": "08:00", "closes": "20:00"} for d in range(7)
            ],
        },
    )
    hall = spaces.create_space(
        olga,
        erables.id,
        {
            "name": "Salle",
            "capacity": 20,
            "opening_hours": [
                {"weekday": d, "opens": "08:00", "closes": "20:00"} for d in range(7)
            ],
        },
    )
    book(alice, room, paris(10, 3, 10), paris(10, 3, 13), paris(9, 28))
    book(bruno, room, paris(10, 9, 18), paris(10, 9, 20), paris(10, 1, 9))
    cancelled = book(u["gaëlle"], room, paris(10, 17, 14), paris(10, 17, 15, 30), paris(10, 2))
    bookings.cancel_booking(u["gaëlle"], cancelled.id, None, now=paris(10, 10))
    book(david, room, paris(10, 31, 14), paris(10, 31, 18), paris(10, 25))
    book(chloe, room, paris(9, 30, 18), paris(9, 30, 22), paris(9, 25))
    book(alice, room, paris(11, 7, 10), paris(11, 7, 12), paris(10, 30))
    # The night the clocks go back: 01:00 to 04:00 on the wall, four hours.
    book(emma, laundry, paris(10, 25, 1), paris(10, 25, 4), paris(10, 20))
    book(ines, garden, paris(10, 12, 10), paris(10, 12, 12), paris(10, 8))
    dropped = book(jules, garden, paris(10, 14, 10), paris(10, 14, 11), paris(10, 13, 9))
    bookings.cancel_booking(sam, dropped.id, "Taille des haies", now=paris(10, 13, 12))
    book(zoe, hall, paris(10, 9, 10), paris(10, 9, 12), paris(10, 5))

    # News.
    p = world.posts

    def publish(key, author, residence, kind, at, **more):
        p[key] = publishing.publish_post(
            author, residence_id=residence.id, kind=kind, body=key, now=at, **more
        )
        return p[key]

    publish("party_talk", alice, tilleuls, "post", paris(10, 3, 18))
    publish("party", bruno, tilleuls, "event", paris(10, 5, 9), starts_at=paris(10, 10, 18))
    publish(
        "poll",
        lea_user,
        tilleuls,
        "poll",
        paris(10, 6, 9),
        options=["8h", "9h"],
        closes_at=paris(10, 20),
    )
    publish("late_september", alice, tilleuls, "post", BEFORE)
    publishing.delete_own_post(bruno, publish("deleted", bruno, tilleuls, "post", paris(10, 12)).id)
    publish("verger_news", ines, verger, "post", paris(10, 11, 9))
    publish("zoe_news", zoe, erables, "post", paris(10, 5))
    comments = {
        "bruno": interactions.add_comment(bruno, p["party_talk"].id, "Bravo"),
        "david": interactions.add_comment(david, p["party"].id, "J'apporte des chaises"),
        "emma": interactions.add_comment(emma, p["party_talk"].id, "Oups"),
        "alice": interactions.add_comment(alice, p["party_talk"].id, "Merci"),
        "september": interactions.add_comment(bruno, p["late_september"].id, "Déjà ?"),
    }
    for key, at in (
        ("bruno", paris(10, 4)),
        ("david", paris(10, 7)),
        ("emma", paris(10, 8)),
        ("alice", AFTER),
        ("september", BEFORE),
    ):
        comments[key].created_at = at
    interactions.delete_own_comment(emma, comments["emma"].id)
    interactions.react(emma, p["party_talk"].id, "like")
    db.session.get(Reaction, (p["party_talk"].id, emma.id)).created_at = paris(10, 9)
    interactions.answer_event(david, p["party"].id, "going")
    interactions.answer_event(emma, p["party"].id, "maybe")
    db.session.get(EventRsvp, (p["party"].id, david.id)).created_at = paris(10, 6)
    db.session.get(EventRsvp, (p["party"].id, emma.id)).created_at = paris(10, 7)
    options = p["poll"].options
    interactions.vote(farid, p["poll"].id, options[0].id, now=paris(10, 8))
    interactions.vote(alice, p["poll"].id, options[1].id, now=paris(10, 9))
    db.session.get(Vote, (p["poll"].id, farid.id)).created_at = paris(10, 8)
    db.session.get(Vote, (p["poll"].id, alice.id)).created_at = paris(10, 9)

    # Reports and moderation.
    first_case = reported(bruno, "post", p["party_talk"].id, paris(10, 10, 10)).case
    reported(chloe, "post", p["party_talk"].id, paris(10, 10, 11), opens=False)
    second_case = reported(
        emma, "comment", comments["david"].id, paris(10, 20, 8), "harassment"
    ).case
    third_case = reported(yann, "listing", sander.id, paris(9, 30, 23)).case
    reported(alice, "comment", comments["bruno"].id, AFTER)
    verger_case = reported(jules, "post", p["verger_news"].id, paris(10, 12, 9)).case
    actions.take_action(
        lea_user,
        tilleuls.id,
        action="hide",
        target_kind="post",
        target_id=p["party_talk"].id,
        reason="Publicité",
    )
    actions.take_action(
        sam,
        tilleuls.id,
        action="warn",
        target_kind="comment",
        target_id=comments["david"].id,
        reason="Propos blessants",
        message="Restons courtois.",
    )
    actions.take_action(
        lea_user,
        tilleuls.id,
        action="dismiss",
        target_kind="listing",
        target_id=sander.id,
        reason="Rien d'anormal",
    )
    actions.take_action(
        sam,
        verger.id,
        action="dismiss",
        target_kind="post",
        target_id=p["verger_news"].id,
        reason="Rien d'anormal",
    )
    first_case.closed_at = paris(10, 10, 15, 30)
    second_case.closed_at = paris(10, 21, 8)
    third_case.closed_at = paris(10, 1, 1)
    verger_case.closed_at = paris(10, 12, 15, 30)
    audit(AuditAction.HIDE, tilleuls, paris(10, 10, 15, 30), lea_user)
    audit(AuditAction.WARN, tilleuls, paris(10, 21, 8), sam)
    audit(AuditAction.DISMISS, tilleuls, paris(10, 1, 1), lea_user)
    audit(AuditAction.AUTO_HIDE, tilleuls, paris(10, 15))
    audit(AuditAction.ROLE_CHANGE, tilleuls, paris(10, 2), sam)
    audit(AuditAction.MEMBERSHIP_CHANGE, tilleuls, paris(10, 20, 9), sam)  # Gaëlle leaves
    audit(AuditAction.HIDE, tilleuls, AFTER, lea_user)
    audit(AuditAction.WARN, tilleuls, BEFORE, sam)
    audit(AuditAction.DISMISS, verger, paris(10, 12, 15, 30), sam)
    audit(AuditAction.HIDE, erables, paris(10, 12), olga)

    # The landlord's announcements reach the active members of the day: 9 in Les Tilleuls on
    # 7 October; Gaëlle leaves on the morning of the 20th, before the water alert (8).
    publish("lift", sam, tilleuls, "announcement", paris(10, 7, 9))
    withdrawn = publish("withdrawn", sam, tilleuls, "announcement", paris(10, 15, 9))
    memberships.update_membership(sam, tilleuls.id, gaelle.id, {"status": "left"})
    latest_event(u["gaëlle"], tilleuls.id).at = paris(10, 20, 9)
    publish("water", sam, tilleuls, "alert", paris(10, 20, 12))
    publish("verger_alert", sam, verger, "alert", paris(10, 21, 10))  # Inès, Jules, Kevin, Marc
    join(u["hugo"], code_a, AFTER)
    publish("november", sam, tilleuls, "announcement", AFTER)
    read(alice, p["lift"], 30)
    read(bruno, p["lift"], 90)
    read(lea_user, p["lift"], 10)
    read(sam, p["lift"], 2)
    read(chloe, p["water"], 5)
    read(alice, withdrawn, 1)
    read(kevin, p["verger_alert"], 60)
    publishing.delete_own_post(sam, withdrawn.id)
    # Sam also holds a staff membership of Le Verger (staff may): a member, but not of a
    # residence the lift reached, so his read of it still does not count.
    db.session.add(Membership(user=sam, residence=verger, role=MembershipRole.STAFF))

    # Phones and pushes.
    phone(alice, "phone-alice", paris(9, 1))
    phone(alice, "badpayload-alice", paris(9, 1))  # FCM refuses every message to this one
    phone(bruno, "phone-bruno", paris(10, 3))
    phone(david, "phone-david", AFTER)
    phone(u["gaëlle"], "phone-gaelle", paris(8, 1))
    phone(u["hugo"], "phone-hugo", paris(11, 2))
    phone(kevin, "phone-kevin", paris(9, 16))
    phone(zoe, "phone-zoe", paris(10, 3))
    phone(sam, "phone-sam", paris(9, 1))
    db.session.flush()
    push([alice], "september", BEFORE, fcm, urgent=True)
    push([alice, bruno, chloe, kevin, zoe], "october", paris(10, 15, 10), fcm)
    push([bruno], "november", AFTER, fcm, urgent=True)
    db.session.commit()
    return world


def without_comparisons(figures: dict) -> dict:
    return {key: value for key, value in figures.items() if key not in ("changes", "trend")}


def test_every_figure_of_the_residences_and_the_landlord_is_the_hand_count(fcm):
    world = build_october(fcm)
    reports = build_month(world.landlord, OCTOBER)
    assert [report.residence_id for report in reports] == [None, world.tilleuls.id, world.verger.id]
    landlord, tilleuls, verger = (report.figures for report in reports)

    assert without_comparisons(tilleuls) == {
        "scope": {
            "kind": "residence",
            "id": world.tilleuls.id,
            "name": "Les Tilleuls",
            "landlord": "Habitat Rhône",
            "month": "2026-10",
            "time_zone": "Europe/Paris",
        },
        "definitions_version": 1,
        "members": {
            # Members at the end of October: Alice, Bruno, Chloé, Farid, Léa (joined before),
            # Yann (joined at 23:59:59 on 30 September: still September), David and Emma
            # (joined in October, Emma at its first instant). Not Gaëlle (left on the 20th) nor
            # Hugo (joined at 00:30 on 1 November in Paris, 31 October in UTC).
            "total": 8,
            "joined": 2,  # David and Emma
            "left": 1,  # Gaëlle
            # Alice (listings, a post), Bruno (a comment, the event, answered Alice's offer),
            # David (asked for the drill), Emma (gave books), Farid (asked for the books,
            # voted), Gaëlle (booked on 2 October, before she left), Léa (the poll). Not Chloé
            # (her loan was asked for and handed over in September; she only reported and
            # read), Yann (only reported) nor Hugo.
            "active": 7,
            "households": 40,
            "households_reached": 0.2,  # 8 / 40
            "by_building": [
                # Alice, Bruno, Chloé, David, Emma (Hugo joined in November): 5 is shown; 4 of
                # them were active (all but Chloé): fewer than 5, hidden.
                {"building": "Bâtiment A", "members": 5, "active": "< 5"},
                # Farid alone (Gaëlle left), active.
                {"building": "Bâtiment B", "members": "< 5", "active": "< 5"},
            ],
        },
        "lending": {
            # Created in October: the drill (lend); the books and the lamp (give, the lamp at
            # the month's last instant); Alice's paperwork (offer_help); David's shelf
            # (request_help). Not the bike nor the pram (September), the sander (23:59:59 on
            # 30 September) nor Farid's shopping (00:30 on 1 November).
            "listings": {"lend": 1, "give": 2, "offer_help": 1, "request_help": 1},
            # Handed over in October: the drill to David (10th) and to Emma (at the last
            # instant). The bike (20 September) and the sander (23:59:59 on 30 September) were
            # handed over in September.
            "loans_started": 2,
            # Returned in October: the drill (15th) and the sander (at the first instant). The
            # bike came back at 00:30 on 1 November.
            "loans_completed": 2,
            # Out at the month's end past its due day: the bike (due on 25 October). Not the
            # drill of David (due on the 12th, back on the 15th) nor Emma's (due 3 November).
            "loans_overdue": 1,
            # Done in October: Alice's paperwork for Bruno, Emma's repairs for David. Not
            # Alice's paperwork for Léa (done at 00:30 on 1 November).
            "help_done": 2,
            "gifts": 2,  # the books to Farid (18th), the pram to Alice (22nd)
            # David to Alice (the drill), Alice to Bruno (the paperwork); Farid's for the books
            # came on 1 November.
            "thanks": 2,
            # Loans returned: the drill 60 (no value given: the default of tools) + the sander
            # 40 (default of diy); gifts: the books 10 (default of books) + the pram 70 (its
            # estimated value).
            "money_saved_eur": 180,
            # Bruno's help: 2.5 h said at completion; David's: nothing said, the default of
            # small repairs, 90 min. 150 + 90 = 240 min.
            "help_hours": 4.0,
        },
        "spaces": {
            "bookings": 4,  # 1 in the laundry, 3 in the common room
            "hours_booked": 13.0,  # 4 + 9
            "cancellations": 1,  # Gaëlle's
            "occupancy": 0.015,  # 13 / (745 + 120)
            "by_space": [
                {
                    "space": "Laverie",
                    # Emma's, on the night the clocks went back (25 October): 01:00-04:00 on
                    # the wall clock, 4 hours.
                    "bookings": 1,
                    "hours_booked": 4.0,
                    # Open round the clock: 31 days of 24 hours and the extra hour of the 25th.
                    "open_hours": 745.0,
                    "occupancy": 0.005,  # 4 / 745
                    "cancellations": 0,
                },
                {
                    "space": "Salle commune",
                    # Alice's 3 h (3rd), Bruno's 2 h (9th), David's 4 h (31st). Not Chloé's
                    # (30 September) nor Alice's of 7 November; Gaëlle's was cancelled.
                    "bookings": 3,
                    "hours_booked": 9.0,
                    # 22 weekdays of 18:00-22:00 and 5 Saturdays of 10:00-18:00 (88 + 40 h),
                    # less Monday 12 and Tuesday 13, closed for painting (8 h).
                    "open_hours": 120.0,
                    "occupancy": 0.075,  # 9 / 120
                    "cancellations": 1,
                },
            ],
        },
        "news": {
            # Alice's post of the 3rd (Bruno's of the 12th was deleted, Alice's other one came
            # out at 23:59:59 on 30 September), Bruno's event, Léa's poll, the lift
            # announcement (the withdrawn one was deleted, another is of 1 November), the
            # water alert.
            "posts": {"post": 1, "event": 1, "poll": 1, "announcement": 1, "alert": 1},
            # Bruno's and David's. Emma's was deleted; Alice's came on 1 November, Bruno's
            # other one at 23:59:59 on 30 September.
            "comments": 2,
            "rsvps": 2,  # David going, Emma maybe
            "votes": 2,  # Farid, Alice
            "announcements": {
                "count": 2,  # the lift, the water alert
                # The lift reached the 9 members of 7 October (Alice, Bruno, Chloé, David,
                # Emma, Farid, Gaëlle, Léa, Yann), the water alert the 8 left on the 20th.
                "targeted": 17,
                # The lift: Alice, Bruno, Léa (Sam read it too: staff, not a member reached);
                # the water: Chloé.
                "opened": 4,
                "reach": 0.235,  # 4 / 17
                # Minutes from publication to each reader's first open: 30, 90, 10, 5.
                "median_minutes_to_first_open": 20.0,
            },
        },
        "push": {
            # Sent on 15 October: to Alice and Bruno (Chloé has no phone: dropped). Alice's of
            # 23:59:59 on 30 September and Bruno's of 1 November belong to other months.
            "notifications_sent": 2,
            "deliveries": 3,  # Alice's two phones, Bruno's
            "delivered": 2,  # FCM refused Alice's second phone
            "delivery_rate": 0.667,  # 2 / 3
            # Phones of the members at the month's end, registered by then: Alice's two and
            # Bruno's. Not David's (registered on 1 November), Hugo's (he joined later) nor
            # Gaëlle's (she left).
            "devices": 3,
        },
        "moderation": {
            # Bruno's and Chloé's on Alice's post (10th), Emma's on David's comment (20th).
            # Yann's was made at 23:00 on 30 September, Alice's at 00:30 on 1 November.
            "reports": 3,
            # Cases closed in October: Alice's post (10:00 to 15:30, 5.5 h), David's comment
            # (20th 08:00 to 21st 08:00, 24 h), the sander (30 September 23:00 to 1 October
            # 01:00, 2 h): median 5.5.
            "median_hours_to_handle": 5.5,
            # October's audit entries, without the role change and Gaëlle's membership change
            # (staff administering members, not moderation), the hide of 1 November and the
            # warning of 30 September.
            "actions": {"auto_hide": 1, "dismiss": 1, "hide": 1, "warn": 1},
        },
    }

    assert without_comparisons(verger) == {
        "scope": {
            "kind": "residence",
            "id": world.verger.id,
            "name": "Le Verger",
            "landlord": "Habitat Rhône",
            "month": "2026-10",
            "time_zone": "Europe/Paris",
        },
        "definitions_version": 1,
        "members": {
            "total": 4,  # Inès, Kevin, Marc (before), Jules (12 October)
            "joined": 1,  # Jules
            "left": 0,
            # Inès (a post, a listing, a booking), Jules (a booking), Kevin (a message about
            # the bike he borrowed from Les Tilleuls: active all the same); not Marc.
            "active": 3,
            "households": 16,
            "households_reached": 0.25,  # 4 / 16
            "by_building": [],  # no buildings
        },
        "lending": {
            "listings": {"lend": 0, "give": 1, "offer_help": 0, "request_help": 0},  # the chair
            "loans_started": 0,  # Kevin's bike is a loan of Les Tilleuls, where the bike is
            "loans_completed": 0,
            "loans_overdue": 0,
            "help_done": 0,
            "gifts": 0,
            "thanks": 0,
            "money_saved_eur": 0,
            "help_hours": 0.0,
        },
        "spaces": {
            "bookings": 1,  # Inès's 2 h
            "hours_booked": 2.0,
            "cancellations": 1,  # Jules's, cancelled by staff
            "occupancy": 0.005,  # 2 / 372
            "by_space": [
                {
                    "space": "Jardin",
                    "bookings": 1,
                    "hours_booked": 2.0,
                    "open_hours": 372.0,  # 31 days of 08:00-20:00
                    "occupancy": 0.005,
                    "cancellations": 1,
                }
            ],
        },
        "news": {
            # Inès's post, the landlord's alert (Zoé's post is another landlord's).
            "posts": {"post": 1, "event": 0, "poll": 0, "announcement": 0, "alert": 1},
            "comments": 0,
            "rsvps": 0,
            "votes": 0,
            "announcements": {
                "count": 1,
                "targeted": 4,  # Inès, Jules, Kevin, Marc
                "opened": 1,  # Kevin, an hour later
                "reach": 0.25,
                "median_minutes_to_first_open": 60.0,
            },
        },
        "push": {
            "notifications_sent": 1,  # Kevin's (Zoé's is another landlord's)
            "deliveries": 1,
            "delivered": 1,
            "delivery_rate": 1.0,
            "devices": 1,  # Kevin's
        },
        "moderation": {
            "reports": 1,  # Jules on Inès's post
            "median_hours_to_handle": 6.5,  # 09:00 to 15:30
            "actions": {"dismiss": 1},  # not the other landlord's hide
        },
    }

    assert without_comparisons(landlord) == {
        "scope": {
            "kind": "landlord",
            "id": world.landlord.id,
            "name": "Habitat Rhône",
            "landlord": "Habitat Rhône",
            "month": "2026-10",
            "time_zone": "Europe/Paris",
        },
        "definitions_version": 1,
        "members": {
            "total": 12,  # 8 + 4 (Zoé is another landlord's)
            "joined": 3,  # 2 + 1
            "left": 1,
            "active": 10,  # 7 + 3
            "households": 56,  # 40 + 16
            "households_reached": 0.214,  # 12 / 56
            "by_building": [],
        },
        "lending": {
            "listings": {"lend": 1, "give": 3, "offer_help": 1, "request_help": 1},
            "loans_started": 2,
            "loans_completed": 2,
            "loans_overdue": 1,
            "help_done": 2,
            "gifts": 2,
            "thanks": 2,
            "money_saved_eur": 180,
            "help_hours": 4.0,
        },
        "spaces": {
            "bookings": 5,
            "hours_booked": 15.0,
            "cancellations": 2,
            "occupancy": 0.012,  # 15 / (745 + 120 + 372)
            "by_space": [
                {
                    "space": "Les Tilleuls — Laverie",
                    "bookings": 1,
                    "hours_booked": 4.0,
                    "open_hours": 745.0,
                    "occupancy": 0.005,
                    "cancellations": 0,
                },
                {
                    "space": "Les Tilleuls — Salle commune",
                    "bookings": 3,
                    "hours_booked": 9.0,
                    "open_hours": 120.0,
                    "occupancy": 0.075,
                    "cancellations": 1,
                },
                {
                    "space": "Le Verger — Jardin",
                    "bookings": 1,
                    "hours_booked": 2.0,
                    "open_hours": 372.0,
                    "occupancy": 0.005,
                    "cancellations": 1,
                },
            ],
        },
        "news": {
            "posts": {"post": 2, "event": 1, "poll": 1, "announcement": 1, "alert": 2},
            "comments": 2,
            "rsvps": 2,
            "votes": 2,
            "announcements": {
                "count": 3,
                "targeted": 21,  # 17 + 4
                "opened": 5,  # 4 + 1
                "reach": 0.238,  # 5 / 21
                # Of 5, 10, 30, 60, 90 minutes (every reader, not a median of medians).
                "median_minutes_to_first_open": 30.0,
            },
        },
        "push": {
            "notifications_sent": 3,
            "deliveries": 4,
            "delivered": 3,
            "delivery_rate": 0.75,
            "devices": 4,
        },
        "moderation": {
            "reports": 4,
            # Of 2, 5.5, 6.5 and 24 hours (every case, not a median of medians).
            "median_hours_to_handle": 6.0,
            "actions": {"auto_hide": 1, "dismiss": 2, "hide": 1, "warn": 1},
        },
    }

    # Without an earlier report, every change is unknown and the trend is this month alone.
    assert set(tilleuls["changes"].values()) == {None}
    assert tilleuls["trend"]["months"][0] == "2025-11"
    assert tilleuls["trend"]["months"][-1] == "2026-10"
    assert tilleuls["trend"]["members.total"] == [None] * 11 + [8]
    assert tilleuls["trend"]["news.announcements.reach"] == [None] * 11 + [0.235]

    # The other landlord's residence counts its own rows, and none of the first landlord's.
    erables = build_month(world.other_landlord, OCTOBER)[1].figures
    assert erables["members"] == {
        "total": 1,  # Zoé
        "joined": 1,
        "left": 0,
        "active": 1,  # she posted, gave comics and booked
        "households": None,
        "households_reached": None,
        "by_building": [],
    }
    assert erables["lending"]["listings"] == {
        "lend": 0,
        "give": 1,
        "offer_help": 0,
        "request_help": 0,
    }
    assert erables["spaces"]["bookings"] == 1
    assert erables["news"]["posts"]["post"] == 1
    assert erables["push"] == {
        "notifications_sent": 1,
        "deliveries": 1,
        "delivered": 1,
        "delivery_rate": 1.0,
        "devices": 1,
    }
    assert erables["moderation"] == {
        "reports": 0,
        "median_hours_to_handle": None,
        "actions": {"hide": 1},
    }


def strings_in(value) -> list[str]:
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in (k, *strings_in(v))]
    if isinstance(value, list):
        return [s for item in value for s in strings_in(item)]
    return [value] if isinstance(value, str) else []


def test_a_report_names_nobody_and_hides_small_building_counts(client, fcm):
    world = build_october(fcm)
    build_month(world.landlord, OCTOBER)
    db.session.commit()
    for path in (
        f"/api/v1/residences/{world.tilleuls.id}/reports/2026-10",
        f"/api/v1/landlords/{world.landlord.id}/reports/2026-10",
    ):
        answer = client.get(path, headers=world.headers("sam"))
        assert answer.status_code == 200
        texts = [text.lower() for text in strings_in(answer.json)]
        for user in world.users.values():
            for word in (user.email, user.display_name, *user.display_name.split()):
                assert not any(word.lower() in text for text in texts), word
            assert user.email not in answer.get_data(as_text=True)
    residence = client.get(
        f"/api/v1/residences/{world.tilleuls.id}/reports/2026-10", headers=world.headers("sam")
    ).json
    assert residence["figures"]["members"]["by_building"] == [
        {"building": "Bâtiment A", "members": 5, "active": "< 5"},
        {"building": "Bâtiment B", "members": "< 5", "active": "< 5"},
    ]


# The number of queries


def bulk_landlord(name: str, residences: int, members_each: int, lon: float) -> Landlord:
    """A landlord whose every residence has `members_each` members, each of whom posts,
    comments, reacts, lends, books, gets a notification on a phone, and reads the landlord's
    announcement; each residence also has a case, an audit entry and a gift."""
    landlord = Landlord(name=name, created_at=paris(6, 1))
    staff = person(f"{name} Staff")
    db.session.add(landlord)
    db.session.flush()
    for r in range(residences):
        home = new_residence(landlord, f"{name} {r}", lon + 0.01 * r, 46.0)
        home.households = 10 * members_each
        building = Building(
            residence=home, name="A", location=to_column(Point(lon + 0.01 * r, 46.0))
        )
        space = Space(
            residence=home,
            name="Salle",
            capacity=10,
            opening_hours=[
                OpeningHours(weekday=d, opens_min=8 * 60, closes_min=20 * 60) for d in range(7)
            ],
            closures=[
                Closure(starts_on=date(2026, 10, 5), ends_on=date(2026, 10, 5), reason="Ménage")
            ],
        )
        announcement = Post(
            residence=home,
            author=staff,
            kind=PostKind.ANNOUNCEMENT,
            body="Info",
            scope=PostScope.RESIDENCE,
            published_at=paris(10, 2),
            targeted_count=members_each,
        )
        db.session.add_all([building, space, announcement])
        db.session.flush()
        db.session.add(
            PostResidence(post_id=announcement.id, residence_id=home.id, published_at=paris(10, 2))
        )
        for m in range(members_each):
            user = person(f"{name} {r} {m}")
            day = m + 1
            post = Post(
                residence=home,
                author=user,
                kind=PostKind.POST,
                body="Bonjour",
                scope=PostScope.RESIDENCE,
                published_at=paris(10, day),
            )
            lend = Listing(
                residence=home,
                owner=user,
                kind=ListingKind.LEND,
                category="tools",
                title="Outil",
                scope="residence",
                created_at=paris(10, day),
            )
            device = Device(
                user=user, token=f"{name}-{r}-{m}", platform="android", created_at=paris(9, 1)
            )
            notification = Notification(
                recipient=user,
                kind="welcome",
                payload={},
                idempotency_key=f"{name}-{r}-{m}",
                status="sent",
                sent_at=paris(10, day),
            )
            db.session.add_all([post, lend, device, notification])
            db.session.flush()
            db.session.add_all(
                [
                    Membership(user=user, residence=home, building=building),
                    MembershipEvent(
                        residence_id=home.id,
                        user_id=user.id,
                        change=MembershipChange.JOINED,
                        reason="invite_code",
                        at=paris(9, 1),
                    ),
                    Comment(post_id=post.id, author=user, body="Oui", created_at=paris(10, day)),
                    Reaction(post_id=post.id, user_id=user.id, kind="like"),
                    PostRead(post_id=announcement.id, user_id=user.id, read_at=paris(10, 3)),
                    Loan(
                        listing=lend,
                        residence_id=home.id,
                        owner=user,
                        borrower=staff,
                        starts_on=date(2026, 10, day),
                        due_on=date(2026, 10, day + 1),
                        status=LoanStatus.RETURNED,
                        handed_over_at=paris(10, day),
                        returned_at=paris(10, day + 1),
                    ),
                    Booking(
                        space=space,
                        residence_id=home.id,
                        member=user,
                        starts_at=paris(10, day, 10),
                        ends_at=paris(10, day, 12),
                        blocked_until=paris(10, day, 12),
                        status=BookingStatus.CONFIRMED,
                        purpose="Réunion",
                    ),
                    Delivery(notification_id=notification.id, device_id=device.id, outcome="sent"),
                ]
            )
        gift = Listing(
            residence=home,
            owner=user,
            kind=ListingKind.GIVE,
            category="books",
            title="Livres",
            scope="residence",
        )
        case = ModerationCase(
            residence_id=home.id,
            target_kind=TargetKind.POST,
            target_id=post.id,
            subject_id=user.id,
            opened_at=paris(10, 3),
            closed_at=paris(10, 4),
        )
        db.session.add_all([gift, case])
        db.session.flush()
        db.session.add_all(
            [
                HelpExchange(
                    listing=gift,
                    residence_id=home.id,
                    owner=user,
                    member=staff,
                    status="done",
                    completed_at=paris(10, 5),
                ),
                Report(
                    case_id=case.id, reporter_id=staff.id, reason="spam", created_at=paris(10, 3)
                ),
                AuditEntry(
                    action=AuditAction.HIDE,
                    residence_id=home.id,
                    reason="Spam",
                    created_at=paris(10, 4),
                ),
            ]
        )
    db.session.flush()
    return landlord


def statements_to_build(landlord_id: int) -> int:
    landlord = db.session.get(Landlord, landlord_id)
    count = 0

    def counted(*args):
        nonlocal count
        count += 1

    event.listen(db.engine, "before_cursor_execute", counted)
    try:
        build_month(landlord, OCTOBER)
    finally:
        event.remove(db.engine, "before_cursor_execute", counted)
    return count


def test_building_a_month_takes_as_many_queries_for_six_residences_as_for_two():
    small = bulk_landlord("Petit Bailleur", residences=2, members_each=3, lon=5.0)
    large = bulk_landlord("Grand Bailleur", residences=6, members_each=9, lon=5.5)
    small_id, large_id = small.id, large.id
    db.session.commit()
    small_count = statements_to_build(small_id)
    large_count = statements_to_build(large_id)
    assert small_count == large_count

    # Both were counted, every row of them: 2 x 3 and 6 x 9 members.
    for landlord_id, members in ((small_id, 6), (large_id, 54)):
        figures = db.session.scalar(
            select(MonthlyReport.figures).where(
                MonthlyReport.landlord_id == landlord_id, MonthlyReport.residence_id.is_(None)
            )
        )
        assert figures["members"]["total"] == members
        assert figures["members"]["active"] == members
        assert figures["news"]["posts"]["post"] == members
        assert figures["news"]["comments"] == members
        assert figures["news"]["announcements"]["opened"] == members
        assert figures["lending"]["loans_completed"] == members
        assert figures["spaces"]["bookings"] == members
        assert figures["push"]["delivered"] == members
        assert figures["push"]["devices"] == members
    assert figures["lending"]["gifts"] == 6
    assert figures["moderation"]["reports"] == 6
    assert figures["moderation"]["actions"] == {"hide": 6}


# Snapshots


def stored(landlord_id: int, month: date = OCTOBER) -> list[tuple]:
    return db.session.execute(
        select(
            MonthlyReport.id, MonthlyReport.residence_id, MonthlyReport.month, MonthlyReport.version
        )
        .where(MonthlyReport.landlord_id == landlord_id, MonthlyReport.month == month)
        .order_by(MonthlyReport.id)
    ).all()


def test_a_month_is_built_once_compared_with_the_last_and_regenerated_beside_it(client, fcm):
    world = build_october(fcm)
    build_month(world.landlord, SEPTEMBER)
    october = build_month(world.landlord, OCTOBER)
    db.session.commit()
    before = stored(world.landlord.id)
    assert [(residence_id, version) for _, residence_id, _, version in before] == [
        (None, 1),
        (world.tilleuls.id, 1),
        (world.verger.id, 1),
    ]

    # Building it again changes nothing and adds nothing.
    again = build_month(world.landlord, OCTOBER)
    db.session.commit()
    assert [report.id for report in again] == [report.id for report in october]
    assert stored(world.landlord.id) == before

    # Compared with September's stored report.
    tilleuls, landlord = october[1].figures, october[0].figures
    changes = tilleuls["changes"]
    # 8 at the end of October; 7 at the end of September (Alice, Bruno, Chloé, Farid, Gaëlle,
    # Léa, Yann).
    assert changes["members.total"] == 1
    assert changes["members.joined"] == -3  # 2 in October; Bruno, Farid, Léa, Chloé, Yann
    assert changes["lending.loans_started"] == 0  # 2 each month: the bike and the sander
    assert changes["lending.loans_overdue"] == 1  # none was overdue at the end of September
    assert changes["lending.money_saved_eur"] == 180  # nothing came back nor was given
    assert changes["spaces.bookings"] == 3  # Chloé's of 30 September, in September
    assert changes["moderation.median_hours_to_handle"] is None  # no case closed in September
    assert changes["news.announcements.reach"] is None  # no announcement in September
    assert landlord["changes"]["members.total"] == 2  # 12; 10 (and Inès, Kevin, Marc)
    trend = tilleuls["trend"]
    assert trend["months"] == [
        "2025-11",
        "2025-12",
        "2026-01",
        "2026-02",
        "2026-03",
        "2026-04",
        "2026-05",
        "2026-06",
        "2026-07",
        "2026-08",
        "2026-09",
        "2026-10",
    ]
    assert trend["members.total"] == [None] * 10 + [7, 8]
    assert trend["lending.money_saved_eur"] == [None] * 10 + [0, 180]
    assert set(trend) - {"months"} == set(changes)
    assert "members.by_building" not in changes and "spaces.by_space" not in changes

    # Yann's gift, listed on 20 October, reaches the database after the report was built:
    # staff build the month again.
    listing(
        world, "late", world.users["yann"], world.tilleuls, "give", "books", "Romans", paris(10, 20)
    )
    db.session.commit()
    path = f"/api/v1/landlords/{world.landlord.id}/reports/2026-10"
    second = client.post(path, headers=world.headers("sam"))
    assert second.status_code == 201
    assert (second.json["version"], second.json["residence_id"]) == (2, None)
    assert second.json["figures"]["lending"]["listings"]["give"] == 4  # 3 + Yann's
    assert second.json["figures"]["changes"]["members.total"] == 2  # still against September
    # Version 1 stays as it was, beside version 2.
    gifts = {
        (report.residence_id, report.version): report.figures["lending"]["listings"]["give"]
        for report in db.session.scalars(
            select(MonthlyReport).where(
                MonthlyReport.landlord_id == world.landlord.id, MonthlyReport.month == OCTOBER
            )
        )
    }
    assert gifts == {
        (None, 1): 3,
        (world.tilleuls.id, 1): 2,
        (world.verger.id, 1): 1,
        (None, 2): 4,
        (world.tilleuls.id, 2): 3,
        (world.verger.id, 2): 1,
    }
    # Reading a month gives its newest version.
    newest = client.get(path, headers=world.headers("sam")).json
    assert (newest["version"], newest["figures"]["lending"]["listings"]["give"]) == (2, 4)
    residence = client.get(
        f"/api/v1/residences/{world.tilleuls.id}/reports/2026-10", headers=world.headers("léa")
    ).json
    assert (residence["version"], residence["figures"]["lending"]["listings"]["give"]) == (2, 3)

    # With nothing changed, building it again gives the same figures (a third version).
    third = client.post(path, headers=world.headers("sam"))
    assert third.json["version"] == 3
    assert third.json["figures"] == second.json["figures"]


def build_small() -> ReportWorld:
    """Two residences of a landlord and one of another; a staff member of each landlord, a
    solidaire and a resident of Les Tilleuls, a resident of Le Verger."""
    landlord = Landlord(name="Habitat Rhône", created_at=paris(6, 1))
    other_landlord = Landlord(name="Bailleur Voisin", created_at=paris(6, 1))
    world = ReportWorld(
        landlord,
        other_landlord,
        new_residence(landlord, "Les Tilleuls", 4.8800, 45.7686),
        new_residence(landlord, "Le Verger", 4.8840, 45.7700),
        new_residence(other_landlord, "Les Érables", 4.9210, 45.7780),
    )
    db.session.add_all([landlord, other_landlord])
    for key, name in (
        ("sam", "Sam Staffier"),
        ("olga", "Olga Autrement"),
        ("léa", "Léa Jaouen"),
        ("alice", "Alice Vernier"),
        ("inès", "Inès Lemaire"),
    ):
        world.users[key] = person(name)
    db.session.flush()
    sam = world.users["sam"]
    db.session.add_all(
        [
            LandlordStaff(user_id=sam.id, landlord_id=landlord.id),
            LandlordStaff(user_id=world.users["olga"].id, landlord_id=other_landlord.id),
        ]
    )
    db.session.flush()
    tilleuls = invitations.create_invite_code(sam, world.tilleuls.id, never_expires=True)
    verger = invitations.create_invite_code(sam, world.verger.id, never_expires=True)
    lea = join(world.users["léa"], tilleuls, paris(9, 5))
    memberships.update_membership(sam, world.tilleuls.id, lea.id, {"role": "solidaire"})
    join(world.users["alice"], tilleuls, paris(9, 6))
    join(world.users["inès"], verger, paris(9, 7))
    db.session.commit()
    return world


def test_only_a_month_that_is_over_is_built_and_a_bad_month_names_no_report(client):
    world = build_small()
    build_month(world.landlord, OCTOBER)
    db.session.commit()
    sam = world.headers("sam")
    landlord_path = f"/api/v1/landlords/{world.landlord.id}/reports"
    residence_path = f"/api/v1/residences/{world.tilleuls.id}/reports"
    now = datetime.now(PARIS)
    for month in (now.strftime("%Y-%m"), f"{now.year + 1}-01"):
        answer = client.post(f"{landlord_path}/{month}", headers=sam)
        assert answer.status_code == 422, month
        assert "month" in answer.json["errors"]
    for month in ("2026-13", "abcd", "1999-01", "2026-00", "2026-1", "26-10"):
        assert client.get(f"{landlord_path}/{month}", headers=sam).status_code == 404, month
        assert client.get(f"{residence_path}/{month}", headers=sam).status_code == 404, month
        assert client.post(f"{landlord_path}/{month}", headers=sam).status_code == 404, month
    # A month without a report yet.
    assert client.get(f"{landlord_path}/2026-08", headers=sam).status_code == 404
    assert client.get(f"{landlord_path}/2026-10", headers=sam).status_code == 200


# The scheduler's job


def landlord_months(landlord: Landlord) -> list[str]:
    return [
        month.strftime("%Y-%m")
        for month in db.session.scalars(
            select(MonthlyReport.month)
            .where(MonthlyReport.landlord_id == landlord.id, MonthlyReport.residence_id.is_(None))
            .order_by(MonthlyReport.month)
        )
    ]


def all_reports() -> list[tuple]:
    return db.session.execute(
        select(
            MonthlyReport.landlord_id,
            MonthlyReport.residence_id,
            MonthlyReport.month,
            MonthlyReport.version,
        ).order_by(MonthlyReport.id)
    ).all()


def test_the_job_builds_each_missing_month_once_and_catches_up_after_a_pause():
    recent = Landlord(name="Bailleur Récent", created_at=paris(9, 14))
    old = Landlord(name="Bailleur Ancien", created_at=paris(3, 1, year=2020))
    new_residence(recent, "Les Lilas", 4.90, 45.76)
    new_residence(old, "Les Chênes", 4.95, 45.76)
    db.session.add_all([recent, old])
    db.session.flush()

    # On 1 October at 06:00: September for the landlord that came in September (not August),
    # the last twelve months for the old one (not further back).
    built = build_due_reports(now=paris(10, 1, 6))
    assert landlord_months(recent) == ["2026-09"]
    assert landlord_months(old) == [
        "2025-10",
        "2025-11",
        "2025-12",
        "2026-01",
        "2026-02",
        "2026-03",
        "2026-04",
        "2026-05",
        "2026-06",
        "2026-07",
        "2026-08",
        "2026-09",
    ]
    assert len(built) == 13  # the landlords' reports (each with its residence's beside it)
    assert len(all_reports()) == 26

    # Run again (a second run, a restart): nothing new.
    rows = all_reports()
    assert build_due_reports(now=paris(10, 1, 6)) == []
    assert build_due_reports(now=paris(10, 20)) == []
    assert all_reports() == rows

    # At 00:30 on 1 November in Paris (still 31 October in UTC), October is over, but its
    # reports are built at 06:00.
    assert build_due_reports(now=AFTER) == []
    built = build_due_reports(now=paris(11, 1, 6))
    assert [(report.landlord_id, report.month) for report in built] == [
        (recent.id, OCTOBER),
        (old.id, OCTOBER),
    ]

    # No scheduler ran for three months: on 1 February 2027 the missing November, December and
    # January are built, and nothing else.
    built = build_due_reports(now=paris(2, 1, 6, year=2027))
    assert len(built) == 6
    assert landlord_months(recent) == ["2026-09", "2026-10", "2026-11", "2026-12", "2027-01"]
    assert landlord_months(old)[-4:] == ["2026-10", "2026-11", "2026-12", "2027-01"]
    assert {version for *_, version in all_reports()} == {1}
    # Each month once, the landlord's report and its residence's: 5 months of the recent
    # landlord; 12 + 1 + 3 of the old one.
    assert len(all_reports()) == 2 * (5 + 16)


def last_month() -> date:
    return (today().replace(day=1) - timedelta(days=1)).replace(day=1)


def test_the_monthly_job_runs_through_the_job_runner_and_once_only(app):
    landlord = Landlord(
        name="Bailleur du mois", created_at=datetime.combine(last_month(), time(12), PARIS)
    )
    home = new_residence(landlord, "Les Saules", 4.90, 45.76)
    db.session.add(landlord)
    db.session.commit()
    jobs.bind(app)
    jobs.build_monthly_reports()
    jobs.build_monthly_reports()  # the catch-up run of a new leader, the same day
    reports = db.session.execute(
        select(MonthlyReport.residence_id, MonthlyReport.month, MonthlyReport.version).where(
            MonthlyReport.landlord_id == landlord.id
        )
    ).all()
    assert sorted(reports, key=str) == sorted(
        [(None, last_month(), 1), (home.id, last_month(), 1)], key=str
    )


@pytest.mark.commits
def test_a_scheduler_registers_the_monthly_job_and_catches_up_as_it_starts_leading(app):
    from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore

    from tests.test_scheduler import LEADS, Scheduler

    with unit_of_work():
        landlord = Landlord(
            name="Bailleur planifié", created_at=datetime.combine(last_month(), time(12), PARIS)
        )
        new_residence(landlord, "Les Saules", 4.90, 45.76)
        db.session.add(landlord)
    scheduler = Scheduler(app)
    try:
        scheduler.wait_for(LEADS)
        # At once, not on the 1st: the catch-up run.
        scheduler.wait_for("job build_monthly_reports ran: 1")
    finally:
        scheduler.stop()
    assert db.session.scalars(
        select(MonthlyReport.month).where(MonthlyReport.residence_id.is_(None))
    ).all() == [last_month()]
    store = SQLAlchemyJobStore(
        url=app.config["SQLALCHEMY_DATABASE_URI"], tablename="scheduler_jobs"
    )
    try:
        job = store.lookup_job("build_monthly_reports")
        assert str(job.trigger) == "cron[day='1', hour='6', minute='0']"
        assert str(job.trigger.timezone) == "Europe/Paris"
        due = job.next_run_time.astimezone(PARIS)
        assert (due.day, due.hour, due.minute) == (1, 6, 0)
        assert store.lookup_job("build_monthly_reports_catch_up") is None  # it ran: gone
    finally:
        store.shutdown()


# The endpoints


def test_a_residence_report_is_for_its_solidaires_and_its_landlords_staff(client):
    world = build_small()
    build_month(world.landlord, OCTOBER)
    build_month(world.other_landlord, OCTOBER)
    db.session.commit()
    tilleuls = f"/api/v1/residences/{world.tilleuls.id}/reports/2026-10"
    verger = f"/api/v1/residences/{world.verger.id}/reports/2026-10"
    landlord = f"/api/v1/landlords/{world.landlord.id}/reports/2026-10"
    for path, who, status in (
        (tilleuls, "léa", 200),  # its solidaire
        (tilleuls, "sam", 200),  # its landlord's staff
        (tilleuls, "alice", 403),  # a resident
        (tilleuls, "olga", 404),  # another landlord's staff
        (verger, "léa", 404),  # a solidaire elsewhere
        (verger, "sam", 200),
        (landlord, "sam", 200),
        (landlord, "léa", 403),  # a solidaire sees residences of the landlord, not its report
        (landlord, "alice", 403),
        (landlord, "olga", 404),
    ):
        answer = client.get(path, headers=world.headers(who))
        assert answer.status_code == status, (path, who)
    answer = client.get(tilleuls, headers=world.headers("léa")).json
    assert answer["month"] == "2026-10"
    assert (answer["landlord_id"], answer["residence_id"]) == (world.landlord.id, world.tilleuls.id)
    assert answer["version"] == answer["definitions_version"] == 1
    assert answer["figures"]["members"]["total"] == 2  # Léa and Alice
    assert client.get(tilleuls).status_code == 401
    assert client.post(landlord, headers=world.headers("léa")).status_code == 403
    assert client.post(landlord, headers=world.headers("olga")).status_code == 404


def test_report_settings_are_checked_and_kept(client):
    world = build_small()
    path = f"/api/v1/landlords/{world.landlord.id}/report-settings"
    sam = world.headers("sam")
    assert client.get(path, headers=sam).json == {"recipients": [], "locale": "fr"}
    answer = client.put(
        path,
        json={
            "recipients": [
                "Direction@Habitat-Rhone.test",
                " agence@habitat-rhone.test",
                "direction@habitat-rhone.test",
            ],
            "locale": "en",
        },
        headers=sam,
    )
    assert answer.status_code == 200
    kept = {
        "recipients": ["direction@habitat-rhone.test", "agence@habitat-rhone.test"],
        "locale": "en",
    }
    assert answer.json == kept
    for body, field_name in (
        ({"recipients": ["pas une adresse"], "locale": "fr"}, "recipients"),
        (
            {"recipients": [f"agence{i}@habitat-rhone.test" for i in range(21)], "locale": "fr"},
            "recipients",
        ),
        ({"recipients": [], "locale": "de"}, "locale"),
        ({"locale": "fr"}, "recipients"),
    ):
        answer = client.put(path, json=body, headers=sam)
        assert answer.status_code == 422, body
        assert field_name in answer.json["errors"], body
    assert client.get(path, headers=sam).json == kept
    twenty = [f"agence{i}@habitat-rhone.test" for i in range(20)]
    answer = client.put(path, json={"recipients": twenty, "locale": "fr"}, headers=sam)
    assert answer.status_code == 200 and answer.json["recipients"] == twenty
    body = {"recipients": [], "locale": "fr"}
    for who, status in (("olga", 404), ("alice", 403), ("léa", 403)):
        assert client.get(path, headers=world.headers(who)).status_code == status, who
        assert client.put(path, json=body, headers=world.headers(who)).status_code == status, who


def test_a_month_waits_until_it_is_over_in_every_residence(app):
    """At 06:00 on 1 November in Paris, October still has hours to go in Tahiti."""
    landlord = Landlord(name="Bailleur du Pacifique", created_at=paris(9, 1, year=2026))
    residence = new_residence(landlord, "Les Frangipaniers", 4.90, 45.76)
    residence.time_zone = "Pacific/Tahiti"
    db.session.add(landlord)
    db.session.flush()
    build_due_reports(now=paris(11, 1, 6))
    assert landlord_months(landlord) == ["2026-09"]  # October is not over in Tahiti
    # 10:00 UTC on 1 November is midnight in Tahiti (UTC-10): October is over there too.
    build_due_reports(now=paris(11, 1, 11, 30))
    assert landlord_months(landlord) == ["2026-09", "2026-10"]
