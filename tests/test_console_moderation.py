"""The console's pages for moderators and staff: the queue and its decisions, members and
roles, new members, the audit log, the monthly reports."""

import csv
import io

from sqlalchemy import select

from models import AuditEntry, Membership, MembershipRole, Post, Visibility, db
from models.notifications import Notification
from services.reports import snapshots
from tests.console import console_as


def reported_post(client, world) -> int:
    """The resident's post, reported by the solidaire as harassment."""
    post = client.post(
        "/api/v1/posts",
        json={"residence_id": world.home.id, "kind": "post", "body": "Ceux du 3e sont des nuls"},
        headers=world.headers("resident"),
    ).json["id"]
    response = client.post(
        "/api/v1/reports",
        json={"target_kind": "post", "target_id": post, "reason": "harassment", "text": "Insulte"},
        headers=world.headers("solidaire"),
    )
    assert response.status_code == 201, response.json
    return post


def test_the_queue_shows_the_report_without_its_reporter(client, world):
    reported_post(client, world)
    page = console_as(client, world, "staff").get(f"/console/residences/{world.home.id}/moderation")
    text = page.get_data(as_text=True)
    assert "Ceux du 3e sont des nuls" in text
    assert "Harcèlement" in text and "« Insulte »" in text
    assert world.users["solidaire"].display_name not in text.split("<main")[1]


def test_a_moderator_hides_a_post_and_its_author_is_told(client, world):
    post = reported_post(client, world)
    browser = console_as(client, world, "staff")
    response = browser.post(
        f"/console/residences/{world.home.id}/moderation",
        {"action": "hide", "target_kind": "post", "target_id": post, "reason": "Propos blessants"},
    )
    assert response.status_code == 302
    assert db.session.get(Post, post).visibility == Visibility.HIDDEN
    told = db.session.scalars(
        select(Notification.kind).where(Notification.recipient_id == world.users["resident"].id)
    ).all()
    assert "moderation_hide" in told
    mine = client.get("/api/v1/me/reports", headers=world.headers("solidaire")).json["items"]
    assert mine[0]["status"] == "closed"
    page = browser.get(f"/console/residences/{world.home.id}/moderation")
    assert "Rien à traiter" in page.get_data(as_text=True)


def test_a_decision_without_a_reason_is_shown_again_and_changes_nothing(client, world):
    post = reported_post(client, world)
    browser = console_as(client, world, "solidaire")
    response = browser.post(
        f"/console/residences/{world.home.id}/moderation",
        {"action": "hide", "target_kind": "post", "target_id": post, "reason": ""},
    )
    assert response.status_code == 422
    text = response.get_data(as_text=True)
    assert 'class="field-error"' in text and 'aria-invalid="true"' in text
    assert db.session.get(Post, post).visibility == Visibility.VISIBLE
    assert db.session.scalar(select(AuditEntry.id).where(AuditEntry.action == "hide")) is None


def test_staff_make_a_resident_a_solidaire_with_an_audit_entry(client, world):
    membership = world.membership("resident")
    browser = console_as(client, world, "staff")
    response = browser.post(
        f"/console/residences/{world.home.id}/members/{membership.id}",
        {"role": "solidaire", "status": "active", "reason": "Volontaire pour le jardin"},
    )
    assert response.status_code == 302
    db.session.refresh(membership)
    assert membership.role == MembershipRole.SOLIDAIRE
    log = browser.get(f"/console/residences/{world.home.id}/audit-log").get_data(as_text=True)
    assert "Rôle modifié" in log and "Volontaire pour le jardin" in log
    exported = browser.get(f"/console/residences/{world.home.id}/audit-log.csv")
    rows = list(csv.reader(io.StringIO(exported.get_data(as_text=True))))
    assert any("Volontaire pour le jardin" in row for row in rows[1:])


def test_new_members_lists_those_who_joined_and_those_waiting(client, world):
    page = console_as(client, world, "solidaire").get(
        f"/console/residences/{world.home.id}/new-members"
    )
    text = page.get_data(as_text=True)
    joined = text.split("Arrivés récemment")[1].split("En attente")[0]
    resident = db.session.scalar(
        select(Membership).where(Membership.user_id == world.users["resident"].id)
    )
    assert world.users["resident"].display_name in joined
    assert resident.building.name in joined


def test_the_report_page_shows_the_pdf_figures_and_charts(client, world):
    first_day = snapshots.last_complete_month()
    snapshots.build_month(world.landlord, first_day)
    db.session.commit()
    browser = console_as(client, world, "solidaire")
    month = first_day.strftime("%Y-%m")
    landing = browser.get(f"/console/residences/{world.home.id}/reports")
    assert landing.headers["Location"].endswith(f"/reports/{month}")
    page = browser.get(landing.headers["Location"]).get_data(as_text=True)
    assert page.count('<img class="chart" src="data:image/svg+xml;base64,') >= 2
    assert "Télécharger le PDF" in page
    pdf = browser.get(f"/console/residences/{world.home.id}/reports/{month}.pdf")
    assert pdf.mimetype == "application/pdf" and pdf.data.startswith(b"%PDF")
