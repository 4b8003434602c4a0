"""The console's spaces and bookings pages: rules and opening hours through the API's schema and
services, closures, a week of bookings in the residence's local time, approving and declining
(the member is notified), the queue of bookings to approve."""

import re
from datetime import UTC, datetime, time, timedelta

import pytest
from sqlalchemy import select

from models import Booking, BookingStatus, Notification, Space, db
from services.bookings import new_booking
from tests.console import console_as
from tests.world import PARIS, today

RULES = {
    "name": "Salle des fêtes",
    "description": "Clé chez le gardien",
    "capacity": "40",
    "min_duration_min": "60",
    "max_duration_min": "180",
    "slot_min": "30",
    "min_notice_min": "1440",
    "max_advance_days": "30",
    "max_future_bookings": "",
    "max_hours_per_week": "6",
    "buffer_min": "15",
    "cancellation_deadline_min": "60",
    "approval_required": "on",
}


def space_page(world, suffix=""):
    return f"/console/residences/{world.home.id}/spaces/{world.room.id}{suffix}"


def hours(**ranges) -> dict:
    """Form fields of opening ranges: hours(monday_0=("08:00", "12:00"))."""
    days = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
    form = {}
    for key, (opens, closes) in ranges.items():
        day, slot = key.rsplit("_", 1)
        form[f"hours-{days.index(day)}-{slot}-opens"] = opens
        form[f"hours-{days.index(day)}-{slot}-closes"] = closes
    return form


def room_state(world) -> tuple:
    db.session.expire_all()
    room = db.session.get(Space, world.room.id)
    return (
        room.name,
        room.capacity,
        room.approval_required,
        [(h.weekday, h.opens_min, h.closes_min) for h in room.opening_hours],
    )


def test_staff_see_the_residence_spaces(client, world):
    staff = console_as(client, world, "staff")
    page = staff.get(f"/console/residences/{world.home.id}/spaces")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Salle commune" in text and "Capacité" in text
    # The menu of the residence shows the page, marked as the current one.
    assert re.search(r'<a href="[^"]+/spaces" aria-current="page">', text)


def test_the_edit_form_shows_the_rules_and_hours_with_labels(client, world):
    text = console_as(client, world, "staff").get(space_page(world)).get_data(as_text=True)
    assert 'value="Salle commune"' in text and 'name="buffer_min" type="number" value="30"' in text
    # Every weekday open 08:00-22:00, and each time field has its own label.
    assert text.count('value="08:00"') == 7 and text.count('value="22:00"') == 7
    assert '<label class="visually-hidden" for="hours-0-0-opens">Lundi' in text
    for field in re.findall(r'<input id="([^"]+)"', text):
        assert f'for="{field}"' in text, field


def test_rules_and_hours_are_saved_through_the_service(client, world):
    staff = console_as(client, world, "staff")
    form = {**RULES, **hours(monday_0=("08:00", "12:00"), monday_1=("14:00", "00:00"))}
    form |= hours(saturday_0=("10:00", "18:00"))
    response = staff.post(space_page(world), form)
    assert response.status_code == 302
    db.session.expire_all()
    room = db.session.get(Space, world.room.id)
    assert (room.name, room.capacity, room.min_notice_min, room.buffer_min) == (
        "Salle des fêtes",
        40,
        1440,
        15,
    )
    assert room.approval_required is True
    assert room.max_future_bookings is None  # blank: no limit
    assert room.max_hours_per_week == 6
    # 00:00 as a closing time is the midnight that ends the day.
    assert [(h.weekday, h.opens_min, h.closes_min) for h in room.opening_hours] == [
        (0, 8 * 60, 12 * 60),
        (0, 14 * 60, 24 * 60),
        (5, 10 * 60, 18 * 60),
    ]
    page = staff.get(response.headers["Location"]).get_data(as_text=True)
    assert "sont enregistrés" in page
    # Midnight is shown as 00:00, which a time field can hold, and saved back as 24:00.
    assert re.search(r'id="hours-0-1-closes"[^>]*value="00:00"', page)
    staff.post(space_page(world), {**RULES, **hours(monday_0=("14:00", "00:00"))})
    assert room_state(world)[3] == [(0, 14 * 60, 24 * 60)]


@pytest.mark.parametrize(
    ("ranges", "field", "message"),
    [
        # The service's rule: shown on the opening hours as a whole.
        (
            hours(monday_0=("22:00", "08:00")),
            "opening_hours",
            "Chaque plage doit fermer après son ouverture.",
        ),
        (
            hours(tuesday_0=("25:00", "26:00")),
            "opening_hours",
            "Les heures s’écrivent HH:MM, de 00:00 à 24:00.",
        ),
        # The schema's rule: next to the range itself.
        (hours(wednesday_1=("7h", "08:00")), "hours-2-1", "Écrivez l’heure sous la forme HH:MM."),
        # The form's own: a range with one end only.
        (hours(friday_0=("08:00", "")), "hours-4-0", "Indiquez l’heure d’ouverture et celle"),
    ],
)
def test_bad_hours_are_refused_next_to_the_field_and_nothing_is_written(
    client, world, ranges, field, message
):
    before = room_state(world)
    staff = console_as(client, world, "staff")
    response = staff.post(space_page(world), {**RULES, **ranges})
    assert response.status_code == 422
    text = response.get_data(as_text=True)
    assert f'id="{field}-error">' in text
    error = re.search(rf'id="{field}-error">(.*?)</p>', text, re.DOTALL).group(1)
    assert message in error
    assert 'class="error-summary"' in text
    # What was typed is kept, for correcting it.
    assert 'value="Salle des fêtes"' in text
    assert room_state(world) == before


def test_bad_rules_get_the_api_messages_in_french(client, world):
    before = room_state(world)
    staff = console_as(client, world, "staff")
    form = {**RULES, "capacity": "0", "buffer_min": "beaucoup", "name": " "}
    response = staff.post(space_page(world), form)
    assert response.status_code == 422
    text = response.get_data(as_text=True)
    assert re.search(r'id="capacity-error">Doit être compris entre 1 et 500\.', text)
    assert re.search(r'id="buffer_min-error">Ce n’est pas un nombre entier valide\.', text)
    assert re.search(r'id="name-error">Ne peut pas être vide\.', text)
    assert 'id="capacity" name="capacity" type="number" value="0"' in text
    assert 'aria-invalid="true"' in text
    # The service's rule between two fields.
    response = staff.post(space_page(world), {**RULES, "max_duration_min": "30"})
    assert response.status_code == 422
    assert 'id="max_duration_min-error">' in response.get_data(as_text=True)
    assert room_state(world) == before


def test_a_huge_or_nul_value_is_a_422_not_a_500(client, world):
    staff = console_as(client, world, "staff")
    for form in (
        {**RULES, "capacity": str(2**63)},
        {**RULES, "name": "Salle\x00"},
        {**RULES, "description": "x" * 5000},
        {**RULES, **hours(monday_0=("08:00\x00", "09:00"))},
    ):
        assert staff.post(space_page(world), form).status_code == 422


def test_staff_create_a_space(client, world):
    staff = console_as(client, world, "staff")
    page = staff.get(f"/console/residences/{world.home.id}/spaces/new").get_data(as_text=True)
    # The model's defaults are proposed.
    assert 'name="max_duration_min" type="number" value="240"' in page
    form = {**RULES, "name": "Laverie", **hours(monday_0=("07:00", "21:00"))}
    response = staff.post(f"/console/residences/{world.home.id}/spaces/new", form)
    assert response.status_code == 302
    laverie = db.session.scalar(select(Space).where(Space.name == "Laverie"))
    assert laverie.residence_id == world.home.id and laverie.capacity == 40
    assert response.headers["Location"].endswith(f"/spaces/{laverie.id}")


def test_closures_are_added_and_removed(client, world):
    staff = console_as(client, world, "staff")
    first = today() + timedelta(days=10)
    form = {"starts_on": first.isoformat(), "ends_on": first.isoformat(), "reason": "Travaux"}
    assert staff.post(space_page(world, "/closures"), form).status_code == 302
    db.session.expire_all()
    reasons = [c.reason for c in db.session.get(Space, world.room.id).closures]
    assert reasons == ["Travaux", "Peinture"]
    # The last day before the first: the service's message, next to the last day.
    backwards = {**form, "ends_on": (first - timedelta(days=1)).isoformat()}
    response = staff.post(space_page(world, "/closures"), backwards)
    assert response.status_code == 422
    assert "Le dernier jour doit être le premier jour ou après." in response.get_data(as_text=True)
    response = staff.post(space_page(world, "/closures"), {**form, "reason": ""})
    assert response.status_code == 422
    assert 'id="reason-error">' in response.get_data(as_text=True)
    removed = staff.post(space_page(world, f"/closures/{world.closure.id}/remove"))
    assert removed.status_code == 302
    db.session.expire_all()
    assert [c.reason for c in db.session.get(Space, world.room.id).closures] == ["Travaux"]
    # Someone else's closure id, through this space: not found.
    assert staff.post(space_page(world, "/closures/2147483647/remove")).status_code == 404


def test_the_week_shows_its_bookings_in_local_time(client, world):
    day = today() + timedelta(days=3)
    staff = console_as(client, world, "staff")
    page = staff.get(space_page(world, f"/week?week={day.isoformat()}"))
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    # 10:00-12:00 in Paris, stored in UTC an hour or two earlier.
    assert world.booking.starts_at.astimezone(PARIS).hour == 10
    assert "10:00–12:00" in text and "15:00–16:00" in text
    utc = world.booking.starts_at.astimezone(UTC)
    assert f"{utc:%H:%M}–" not in text
    # The pending one is marked and can be decided; the confirmed one cannot.
    assert text.count("En attente de validation") == 1
    assert text.count(">Valider<") == 1
    assert f"/bookings/{world.pending.id}/approve" in text
    assert f"/bookings/{world.booking.id}/approve" not in text
    assert "Nadia" in text and "Réunion" in text
    monday = day - timedelta(days=day.weekday())
    assert f"week={(monday - timedelta(days=7)).isoformat()}" in text
    assert f"week={(monday + timedelta(days=7)).isoformat()}" in text


def test_a_booking_near_midnight_falls_on_its_local_day(client, world):
    """23:00-23:30 UTC of a Sunday is Monday 00:00-00:30 in Paris: it is Monday's."""
    sunday = today() + timedelta(days=14 + (6 - today().weekday()))
    monday = sunday + timedelta(days=1)
    late = new_booking(
        world.room,
        world.users["solidaire"],
        datetime.combine(monday, time(0), PARIS),
        datetime.combine(monday, time(0, 30), PARIS),
        "Veillée",
        1,
        BookingStatus.CONFIRMED,
    )
    db.session.add(late)
    db.session.commit()
    text = (
        console_as(client, world, "staff")
        .get(space_page(world, f"/week?week={sunday.isoformat()}"))
        .get_data(as_text=True)
    )
    # Asked for by its Sunday, the week is the one before: the Monday after is not in it.
    assert "Veillée" not in text
    text = (
        console_as(client, world, "staff")
        .get(space_page(world, f"/week?week={monday.isoformat()}"))
        .get_data(as_text=True)
    )
    monday_row = text.split('<th scope="row">')[1]
    assert "00:00–00:30" in monday_row and "Veillée" in monday_row


def test_a_bad_week_is_a_422_page(client, world):
    staff = console_as(client, world, "staff")
    for week in ("lundi", "2026-13-01", "1900-01-01", "2026-01-01\x00"):
        response = staff.get(space_page(world, "/week"), query_string={"week": week})
        assert response.status_code == 422
        assert response.mimetype == "text/html"


def notifications_of(world, kind):
    return db.session.scalars(
        select(Notification).where(
            Notification.recipient_id == world.users["resident"].id, Notification.kind == kind
        )
    ).all()


@pytest.mark.parametrize("role", ["staff", "solidaire"])
def test_approving_confirms_and_notifies_the_booker(client, world, role):
    browser = console_as(client, world, role)
    back = f"/console/residences/{world.home.id}/spaces/{world.room.id}/week"
    response = browser.post(
        f"/console/residences/{world.home.id}/bookings/{world.pending.id}/approve", {"back": back}
    )
    assert response.status_code == 302
    assert response.headers["Location"] == back
    db.session.expire_all()
    booking = db.session.get(Booking, world.pending.id)
    assert booking.status == BookingStatus.CONFIRMED
    assert booking.decided_by_id == world.users[role].id
    assert len(notifications_of(world, "booking_approved")) == 1
    page = browser.get(back).get_data(as_text=True)
    assert "Réservation validée : Nadia" in page


def test_back_goes_nowhere_outside_the_residence(client, world):
    staff = console_as(client, world, "staff")
    response = staff.post(
        f"/console/residences/{world.home.id}/bookings/{world.pending.id}/approve",
        {"back": "https://evil.example/console/residences/1/x"},
    )
    assert response.headers["Location"].endswith(
        f"/console/residences/{world.home.id}/bookings-to-approve"
    )


def test_declining_asks_a_reason_and_tells_the_booker(client, world):
    staff = console_as(client, world, "staff")
    url = f"/console/residences/{world.home.id}/bookings/{world.pending.id}/decline"
    form_page = staff.get(url).get_data(as_text=True)
    assert 'for="reason"' in form_page and "Refuser la réservation" in form_page
    for reason in ("", "   "):
        response = staff.post(url, {"reason": reason})
        assert response.status_code == 422
        assert 'id="reason-error">' in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Booking, world.pending.id).status == BookingStatus.PENDING
    assert notifications_of(world, "booking_declined") == []
    response = staff.post(url, {"reason": "La salle est réservée pour l’AG."})
    assert response.status_code == 302
    db.session.expire_all()
    booking = db.session.get(Booking, world.pending.id)
    assert booking.status == BookingStatus.DECLINED
    assert booking.decision_reason == "La salle est réservée pour l’AG."
    [notification] = notifications_of(world, "booking_declined")
    assert "AG" in notification.payload["body"]
    # Decided already: declining again is a conflict, on a page.
    again = staff.post(url, {"reason": "Encore"})
    assert again.status_code == 409 and again.mimetype == "text/html"


def test_the_queue_lists_pending_bookings_oldest_first(client, world):
    later = new_booking(
        world.room,
        world.users["solidaire"],
        world.pending.starts_at - timedelta(hours=4),
        world.pending.starts_at - timedelta(hours=3),
        "Atelier couture",
        3,
        BookingStatus.PENDING,
    )
    db.session.add(later)
    db.session.commit()
    solidaire = console_as(client, world, "solidaire")
    page = solidaire.get(f"/console/residences/{world.home.id}/bookings-to-approve")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    # Asked first, shown first, though it starts later.
    assert text.index("Réunion") < text.index("Atelier couture")
    assert f"/bookings/{world.booking.id}/" not in text  # confirmed: not in the queue
    assert "Moussa" in text and "3 personnes" in text


def test_a_booking_of_another_residence_is_not_found_here(client, world):
    staff = console_as(client, world, "staff")
    # Staff also look after the neighbouring residence: its URL does not reach `home`'s booking.
    url = f"/console/residences/{world.neighbour.id}/bookings/{world.pending.id}/approve"
    assert staff.post(url).status_code == 404
    assert (
        staff.post(f"/console/residences/{world.home.id}/bookings/{2**40}/approve").status_code
        == 404
    )
    week = f"/console/residences/{world.neighbour.id}/spaces/{world.room.id}/week"
    assert staff.get(week).status_code == 404
    db.session.expire_all()
    assert db.session.get(Booking, world.pending.id).status == BookingStatus.PENDING


@pytest.mark.parametrize(
    "path",
    [
        "/spaces",
        "/spaces/new",
        "/spaces/{room}",
        "/spaces/{room}/week",
        "/bookings-to-approve",
        "/bookings/{pending}/decline",
    ],
)
def test_another_landlords_staff_find_nothing(client, world, path):
    other = console_as(client, world, "other_staff")
    url = f"/console/residences/{world.home.id}" + path.format(
        room=world.room.id, pending=world.pending.id
    )
    response = other.get(url)
    assert response.status_code == 404
    assert "Salle commune" not in response.get_data(as_text=True)


def test_solidaires_see_the_week_but_not_the_rules(client, world):
    solidaire = console_as(client, world, "solidaire")
    assert solidaire.get(space_page(world, "/week")).status_code == 200
    assert solidaire.get(space_page(world)).status_code == 403
    assert solidaire.post(space_page(world), RULES).status_code == 403
    # Unless the residence lets its solidaires manage its spaces.
    world.home.solidaires_manage_spaces = True
    db.session.commit()
    assert solidaire.get(space_page(world)).status_code == 200
