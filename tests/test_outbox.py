from sqlalchemy import select

from models import Notification, db
from notifications import outbox


def test_enqueue_is_idempotent_per_key_and_recipient(world):
    recipients = [world.users["resident"], world.users["solidaire"]]
    world.users["solidaire"].locale = "en"
    first = outbox.enqueue(
        recipients, "welcome", {"residence": "Les Tilleuls"}, key="k1", link="palier://x"
    )
    again = outbox.enqueue(
        recipients, "welcome", {"residence": "Les Tilleuls"}, key="k1", link="palier://x"
    )
    db.session.commit()
    assert (first, again) == (2, 0)
    titles = {
        n.recipient_id: n.payload["title"]
        for n in db.session.scalars(select(Notification).where(Notification.kind == "welcome"))
    }
    assert titles == {
        world.users["resident"].id: "Bienvenue à Les Tilleuls",
        world.users["solidaire"].id: "Welcome to Les Tilleuls",
    }


def test_a_member_listed_twice_gets_one_notification(world):
    resident = world.users["resident"]
    assert (
        outbox.enqueue([resident, resident], "welcome", {"residence": "X"}, key="k3", link="x") == 1
    )
    keys = db.session.scalars(
        select(Notification.idempotency_key).where(Notification.idempotency_key.like("k3:%"))
    ).all()
    assert keys == [f"k3:{resident.id}"]


def test_notifications_roll_back_with_the_change(world):
    outbox.enqueue(
        [world.users["resident"]], "welcome", {"residence": "X"}, key="k2", link="palier://x"
    )
    db.session.rollback()
    assert (
        db.session.scalars(
            select(Notification).where(Notification.idempotency_key.like("k2:%"))
        ).all()
        == []
    )
