"""Availability and the booking service never disagree, whatever happens to the room.

Random bookings, cancellations and rule changes (buffer, slots); after each step:
- no confirmed booking (with its cleaning time) lies in what availability calls free;
- a slot inside a free interval, aligned and within the rules, is never refused as taken.
"""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test
from sqlalchemy import select

from models import Booking, BookingStatus, Membership, User, db
from services import accounts, availability, bookings
from services.errors import Conflict, InvalidInput
from tests.world import build_world, today

PARIS = ZoneInfo("Europe/Paris")
DAY = today() + timedelta(days=20)


def moment(minutes: int) -> datetime:
    return datetime.combine(DAY, time(0), PARIS) + timedelta(minutes=minutes)


class RoomDay(RuleBasedStateMachine):
    connection = None

    def __init__(self):
        super().__init__()
        self.savepoint = self.connection.begin_nested()
        world = build_world()
        self.room = world.room
        self.room.max_future_bookings = None
        self.room.max_hours_per_week = None
        self.staff = world.users["staff"]
        self.members = []
        for number in range(4):
            user = User(
                email=f"p{number}@prop.palier",
                display_name=f"P{number}",
                password_hash=accounts.hash_password("x" * 12),
            )
            db.session.add_all([user, Membership(user=user, residence=world.home)])
            self.members.append(user)
        db.session.commit()

    def teardown(self):
        db.session.remove()
        self.savepoint.rollback()

    @rule(who=st.integers(0, 3), start=st.integers(8 * 2, 21 * 2), halves=st.integers(1, 6))
    def book(self, who, start, halves):
        starts = moment(start * 30)
        try:
            bookings.book_space(
                self.members[who],
                self.room.id,
                starts,
                starts + timedelta(minutes=30 * halves),
                "Test",
            )
        except (InvalidInput, Conflict):
            db.session.rollback()

    @rule(pick=st.integers(0, 50))
    def cancel(self, pick):
        confirmed = db.session.scalars(
            select(Booking)
            .where(Booking.space_id == self.room.id, Booking.status == BookingStatus.CONFIRMED)
            .order_by(Booking.id)
        ).all()
        if confirmed:
            bookings.cancel_booking(self.staff, confirmed[pick % len(confirmed)].id, "Test")

    @rule(buffer=st.sampled_from([0, 15, 30, 60]), slot=st.sampled_from([15, 30, 60]))
    def change_rules(self, buffer, slot):
        self.room.buffer_min = buffer
        self.room.slot_min = slot
        db.session.commit()

    def _free(self):
        return availability.space_availability(self.staff, self.room.id, DAY, DAY).free

    @invariant()
    def booked_time_is_never_free(self):
        if not hasattr(self, "room"):
            return
        free = self._free()
        for booking in db.session.scalars(
            select(Booking).where(
                Booking.space_id == self.room.id, Booking.status == BookingStatus.CONFIRMED
            )
        ):
            for interval in free:
                assert not (
                    booking.starts_at < interval.end and interval.start < booking.blocked_until
                ), (booking.id, interval)

    @invariant()
    def free_time_can_be_booked(self):
        if not hasattr(self, "room"):
            return
        slot = timedelta(minutes=self.room.slot_min)
        length = -(-max(slot, timedelta(minutes=self.room.min_duration_min)) // slot) * slot
        for interval in self._free():
            midnight = datetime.combine(interval.start.astimezone(PARIS).date(), time(0), PARIS)
            # The first and the last slot-aligned booking that fits in the free interval.
            first = midnight + -(-(interval.start - midnight) // slot) * slot
            last = midnight + ((interval.end - midnight) // slot) * slot - length
            for start in {first, last}:
                if interval.start <= start and start + length <= interval.end:
                    self._probe(start, length)

    def _probe(self, start, length):
        try:
            booking = bookings.book_space(
                self.members[0], self.room.id, start, start + length, "Sonde"
            )
        except Conflict as error:
            raise AssertionError(f"free time refused as taken: {start}, {error.extra}") from None
        except InvalidInput as error:
            assert error.extra.get("rule") not in (None, "order", "opening_hours"), error.extra
            db.session.rollback()
        else:
            # Leave the room as it was: the probe only checks.
            db.session.delete(booking)
            db.session.commit()


def test_availability_and_bookings_agree(isolated_database):
    RoomDay.connection = isolated_database
    run_state_machine_as_test(
        RoomDay,
        settings=settings(
            max_examples=25,
            stateful_step_count=20,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow],
        ),
    )
