from sqlalchemy import func, select

from models import (
    Booking,
    HelpExchange,
    InviteCode,
    Listing,
    Loan,
    Membership,
    Post,
    Residence,
    Space,
    Thanks,
    User,
    db,
)
from services import demo


def table_counts():
    return [
        db.session.scalar(select(func.count()).select_from(model))
        for model in (
            User,
            Residence,
            Membership,
            InviteCode,
            Listing,
            Loan,
            HelpExchange,
            Thanks,
            Space,
            Booking,
        )
    ]


def test_demo_loads_twice_to_the_same_data_and_its_accounts_work(client):
    demo.load_demo()
    first = table_counts()
    demo.load_demo()
    assert table_counts() == first == [5, 3, 4, 3, 6, 1, 1, 2, 2, 2]
    pending = db.session.scalar(select(Booking).where(Booking.status == "pending"))
    assert pending.space.approval_required and pending.space.name == "Laverie"
    assert db.session.scalar(select(func.count()).select_from(Post)) == 5

    tokens = {}
    for email, _ in demo.DEMO_ACCOUNTS:
        response = client.post(
            "/api/v1/auth/login",
            json={"email": email, "password": demo.DEMO_PASSWORD, "device_name": "demo"},
        )
        assert response.status_code == 200, email
        tokens[email] = {"Authorization": f"Bearer {response.json['token']}"}

    tilleuls = db.session.scalar(
        select(Residence.id).where(Residence.name == "Résidence Les Tilleuls")
    )
    members_url = f"/api/v1/residences/{tilleuls}/members"
    assert client.get(members_url, headers=tokens["autre@demo.palier.test"]).status_code == 404
    neighbours = client.get(members_url, headers=tokens["resident@demo.palier.test"]).json["items"]
    assert {m["display_name"] for m in neighbours} == {
        "Nadia Benali",
        "Jeanne Morel",
        "Moussa Diallo",
    }

    nearby = client.get(
        f"/api/v1/residences/{tilleuls}/nearby?radius_m=1000",
        headers=tokens["resident@demo.palier.test"],
    ).json["items"]
    assert [item["residence"]["name"] for item in nearby] == ["Résidence Le Verger"]
