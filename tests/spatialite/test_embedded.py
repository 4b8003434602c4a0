"""The embedded database (SQLite + SpatiaLite) that `make run` uses: same migrations, same API.

Each step runs in its own process, as `make run` does, against a file that the migrations built
for the embedded tests (tests/spatialite/conftest.py).
"""

import json

from tests.spatialite.embedded import flask, run_script

API_CHECK = """
import json
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo
from app import create_app
from services.demo import DEMO_PASSWORD

client = create_app().test_client()

def token(email):
    body = {"email": email, "password": DEMO_PASSWORD, "device_name": "smoke"}
    return {"Authorization": "Bearer " + client.post("/api/v1/auth/login", json=body).json["token"]}

resident, autre = token("resident@demo.palier.test"), token("autre@demo.palier.test")
voisine = token("voisine@demo.palier.test")
home = client.get("/api/v1/residences", headers=resident).json["items"][0]
url = f"/api/v1/residences/{home['id']}"
nearby = client.get(url + "/nearby?radius_m=5000", headers=resident).json["items"]
room = next(
    space for space in client.get(url + "/spaces", headers=resident).json["items"]
    if space["name"] == "Salle commune"
)
paris = ZoneInfo("Europe/Paris")
in_nine_days = datetime.now(paris).date() + timedelta(days=9)
day = in_nine_days.isoformat()
slot = {
    "starts_at": datetime.combine(in_nine_days, time(10), paris).isoformat(),
    "ends_at": datetime.combine(in_nine_days, time(11), paris).isoformat(),
    "purpose": "Café",
}
booked = client.post(f"/api/v1/spaces/{room['id']}/bookings", json=slot, headers=resident)
twice = client.post(f"/api/v1/spaces/{room['id']}/bookings", json=slot, headers=voisine)
free = client.get(
    f"/api/v1/spaces/{room['id']}/availability?from={day}&to={day}", headers=voisine
).json["free"]
print(json.dumps({
    "booking": [booked.status_code, twice.status_code],
    "free": [(interval["start"][11:16], interval["end"][11:16]) for interval in free],
    "home": home["name"],
    "nearby": [(item["residence"]["name"], item["distance_m"]) for item in nearby],
    "nearby_1km": len(client.get(url + "/nearby", headers=resident).json["items"]),
    "autre_members": client.get(url + "/members", headers=autre).status_code,
    "drills": [
        hit["listing"]["title"]
        for hit in client.get("/api/v1/listings?q=perceuse", headers=resident).json["items"]
    ],
    "mowers_nearby": [
        hit["distance_m"] // 100
        for hit in client.get("/api/v1/listings?q=tondeuse", headers=resident).json["items"]
    ],
    "feed": [
        item["kind"] for item in client.get("/api/v1/feed", headers=autre).json["items"]
    ],
    "join_again": client.post("/api/v1/memberships", json={"code": "TILLEULS"}, headers=resident)
    .status_code,
}))
"""


def test_migrations_build_the_embedded_database_with_nothing_left_to_do(environment):
    assert "No new upgrade operations detected" in flask(environment, "db", "check")


def test_demo_loads_twice_and_the_api_answers(environment):
    flask(environment, "palier", "demo")
    flask(environment, "palier", "demo")
    result = json.loads(run_script(environment, API_CHECK))
    assert result["home"] == "Résidence Les Tilleuls"
    (verger, verger_m), (erables, erables_m) = result["nearby"]
    assert (verger, erables) == ("Résidence Le Verger", "Résidence Les Érables")
    assert 700 < verger_m < 850 and 3000 < erables_m < 3600
    assert result["nearby_1km"] == 1
    assert result["autre_members"] == 404
    assert result["join_again"] == 409
    assert result["drills"] == ["Perceuse-visseuse"]
    assert result["mowers_nearby"] == [7]  # Le Verger's mower, 780 m away
    # Without PostgreSQL's exclusion constraint, the service's own check refuses the overlap.
    assert result["booking"] == [201, 409]
    # Le Verger's resident sees only the Tilleuls post meant for the neighbourhood.
    assert result["feed"] == ["post"]
    assert result["free"] == [["09:00", "10:00"], ["11:00", "22:00"]]
