from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from models import Loan, LoanStatus, Notification, Thanks, db
from services import loans
from tests.world import today

TODAY = today()


def days(n: int) -> str:
    return (TODAY + timedelta(days=n)).isoformat()


def ask(client, world, role="solidaire", starts=1, due=3, listing=None):
    listing_id = (listing or world.lend).id
    return client.post(
        f"/api/v1/listings/{listing_id}/loans",
        json={"starts_on": days(starts), "due_on": days(due), "message": "Pour le week-end"},
        headers=world.headers(role),
    )


def act(client, world, loan_id, action, role="resident"):
    return client.post(f"/api/v1/loans/{loan_id}/{action}", headers=world.headers(role))


def notifications_of(user, kind):
    return db.session.scalars(
        select(Notification)
        .where(Notification.recipient_id == user.id, Notification.kind == kind)
        .order_by(Notification.id)
    ).all()


def test_a_loan_from_request_to_thanks(client, world):
    world.users["solidaire"].locale = "en"
    db.session.commit()
    loan = ask(client, world).json
    assert loan["status"] == "requested" and loan["borrower"]["display_name"] == "Moussa"
    [request] = notifications_of(world.users["resident"], "loan_requested")
    assert request.payload["title"] == "Un voisin aimerait emprunter : Perceuse"
    assert request.payload["link"] == f"palier://loans/{loan['id']}"

    assert act(client, world, loan["id"], "accept").json["status"] == "accepted"
    [accepted] = notifications_of(world.users["solidaire"], "loan_accepted")
    assert accepted.payload["title"] == "Your request is accepted: Perceuse"
    assert act(client, world, loan["id"], "hand-over").json["status"] == "handed_over"
    assert act(client, world, loan["id"], "return").json["status"] == "returned"

    for role in ("resident", "solidaire"):
        thanked = client.post(
            f"/api/v1/loans/{loan['id']}/thanks",
            json={"text": "Merci !"},
            headers=world.headers(role),
        )
        assert thanked.status_code == 201
    again = client.post(
        f"/api/v1/loans/{loan['id']}/thanks",
        json={"text": "Encore merci"},
        headers=world.headers("resident"),
    )
    assert again.status_code == 409
    assert db.session.scalar(select(func.count()).select_from(Thanks)) == 2

    profile = client.get(
        f"/api/v1/members/{world.users['resident'].id}", headers=world.headers("solidaire")
    ).json
    assert profile == {
        "id": world.users["resident"].id,
        "display_name": "Nadia",
        "avatar_url": None,
        "loans": 1,
        "helps": 0,
        "thanks": 1,
    }


def test_wrong_transitions_answer_409_with_the_current_state(client, world):
    loan_id = world.loan.id
    response = act(client, world, loan_id, "return")
    assert response.status_code == 409
    assert response.json["current_status"] == "requested"
    assert act(client, world, loan_id, "decline").status_code == 200
    for action in ("accept", "hand-over", "decline"):
        refused = act(client, world, loan_id, action)
        assert refused.status_code == 409 and refused.json["current_status"] == "declined"
    assert act(client, world, loan_id, "cancel", role="solidaire").status_code == 409


def test_only_the_right_side_acts(client, world):
    assert act(client, world, world.loan.id, "accept", role="solidaire").status_code == 403
    assert act(client, world, world.loan.id, "cancel", role="resident").status_code == 403
    db.session.expire_all()
    assert world.loan.status == LoanStatus.REQUESTED


def test_an_object_is_never_promised_twice_over_the_same_days(client, world):
    first = ask(client, world, starts=10, due=14).json
    # The world's loan (days 2 to 4) and this one overlap; a later one does not.
    overlapping = ask(client, world, role="solidaire", starts=12, due=20).json
    later = ask(client, world, starts=15, due=16).json
    assert act(client, world, first["id"], "accept").status_code == 200
    refused = act(client, world, overlapping["id"], "accept")
    assert refused.status_code == 409
    assert refused.json["conflicting_period"] == {"starts_on": days(10), "due_on": days(14)}
    assert act(client, world, later["id"], "accept").status_code == 200
    db.session.expire_all()
    assert db.session.get(Loan, overlapping["id"]).status == LoanStatus.REQUESTED


def test_the_database_refuses_overlapping_promises_by_itself(world):
    """The exclusion constraint holds even if a service forgot to check."""
    import pytest
    from sqlalchemy.exc import IntegrityError

    world.loan.status = LoanStatus.ACCEPTED
    twin = Loan(
        listing_id=world.lend.id,
        residence_id=world.home.id,
        owner_id=world.users["resident"].id,
        borrower_id=world.users["solidaire"].id,
        starts_on=world.loan.due_on,
        due_on=world.loan.due_on + timedelta(days=3),
        status=LoanStatus.HANDED_OVER,
    )
    db.session.add(twin)
    with pytest.raises(IntegrityError, match="ex_loans_no_overlap"):
        db.session.flush()
    db.session.rollback()


def test_bad_loan_requests_write_nothing(client, world):
    before = db.session.scalar(select(func.count()).select_from(Loan))
    give = client.post(
        "/api/v1/listings",
        json={
            "residence_id": world.home.id,
            "kind": "give",
            "category": "books",
            "title": "Livres",
        },
        headers=world.headers("resident"),
    ).json
    cases = [
        (ask(client, world, starts=-1, due=2), 422, "starts_on"),
        (ask(client, world, starts=5, due=4), 422, "due_on"),
        (ask(client, world, starts=1, due=200), 422, "due_on"),
        (ask(client, world, listing=world.help), 422, "listing"),
        (ask(client, world, listing=type("L", (), {"id": give["id"]})), 422, "listing"),
        (ask(client, world, role="resident"), 403, None),
        (ask(client, world, role="other_resident"), 404, None),
    ]
    for response, status, field in cases:
        assert response.status_code == status, response.json
        if field:
            assert field in response.json["errors"]
    naive = client.post(
        f"/api/v1/listings/{world.lend.id}/loans",
        json={"starts_on": "demain", "due_on": days(2)},
        headers=world.headers("solidaire"),
    )
    assert naive.status_code == 422 and naive.json["errors"]["starts_on"] == [
        "Ce n’est pas une date valide."
    ]
    assert db.session.scalar(select(func.count()).select_from(Loan)) == before


def test_a_paused_listing_cannot_be_borrowed(client, world):
    client.patch(
        f"/api/v1/listings/{world.lend.id}",
        json={"status": "paused"},
        headers=world.headers("resident"),
    )
    response = ask(client, world)
    assert response.status_code == 409 and response.json["listing_status"] == "paused"


def test_the_thread_is_private_and_in_order(client, world):
    url = f"/api/v1/loans/{world.loan.id}/messages"
    for role, text in [
        ("solidaire", "Bonjour !"),
        ("resident", "Samedi 10 h ?"),
        ("solidaire", "Parfait"),
    ]:
        assert client.post(url, json={"body": text}, headers=world.headers(role)).status_code == 201
    page = client.get(f"{url}?limit=2", headers=world.headers("resident")).json
    assert [m["body"] for m in page["items"]] == ["Bonjour !", "Samedi 10 h ?"]
    rest = client.get(f"{url}?cursor={page['next_cursor']}", headers=world.headers("resident")).json
    assert [m["body"] for m in rest["items"]] == ["Parfait"] and rest["next_cursor"] is None
    for role in ("other_resident", "staff", "admin"):
        assert client.get(url, headers=world.headers(role)).status_code == 404
    told = notifications_of(world.users["resident"], "message")
    assert [n.payload["title"] for n in told] == ["Nouveau message de Moussa"] * 2
    assert not any("Bonjour" in n.payload["body"] or "Parfait" in n.payload["body"] for n in told)
    too_long = client.post(url, json={"body": "x" * 2001}, headers=world.headers("resident"))
    assert too_long.status_code == 422


def test_my_loans_by_role(client, world):
    mine = lambda role, query="": [  # noqa: E731
        loan["id"]
        for loan in client.get(f"/api/v1/loans{query}", headers=world.headers(role)).json["items"]
    ]
    assert mine("resident") == [world.loan.id] == mine("solidaire")
    assert mine("resident", "?role=borrower") == []
    assert mine("solidaire", "?role=borrower") == [world.loan.id]
    assert mine("other_resident") == []


def test_due_reminders_and_overdue_marking(world):
    loan = world.loan
    loan.status = LoanStatus.HANDED_OVER
    db.session.commit()
    day_before = datetime.combine(
        loan.due_on - timedelta(days=1), datetime.min.time(), UTC
    ).replace(hour=9)
    assert loans.send_due_reminders(day_before) == 1
    assert loans.send_due_reminders(day_before) == 0  # once only
    assert loans.mark_overdue_loans(day_before) == 0
    day_after = day_before + timedelta(days=2)
    assert loans.mark_overdue_loans(day_after) == 1
    assert loans.mark_overdue_loans(day_after) == 0
    assert loan.overdue_since == loan.due_on + timedelta(days=1)
    assert len(notifications_of(world.users["solidaire"], "loan_due_tomorrow")) == 1
    assert len(notifications_of(world.users["solidaire"], "loan_overdue_borrower")) == 1
    assert len(notifications_of(world.users["resident"], "loan_overdue_owner")) == 1


def test_local_day_decides_the_reminder(world):
    """At 23:30 UTC it is already the next day in Paris."""
    world.loan.status = LoanStatus.ACCEPTED
    db.session.commit()
    due = world.loan.due_on
    late_evening_utc = datetime.combine(due - timedelta(days=2), datetime.min.time(), UTC).replace(
        hour=23, minute=30
    )
    assert loans.send_due_reminders(late_evening_utc) == 1
