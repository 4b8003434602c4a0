"""What the flows need beyond tests/world.py, and the mobile app's side of them (the API,
called with the members' bearer tokens, as the app does)."""

from dataclasses import dataclass

from playwright.sync_api import APIResponse, Page
from shapely.geometry import Point

from models import Building, Membership, Notification, db
from services import accounts
from services.geojson import to_column
from tests.world import World, user


@dataclass
class Neighbour:
    """Lucie, a resident of Les Tilleuls in Bâtiment B (the world's resident is in A)."""

    user_id: int
    building_id: int
    token: str

    def headers(self) -> dict:
        return {"Authorization": f"Bearer {self.token}"}


def add_neighbour_in_building_b(world: World) -> Neighbour:
    building = Building(
        residence=world.home, name="Bâtiment B", location=to_column(Point(4.8806, 45.7687))
    )
    lucie = user("lucie@test.palier", "Lucie")
    db.session.add(building)
    db.session.flush()
    db.session.add(Membership(user=lucie, residence=world.home, building=building))
    token = accounts.issue_token(lucie, "test phone")
    db.session.commit()
    return Neighbour(lucie.id, building.id, token)


def api(page: Page, headers: dict, method: str, path: str, body: dict | None = None):
    """One call of the mobile app; its answer's JSON."""
    answer: APIResponse = page.request.fetch(
        path, method=method, headers=headers, data=body, fail_on_status_code=False
    )
    assert answer.ok, f"{method} {path}: {answer.status} {answer.text()}"
    return answer.json() if answer.body() else None


def feed_bodies(page: Page, headers: dict) -> list[str]:
    return [item["body"] for item in api(page, headers, "GET", "/api/v1/feed?limit=50")["items"]]


def outbox_kinds(user_id: int) -> list[str]:
    """The notifications waiting for a member, as the server committed them."""
    db.session.expire_all()
    return list(
        db.session.scalars(
            db.select(Notification.kind)
            .where(Notification.recipient_id == user_id)
            .order_by(Notification.id)
        )
    )
