import os
import subprocess
import sys
from pathlib import Path

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
from services.reports import snapshots


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
    # Last month's life: the raclette set lent (a second loan), two afternoons in the room.
    assert table_counts() == first == [5, 3, 4, 3, 6, 2, 1, 2, 2, 4]
    pending = db.session.scalar(select(Booking).where(Booking.status == "pending"))
    assert pending.space.approval_required and pending.space.name == "Laverie"
    assert (
        db.session.scalar(select(func.count()).select_from(Post)) == 6
    )  # five, and the advert reported as spam

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


def demo_accounts():
    return db.session.scalar(
        select(func.count()).select_from(User).where(User.email.like("%@demo.palier.test"))
    )


def test_the_demo_command_loads_outside_production(app):
    result = app.test_cli_runner().invoke(args=["palier", "demo"])
    assert result.exit_code == 0, result.output
    assert "resident@demo.palier.test" in result.output
    assert demo_accounts() == 5


def test_the_demo_command_refuses_a_production_app(app, monkeypatch):
    monkeypatch.setitem(app.config, "PALIER_ENVIRONMENT", "production")
    result = app.test_cli_runner().invoke(args=["palier", "demo"])
    assert result.exit_code == 1
    assert "Refusing to load the demo accounts" in result.output
    assert "PALIER_CONFIG=production" in result.output
    assert demo_accounts() == 0


def test_the_demo_command_refuses_the_production_configuration():
    """The real production configuration, built as `flask --app wsgi` builds it, with a
    database address where nothing listens: the refusal comes before any connection."""
    env = {
        **os.environ,
        "PALIER_CONFIG": "production",
        "SECRET_KEY": "a-test-secret-long-enough-for-production-use",
        "DATABASE_URL": "postgresql://palier@127.0.0.1:1/nowhere",
        "RATELIMIT_ALLOW_MEMORY": "1",
    }
    result = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "wsgi", "palier", "demo"],
        cwd=Path(__file__).resolve().parent.parent,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Error: Refusing to load the demo accounts" in result.stderr
    assert "Demo data loaded" not in result.stdout


def test_the_demo_solidaire_finds_a_report_waiting(client):
    demo.load_demo()
    demo.load_demo()
    db.session.commit()
    signed_in = client.post(
        "/api/v1/auth/login",
        json={
            "email": "solidaire@demo.palier.test",
            "password": demo.DEMO_PASSWORD,
            "device_name": "demo",
        },
    )
    headers = {"Authorization": f"Bearer {signed_in.json['token']}"}
    residence = client.get("/api/v1/residences", headers=headers).json["items"][0]
    assert residence["name"] == "Résidence Les Tilleuls"
    items = client.get(
        f"/api/v1/residences/{residence['id']}/moderation-queue", headers=headers
    ).json["items"]
    assert [(item["target_kind"], item["reports"][0]["reason"]) for item in items] == [
        ("post", "spam")
    ]


def test_the_demo_shows_last_months_report_for_les_tilleuls(client):
    demo.load_demo()
    demo.load_demo()
    db.session.commit()
    signed_in = client.post(
        "/api/v1/auth/login",
        json={
            "email": "staff@demo.palier.test",
            "password": demo.DEMO_PASSWORD,
            "device_name": "x",
        },
    )
    headers = {"Authorization": f"Bearer {signed_in.json['token']}"}
    tilleuls = next(
        residence
        for residence in client.get("/api/v1/residences", headers=headers).json["items"]
        if residence["name"] == "Résidence Les Tilleuls"
    )
    month = snapshots.last_complete_month().strftime("%Y-%m")
    report = client.get(f"/api/v1/residences/{tilleuls['id']}/reports/{month}", headers=headers)
    assert report.status_code == 200, report.json
    figures = report.json["figures"]
    assert figures["members"]["total"] == 3  # Nadia, Jeanne and Moussa
    assert figures["lending"]["loans_completed"] == 1  # the raclette set
    assert figures["lending"]["help_hours"] == 1.5  # Nadia's papers, 90 minutes
    assert figures["spaces"]["bookings"] == 2
