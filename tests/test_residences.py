from sqlalchemy import func, select

from models import Building, Residence, db
from models.spatial import dwithin_m

SQUARE = {
    "type": "Polygon",
    "coordinates": [
        [[4.90, 45.76], [4.901, 45.76], [4.901, 45.761], [4.90, 45.761], [4.90, 45.76]]
    ],
}
BOWTIE = {
    "type": "Polygon",
    "coordinates": [
        [[4.90, 45.76], [4.901, 45.761], [4.901, 45.76], [4.90, 45.761], [4.90, 45.76]]
    ],
}


def residence_count():
    return db.session.scalar(select(func.count()).select_from(Residence))


def create(client, world, role="staff", **overrides):
    body = {"name": "Les Acacias", "address": "3 rue des Acacias", "footprint": SQUARE, **overrides}
    return client.post("/api/v1/residences", json=body, headers=world.headers(role))


def test_staff_create_a_residence_from_geojson(client, world):
    response = create(client, world, time_zone="Europe/Paris")
    assert response.status_code == 201, response.json
    body = response.json
    assert body["landlord_id"] == world.landlord.id
    assert body["footprint"]["type"] == "MultiPolygon"
    assert body["footprint"]["coordinates"][0][0][0] == [4.90, 45.76]
    # Without a location, a point inside the footprint stands for the residence.
    lon, lat = body["location"]["coordinates"]
    assert 4.90 < lon < 4.901 and 45.76 < lat < 45.761
    assert body["buildings"] == []


def test_staff_add_buildings_and_read_them_back_as_geojson(client, world):
    point = {"type": "Point", "coordinates": [4.8801, 45.7687]}
    added = client.post(
        f"/api/v1/residences/{world.home.id}/buildings",
        json={"name": "Bâtiment B", "location": point},
        headers=world.headers("staff"),
    )
    assert added.status_code == 201
    duplicate = client.post(
        f"/api/v1/residences/{world.home.id}/buildings",
        json={"name": "Bâtiment B", "location": point},
        headers=world.headers("staff"),
    )
    assert duplicate.status_code == 409
    shown = client.get(f"/api/v1/residences/{world.home.id}", headers=world.headers("resident"))
    assert [b["name"] for b in shown.json["buildings"]] == ["Bâtiment A", "Bâtiment B"]
    assert shown.json["buildings"][1]["location"] == {
        "type": "Point",
        "coordinates": [4.8801, 45.7687],
    }


def test_bad_geometry_is_refused_with_its_reason_and_nothing_written(client, world):
    before = residence_count()
    cases = [
        (BOWTIE, "Self-intersection"),
        ({"type": "Point", "coordinates": [4.9, 45.7]}, "Polygon"),
        ({"type": "Polygon", "coordinates": [[[4.9, 45.7], [4.91]]]}, "mal formées"),
        (
            {"type": "Polygon", "coordinates": [[[200, 45], [201, 45], [201, 46], [200, 45]]]},
            "longitude",
        ),
        ({"type": "Polygon", "coordinates": "nope"}, "mal formées"),
        ({"coordinates": []}, "Polygon"),
    ]
    for footprint, reason in cases:
        response = create(client, world, footprint=footprint)
        assert response.status_code == 422, (footprint, response.json)
        assert reason in response.json["errors"]["footprint"][0], response.json
    assert residence_count() == before


def test_bad_location_or_time_zone(client, world):
    before = residence_count()
    bad_location = create(client, world, location={"type": "Point", "coordinates": [4.9]})
    assert "location" in bad_location.json["errors"]
    bad_zone = create(client, world, time_zone="Europe/Villeurbanne")
    assert bad_zone.status_code == 422 and "time_zone" in bad_zone.json["errors"]
    assert residence_count() == before


def test_staff_choose_only_their_own_landlord(client, world):
    response = create(client, world, landlord_id=world.other_landlord.id)
    assert response.status_code == 403
    unknown = create(client, world, role="admin", landlord_id=999999)
    assert unknown.status_code == 422 and "landlord_id" in unknown.json["errors"]


def test_nearby_lists_neighbours_nearest_first_with_distances(client, world):
    response = client.get(
        f"/api/v1/residences/{world.home.id}/nearby?radius_m=5000",
        headers=world.headers("resident"),
    )
    items = response.json["items"]
    assert [item["residence"]["name"] for item in items] == ["Le Verger", "Les Érables"]
    verger, erables = (item["distance_m"] for item in items)
    assert 700 < verger < 850
    assert 3000 < erables < 3600


def test_nearby_default_radius_is_one_kilometre(client, world):
    response = client.get(
        f"/api/v1/residences/{world.home.id}/nearby", headers=world.headers("resident")
    )
    assert [item["residence"]["name"] for item in response.json["items"]] == ["Le Verger"]


def test_nearby_radius_is_capped_at_five_kilometres(client, world):
    for radius in (0, 5001, -3):
        response = client.get(
            f"/api/v1/residences/{world.home.id}/nearby?radius_m={radius}",
            headers=world.headers("resident"),
        )
        assert response.status_code == 422
        assert "radius_m" in response.json["errors"]


def test_nearby_uses_the_geography_index(world):
    """The planner can answer the SQL that models/spatial.py writes for distances (not a
    look-alike) from the index on location::geography: a cast that differs from the index's
    expression, such as geography(GEOMETRY,4326), leaves it unused."""
    db.session.execute(db.text("SET LOCAL enable_seqscan = off"))
    origin = select(Residence.location).where(Residence.id == world.home.id).scalar_subquery()
    for condition in (
        dwithin_m(Residence.location, origin, 1000),
        dwithin_m(origin, Residence.location, 1000),
    ):
        query = select(Residence.id).where(condition)
        sql = query.compile(dialect=db.engine.dialect, compile_kwargs={"literal_binds": True})
        plan = db.session.execute(db.text(f"EXPLAIN {sql}")).scalars()
        assert "ix_residences_location_geography" in "\n".join(plan)


def test_residence_list_is_paginated_and_stable(client, world):
    for number in range(5):
        assert create(client, world, name=f"Résidence {number}").status_code == 201
    seen, cursor = [], None
    while True:
        query = "?limit=2" + (f"&cursor={cursor}" if cursor else "")
        page = client.get(f"/api/v1/residences{query}", headers=world.headers("staff")).json
        assert len(page["items"]) <= 2
        seen += [item["id"] for item in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    staff_residences = db.session.scalars(
        select(Residence.id)
        .where(Residence.landlord_id == world.landlord.id)
        .order_by(Residence.id)
    )
    assert seen == list(staff_residences)
    assert len(seen) == 7


def test_residents_see_only_their_residences(client, world):
    def names(role):
        response = client.get("/api/v1/residences", headers=world.headers(role))
        return [residence["name"] for residence in response.json["items"]]

    assert names("resident") == ["Les Tilleuls"]
    assert names("other_resident") == ["Le Verger"]
    assert names("staff") == ["Les Tilleuls", "Le Verger"]
    assert names("other_staff") == ["Les Érables"]
    assert len(names("admin")) == 3


def test_building_count_unchanged_by_refused_building(client, world):
    before = db.session.scalar(select(func.count()).select_from(Building))
    response = client.post(
        f"/api/v1/residences/{world.home.id}/buildings",
        json={"name": "Bâtiment Z", "location": SQUARE},
        headers=world.headers("staff"),
    )
    assert response.status_code == 422
    assert db.session.scalar(select(func.count()).select_from(Building)) == before


def test_staff_change_a_residence_and_bad_changes_are_refused(client, world):
    url = f"/api/v1/residences/{world.home.id}"
    changed = client.patch(url, json={"name": " Les Tilleuls II "}, headers=world.headers("staff"))
    assert changed.json["name"] == "Les Tilleuls II"
    refused = client.patch(url, json={"time_zone": "Mars/Olympus"}, headers=world.headers("staff"))
    assert refused.status_code == 422 and "time_zone" in refused.json["errors"]
    assert client.patch(url, json={"name": ""}, headers=world.headers("staff")).status_code == 422
