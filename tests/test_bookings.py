from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import icalendar
from sqlalchemy import func, select, update

from models import (
    Booking,
    BookingStatus,
    LandlordStaff,
    Notification,
    OpeningHours,
    Space,
    db,
)
from services import bookings
from tests.world import FEED_SECRET, today

PARIS = ZoneInfo("Europe/Paris")
DAY = today() + timedelta(days=10)


def at(hour, minute=0, day=DAY):
    return datetime.combine(day, time(hour, minute), PARIS).isoformat()


def book(client, world, start, end, role="solidaire", space=None, **extra):
    body = {"starts_at": start, "ends_at": end, "purpose": "Anniversaire", **extra}
    return client.post(
        f"/api/v1/spaces/{(space or world.room).id}/bookings",
        json=body,
        headers=world.headers(role),
    )


def booking_count():
    return db.session.scalar(select(func.count()).select_from(Booking))


def test_book_and_see_it_busy_with_its_cleaning_time(client, world):
    world.users["solidaire"].locale = "en"
    db.session.commit()
    response = book(client, world, at(14), at(16), people=12)
    assert response.status_code == 201, response.json
    assert response.json["status"] == "confirmed"
    assert response.json["starts_at"] == at(14)
    note = db.session.scalar(select(Notification).where(Notification.kind == "booking_confirmed"))
    assert note.payload["title"] == "Booked: Salle commune"
    assert note.payload["body"].startswith(DAY.strftime("%A"))  # "Saturday 5 December, 14:00..."
    assert "14:00" in note.payload["body"]

    availability = client.get(
        f"/api/v1/spaces/{world.room.id}/availability?from={DAY}&to={DAY}",
        headers=world.headers("resident"),
    ).json
    assert availability["time_zone"] == "Europe/Paris"
    # Open 08:00-22:00; busy 13:30-16:30 (30 min of cleaning on each side).
    assert availability["busy"] == [{"start": at(13, 30), "end": at(16, 30)}]
    assert availability["free"] == [
        {"start": at(8), "end": at(13, 30)},
        {"start": at(16, 30), "end": at(22)},
    ]


def test_overlaps_are_refused_buffer_included(client, world):
    assert book(client, world, at(14), at(16)).status_code == 201
    for start, end in [(at(15), at(17)), (at(13), at(14, 30)), (at(16), at(17)), (at(13), at(14))]:
        refused = book(client, world, start, end, role="resident")
        assert refused.status_code == 409, (start, end)
        assert refused.json["conflicting_interval"] == {"start": at(14), "end": at(16, 30)}
    assert book(client, world, at(16, 30), at(17, 30), role="resident").status_code == 201
    # Its own cleaning time ends exactly when the next one starts: that fits.
    world.room.max_future_bookings = 10
    db.session.commit()
    fits = book(client, world, at(12), at(13, 30), role="resident")
    assert fits.status_code == 201, fits.json


def test_every_broken_rule_is_named_and_nothing_is_written(client, world):
    world.room.min_duration_min = 60
    world.room.max_duration_min = 180
    world.room.capacity = 10
    db.session.commit()
    before = booking_count()
    tomorrow = today() + timedelta(days=1)
    cases = [
        (at(16), at(14), {}, "order"),
        (at(14), at(14), {}, "order"),
        (at(14), at(14, 30), {}, "min_duration"),
        (at(9), at(13), {}, "max_duration"),
        (at(14, 15), at(15, 15), {}, "slot"),
        (at(21), at(23), {}, "opening_hours"),
        (at(6), at(9), {}, "opening_hours"),
        (at(14), at(16), {"people": 11}, "capacity"),
        (
            at(10, day=today() + timedelta(days=40)),
            at(12, day=today() + timedelta(days=40)),
            {},
            "closure",
        ),
        (
            at(10, day=today() + timedelta(days=90)),
            at(11, day=today() + timedelta(days=90)),
            {},
            "max_advance",
        ),
    ]
    for start, end, extra, rule in cases:
        response = book(client, world, start, end, **extra)
        assert response.status_code == 422, (rule, response.json)
        assert response.json["rule"] == rule
    naive = book(client, world, f"{DAY}T14:00:00", f"{DAY}T16:00:00")
    assert naive.status_code == 422 and "starts_at" in naive.json["errors"]
    now = datetime.now(PARIS)
    if 8 <= now.hour < 20:  # the notice rule needs the room to be open right now
        soon = now.replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)
        response = book(client, world, soon.isoformat(), (soon + timedelta(hours=1)).isoformat())
        assert response.json["rule"] in ("min_notice", "opening_hours")
    assert (
        book(
            client, world, at(10, day=tomorrow), at(11, day=tomorrow), role="other_resident"
        ).status_code
        == 404
    )
    assert booking_count() == before


def test_hours_per_week_are_counted_and_said(client, world):
    # Ten days ahead is another week than the world's bookings, three days ahead.
    world.room.max_future_bookings = 10
    db.session.commit()
    monday = DAY - timedelta(days=DAY.weekday())
    assert book(client, world, at(9, day=monday), at(11, day=monday)).status_code == 201
    assert (
        book(
            client,
            world,
            at(9, day=monday + timedelta(days=1)),
            at(10, 30, day=monday + timedelta(days=1)),
        ).status_code
        == 201
    )
    refused = book(
        client, world, at(9, day=monday + timedelta(days=2)), at(10, day=monday + timedelta(days=2))
    )
    assert refused.status_code == 422
    assert refused.json["rule"] == "max_hours_per_week"
    assert refused.json["detail"] == "Au plus 4 h par semaine ; vous avez déjà 3 h 30 réservées."


def test_a_member_has_a_limited_number_of_bookings_to_come(client, world):
    # The resident has two already; the room allows three.
    assert book(client, world, at(9), at(10), role="resident").status_code == 201
    refused = book(client, world, at(11), at(12), role="resident")
    assert refused.status_code == 422 and refused.json["rule"] == "max_future_bookings"


def test_approval_flow(client, world):
    world.room.approval_required = True
    db.session.commit()
    pending = book(client, world, at(14), at(16)).json
    assert pending["status"] == "pending"
    to_approve = db.session.scalars(
        select(Notification).where(Notification.kind == "booking_to_approve")
    ).all()
    assert {n.recipient_id for n in to_approve} == {world.users["solidaire"].id}
    queue = client.get(
        f"/api/v1/spaces/{world.room.id}/bookings?status=pending", headers=world.headers("staff")
    ).json
    assert pending["id"] in [b["id"] for b in queue["items"]]
    approved = client.post(
        f"/api/v1/bookings/{pending['id']}/approve", headers=world.headers("staff")
    )
    assert approved.json["status"] == "confirmed"
    again = client.post(f"/api/v1/bookings/{pending['id']}/approve", headers=world.headers("staff"))
    assert again.status_code == 409 and again.json["current_status"] == "confirmed"
    # The world's pending booking (15:00-16:00 in three days) is declined with a reason.
    declined = client.post(
        f"/api/v1/bookings/{world.pending.id}/decline",
        json={"reason": "Travaux"},
        headers=world.headers("solidaire"),
    )
    assert declined.json["status"] == "declined" and declined.json["decision_reason"] == "Travaux"
    assert (
        client.post(
            f"/api/v1/bookings/{world.pending.id}/decline",
            json={},
            headers=world.headers("solidaire"),
        ).status_code
        == 422
    )


def test_approving_onto_a_taken_slot_is_refused(client, world):
    overlapping = Booking(
        space=world.room,
        residence_id=world.home.id,
        member=world.users["solidaire"],
        starts_at=world.pending.starts_at,
        ends_at=world.pending.ends_at,
        blocked_until=world.pending.blocked_until,
        status=BookingStatus.CONFIRMED,
        purpose="Goûter",
    )
    db.session.add(overlapping)
    db.session.commit()
    refused = client.post(
        f"/api/v1/bookings/{world.pending.id}/approve", headers=world.headers("staff")
    )
    assert refused.status_code == 409


def test_cancellation_deadline_and_staff_reasons(client, world):
    assert (
        bookings.cancel_booking(world.users["resident"], world.pending.id, None).status
        == BookingStatus.CANCELLED
    )
    late = world.booking.starts_at - timedelta(minutes=30)
    response_error = None
    try:
        bookings.cancel_booking(world.users["resident"], world.booking.id, None, now=late)
    except Exception as error:
        response_error = error
    assert response_error is not None and response_error.extra["rule"] == "cancellation_deadline"
    db.session.rollback()
    no_reason = client.post(
        f"/api/v1/bookings/{world.booking.id}/cancel", json={}, headers=world.headers("staff")
    )
    assert no_reason.status_code == 422 and "reason" in no_reason.json["errors"]
    cancelled = client.post(
        f"/api/v1/bookings/{world.booking.id}/cancel",
        json={"reason": "Dégât des eaux"},
        headers=world.headers("staff"),
    )
    assert cancelled.json["status"] == "cancelled"
    told = db.session.scalar(
        select(Notification).where(Notification.kind == "booking_cancelled_by_staff")
    )
    assert told.recipient_id == world.users["resident"].id
    assert told.payload["body"].endswith("Motif : Dégât des eaux")


def test_weekly_series_all_or_nothing_or_skipping(client, world):
    url = f"/api/v1/spaces/{world.room.id}/booking-series"
    three_days = world.booking.starts_at.astimezone(PARIS).date()
    body = {
        "weekday": three_days.weekday(),
        "starts": "11:00",
        "ends": "13:00",
        "until": str(three_days + timedelta(days=21)),
        "purpose": "Amicale des locataires",
    }
    before = booking_count()
    refused = client.post(url, json=body, headers=world.headers("staff"))
    assert refused.status_code == 409
    assert refused.json["conflicting_dates"] == [str(three_days)]  # the resident's 10:00-12:00
    assert booking_count() == before
    made = client.post(
        url, json={**body, "skip_conflicts": True}, headers=world.headers("staff")
    ).json
    assert made["skipped_dates"] == [str(three_days)]
    assert [b["starts_at"][:10] for b in made["bookings"]] == [
        str(three_days + timedelta(days=7 * n)) for n in (1, 2, 3)
    ]
    assert all(b["series_id"] == made["series_id"] for b in made["bookings"])


def test_weekly_series_refuses_an_hour_past_midnight(client, world):
    url = f"/api/v1/spaces/{world.room.id}/booking-series"
    body = {"weekday": 0, "starts": "22:00", "ends": "30:00", "until": "2000-01-01", "purpose": "x"}
    answer = client.post(url, json=body, headers=world.headers("staff"))
    assert answer.status_code == 422
    assert list(answer.json["errors"]) == ["ends"]


def test_daylight_saving_nights(client, world):
    """Clocks go forward on 28 March 2027 and back on 31 October 2027, at 02:00/03:00."""
    world.room.opening_hours = [OpeningHours(weekday=6, opens_min=0, closes_min=1440)]
    world.room.max_advance_days = 365
    world.room.max_duration_min = 240
    world.room.max_future_bookings = None
    world.room.max_hours_per_week = None
    db.session.commit()
    spring = book(client, world, "2027-03-28T01:30:00+01:00", "2027-03-28T03:30:00+02:00").json
    autumn = book(client, world, "2027-10-31T01:30:00+02:00", "2027-10-31T03:30:00+01:00").json
    assert (spring["starts_at"], spring["ends_at"]) == (
        "2027-03-28T01:30:00+01:00",
        "2027-03-28T03:30:00+02:00",
    )
    assert (autumn["starts_at"], autumn["ends_at"]) == (
        "2027-10-31T01:30:00+02:00",
        "2027-10-31T03:30:00+01:00",
    )
    stored = {
        b.id: b
        for b in db.session.scalars(
            select(Booking).where(Booking.id.in_([spring["id"], autumn["id"]]))
        )
    }
    assert stored[spring["id"]].starts_at == datetime(2027, 3, 28, 0, 30, tzinfo=UTC)
    assert stored[spring["id"]].ends_at - stored[spring["id"]].starts_at == timedelta(hours=1)
    assert stored[autumn["id"]].starts_at == datetime(2027, 10, 30, 23, 30, tzinfo=UTC)
    assert stored[autumn["id"]].ends_at - stored[autumn["id"]].starts_at == timedelta(hours=3)
    day = client.get(
        f"/api/v1/spaces/{world.room.id}/availability?from=2027-03-28&to=2027-03-28",
        headers=world.headers("resident"),
    ).json
    assert day["free"][0]["start"] == "2027-03-28T00:00:00+01:00"
    assert day["free"][-1]["end"] == "2027-03-29T00:00:00+02:00"


def test_calendar_feeds(client, world):
    created = client.post("/api/v1/me/calendar-feeds", headers=world.headers("resident")).json
    path = created["url"].split("localhost", 1)[1]
    response = client.get(path)
    assert response.mimetype == "text/calendar"
    calendar = icalendar.Calendar.from_ical(response.data)
    events = calendar.walk("VEVENT")
    assert len(events) == 2  # the confirmed booking and the pending one
    first = min(events, key=lambda event: event.decoded("dtstart"))
    assert first.decoded("dtstart") == world.booking.starts_at
    assert str(first["dtstart"].params["TZID"]) == "Europe/Paris"
    assert calendar.walk("VTIMEZONE")
    client.delete(f"/api/v1/calendar-feeds/{created['id']}", headers=world.headers("resident"))
    assert client.get(path).status_code == 404
    staff = client.post(
        f"/api/v1/spaces/{world.room.id}/calendar-feeds", headers=world.headers("staff")
    ).json
    summaries = [
        str(e["summary"])
        for e in icalendar.Calendar.from_ical(
            client.get(staff["url"].split("localhost", 1)[1]).data
        ).walk("VEVENT")
    ]
    assert all("(Nadia)" in summary for summary in summaries)


def ics(client, path):
    response = client.get(path)
    if response.status_code != 200:
        return response.status_code, []
    events = icalendar.Calendar.from_ical(response.data).walk("VEVENT")
    return 200, [str(event["summary"]) for event in events]


def feed_path(answer):
    return answer.json["url"].split("localhost", 1)[1]


def test_a_members_feed_ends_with_their_membership(client, world):
    path = f"/api/v1/calendars/{FEED_SECRET}.ics"
    # A neighbour's booking never shows in Nadia's own feed, nor his name.
    start = datetime.combine(today() + timedelta(days=4), time(10), PARIS)
    db.session.add(
        bookings.new_booking(
            world.room,
            world.users["solidaire"],
            start,
            start + timedelta(hours=1),
            "Anniversaire",
            5,
            BookingStatus.CONFIRMED,
        )
    )
    db.session.commit()
    status, summaries = ics(client, path)
    assert status == 200 and len(summaries) == 2
    assert not any("Moussa" in s or "Anniversaire" in s for s in summaries)
    for status_now, answer in (("suspended", 404), ("active", 200), ("left", 404)):
        world.membership("resident").status = status_now
        db.session.commit()
        assert client.get(path).status_code == answer, status_now
    # Staff, who book nothing, have no feed of their own.
    refused = client.post("/api/v1/me/calendar-feeds", headers=world.headers("staff"))
    assert refused.status_code == 403


def test_a_space_feed_ends_with_its_owners_role(client, world):
    url = f"/api/v1/spaces/{world.room.id}/calendar-feeds"
    solidaire = client.post(url, headers=world.headers("solidaire"))
    staff = client.post(url, headers=world.headers("staff"))
    assert solidaire.status_code == staff.status_code == 201
    status, summaries = ics(client, feed_path(solidaire))
    assert status == 200 and summaries and all("(Nadia)" in s for s in summaries)
    world.membership("solidaire").role = "resident"  # no longer a moderator
    db.session.commit()
    assert client.get(feed_path(solidaire)).status_code == 404
    assert client.get(feed_path(staff)).status_code == 200
    db.session.execute(
        update(LandlordStaff)
        .where(LandlordStaff.user_id == world.users["staff"].id)
        .values(active=False)
    )
    db.session.commit()
    assert client.get(feed_path(staff)).status_code == 404
    # Residents cannot follow who books the room.
    assert client.post(url, headers=world.headers("resident")).status_code == 403


def test_members_list_and_revoke_their_feeds(client, world):
    headers = world.headers("solidaire")
    mine = client.post("/api/v1/me/calendar-feeds", headers=headers).json
    room = client.post(f"/api/v1/spaces/{world.room.id}/calendar-feeds", headers=headers).json
    listed = client.get("/api/v1/me/calendar-feeds", headers=headers)
    assert listed.status_code == 200
    items = listed.json["items"]
    assert [item["id"] for item in items] == [mine["id"], room["id"]]
    assert items[0]["space"] is None
    assert items[1]["space"] == {"id": world.room.id, "name": "Salle commune"}
    assert "url" not in items[0]
    assert client.delete(f"/api/v1/calendar-feeds/{room['id']}", headers=headers).status_code == 204
    after = client.get("/api/v1/me/calendar-feeds", headers=headers).json["items"]
    assert [item["id"] for item in after] == [mine["id"]]
    # Another member sees only theirs: the resident's, made by the test world.
    theirs = client.get("/api/v1/me/calendar-feeds", headers=world.headers("resident")).json
    assert [item["id"] for item in theirs["items"]] == [world.feed.id]


def test_reminders_before_the_start(world):
    soon = world.booking.starts_at - timedelta(hours=2)
    assert bookings.send_booking_reminders(soon) == 1
    assert bookings.send_booking_reminders(soon) == 0
    assert bookings.send_booking_reminders(world.booking.starts_at - timedelta(days=1)) == 0


def test_space_management(client, world):
    created = client.post(
        f"/api/v1/residences/{world.home.id}/spaces",
        json={
            "name": "Laverie",
            "capacity": 3,
            "slot_min": 60,
            "opening_hours": [
                {"weekday": 0, "opens": "07:00", "closes": "12:00"},
                {"weekday": 0, "opens": "14:00", "closes": "21:00"},
            ],
        },
        headers=world.headers("staff"),
    )
    assert created.status_code == 201, created.json
    assert created.json["opening_hours"][1] == {"weekday": 0, "opens": "14:00", "closes": "21:00"}
    bad = [
        {"opening_hours": [{"weekday": 0, "opens": "21:00", "closes": "07:00"}]},
        {"opening_hours": [{"weekday": 7, "opens": "07:00", "closes": "08:00"}]},
        {"opening_hours": [{"weekday": 0, "opens": "7h", "closes": "08:00"}]},
        {"min_duration_min": 120, "max_duration_min": 60},
        {"capacity": 0},
    ]
    for changes in bad:
        response = client.patch(
            f"/api/v1/spaces/{created.json['id']}", json=changes, headers=world.headers("staff")
        )
        assert response.status_code == 422, changes
    assert db.session.get(Space, created.json["id"]).capacity == 3
    # A residence can let its solidaires manage spaces.
    assert (
        client.patch(
            f"/api/v1/spaces/{world.room.id}",
            json={"capacity": 30},
            headers=world.headers("solidaire"),
        ).status_code
        == 403
    )
    allowed = client.patch(
        f"/api/v1/residences/{world.home.id}",
        json={"solidaires_manage_spaces": True},
        headers=world.headers("staff"),
    )
    assert allowed.json["solidaires_manage_spaces"] is True
    assert (
        client.patch(
            f"/api/v1/spaces/{world.room.id}",
            json={"capacity": 30},
            headers=world.headers("solidaire"),
        ).status_code
        == 200
    )


def test_my_bookings_page_by_start(client, world):
    first = client.get("/api/v1/bookings?limit=1", headers=world.headers("resident")).json
    assert len(first["items"]) == 1 and first["next_cursor"]
    rest = client.get(
        f"/api/v1/bookings?limit=1&cursor={first['next_cursor']}", headers=world.headers("resident")
    ).json
    assert {first["items"][0]["id"], rest["items"][0]["id"]} == {world.booking.id, world.pending.id}
