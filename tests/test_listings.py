import io

from PIL import Image
from sqlalchemy import event, func, select

from models import Listing, ListingPhoto, Membership, Visibility, db
from tests.photos import GPS_INFO, jpeg_with_gps, multipart_body, png_bytes


def publish(client, world, role="resident", **fields):
    body = {
        "residence_id": world.home.id,
        "kind": "lend",
        "category": "tools",
        "title": "Escabeau",
        **fields,
    }
    return client.post("/api/v1/listings", json=body, headers=world.headers(role))


def titles(client, world, role, query=""):
    response = client.get(f"/api/v1/listings?limit=100{query}", headers=world.headers(role))
    assert response.status_code == 200, response.json
    return [hit["listing"]["title"] for hit in response.json["items"]]


def listing_count():
    return db.session.scalar(select(func.count()).select_from(Listing))


def test_publish_and_find_a_listing(client, world):
    created = publish(client, world, description="Escabeau 5 marches", estimated_value_eur=60)
    assert created.status_code == 201, created.json
    assert created.json["owner"]["display_name"] == "Nadia"
    assert created.json["status"] == "open" and created.json["visibility"] == "visible"
    assert titles(client, world, "solidaire")[0] == "Escabeau"  # newest first


def test_scopes_decide_who_sees_a_listing(client, world):
    publish(client, world, title="Pour mon bâtiment", scope="building")
    publish(client, world, title="Pour le quartier", scope="nearby")
    # The solidaire lives in the residence but in no building; moderators see all the same.
    world.membership("solidaire").role = "resident"
    db.session.commit()
    assert "Pour mon bâtiment" not in titles(client, world, "solidaire")
    assert "Pour le quartier" in titles(client, world, "solidaire")
    assert set(titles(client, world, "resident")) >= {"Pour mon bâtiment", "Pour le quartier"}
    # Le Verger is 800 m away: nearby listings reach it, residence ones do not.
    assert titles(client, world, "other_resident") == ["Pour le quartier"]
    # Staff of another landlord, 3 km away, see nothing of it.
    assert titles(client, world, "other_staff") == []
    assert "Pour mon bâtiment" in titles(client, world, "staff")


def test_a_member_who_leaves_stops_seeing_the_listings(client, world):
    assert titles(client, world, "solidaire")
    world.membership("solidaire").status = "left"
    db.session.commit()
    assert titles(client, world, "solidaire") == []
    assert (
        client.get(
            f"/api/v1/listings/{world.lend.id}", headers=world.headers("solidaire")
        ).status_code
        == 404
    )


def test_hidden_listings_are_seen_by_their_author_only(client, world):
    world.lend.visibility = Visibility.HIDDEN
    db.session.commit()
    url = f"/api/v1/listings/{world.lend.id}"
    assert client.get(url, headers=world.headers("resident")).status_code == 200
    # Moderators read hidden content in their queue (tests/test_moderation.py), nowhere else.
    for role in ("solidaire", "staff", "admin"):
        assert client.get(url, headers=world.headers(role)).status_code == 404, role


def test_filters_and_french_full_text_search(client, world):
    publish(client, world, title="Perceuse à percussion", description="Avec ses mèches")
    publish(
        client, world, kind="give", category="children", title="Poussette", description="Bon état"
    )
    publish(client, world, kind="request_help", category="shopping", title="Courses du samedi")
    assert titles(client, world, "solidaire", "&kind=give") == ["Poussette"]
    assert titles(client, world, "solidaire", "&category=shopping") == ["Courses du samedi"]
    # French stemming: "perceuses" finds "Perceuse", "mèche" finds "mèches".
    found = titles(client, world, "solidaire", "&q=perceuses")
    assert found == ["Perceuse à percussion", "Perceuse"]  # the world's drill, too
    assert titles(client, world, "solidaire", "&q=mèche") == ["Perceuse à percussion"]
    assert titles(client, world, "solidaire", "&q=tondeuse") == []


def test_order_by_distance(client, world):
    db.session.add(Membership(user=world.users["other_resident"], residence=world.home))
    db.session.commit()
    publish(client, world, title="Ici", scope="nearby")
    client.post(
        "/api/v1/listings",
        json={
            "residence_id": world.neighbour.id,
            "kind": "lend",
            "category": "garden",
            "title": "Là-bas",
            "scope": "nearby",
        },
        headers=world.headers("other_resident"),
    )
    page = client.get(
        f"/api/v1/listings?order=distance&near_residence_id={world.neighbour.id}",
        headers=world.headers("other_resident"),
    ).json["items"]
    distances = [(hit["listing"]["title"], hit["distance_m"] // 100) for hit in page]
    assert distances[0] == ("Là-bas", 0)
    # Then everything of Les Tilleuls, some 780 m away, the world's listings included.
    assert ("Ici", 7) in distances[1:]
    assert {hundreds for _, hundreds in distances[1:]} == {7}


def test_pages_cost_the_same_number_of_queries_whatever_their_size(client, world):
    for number in range(30):
        publish(client, world, title=f"Objet {number}")
    for listing in db.session.scalars(select(Listing).where(~Listing.photos.any())):
        db.session.add(
            ListingPhoto(
                listing=listing, position=0, filename=f"{listing.id}-x.jpg", width=1, height=1
            )
        )
    db.session.commit()

    def queries_for(limit):
        statements = []
        listen = lambda *args: statements.append(args[2])  # noqa: E731
        engine = db.engine
        event.listen(engine, "before_cursor_execute", listen)
        try:
            response = client.get(
                f"/api/v1/listings?limit={limit}", headers=world.headers("solidaire")
            )
        finally:
            event.remove(engine, "before_cursor_execute", listen)
        assert len(response.json["items"]) == limit
        assert all(hit["listing"]["first_photo"] for hit in response.json["items"])
        return len(statements)

    assert queries_for(5) == queries_for(25)


def test_bad_listings_write_nothing(client, world):
    before = listing_count()
    cases = [
        ({"estimated_value_eur": -5}, "estimated_value_eur"),
        ({"estimated_value_eur": 10_000_000}, "estimated_value_eur"),
        ({"category": "spaceships"}, "category"),
        ({"category": "shopping"}, "category"),  # a help category for an object
        (
            {"kind": "request_help", "category": "shopping", "estimated_value_eur": 20},
            "estimated_value_eur",
        ),
        ({"kind": "sell"}, "kind"),
        ({"title": ""}, "title"),
        ({"scope": "area"}, "scope"),
    ]
    for fields, name in cases:
        response = publish(client, world, **fields)
        assert response.status_code == 422, fields
        assert name in response.json["errors"], (fields, response.json)
    assert publish(client, world, residence_id=world.neighbour.id).status_code == 404
    assert listing_count() == before


def test_photos_are_checked_reencoded_and_stripped_of_gps(client, world, upload_folder):
    url = f"/api/v1/listings/{world.lend.id}/photos"
    headers = world.headers("resident")
    original = jpeg_with_gps()
    assert GPS_INFO in Image.open(io.BytesIO(original)).getexif()
    response = client.post(
        url, data={"photo": (io.BytesIO(original), "IMG_0001.jpg")}, headers=headers
    )
    assert response.status_code == 201, response.json
    with client.get(response.json["url"]) as served:
        assert served.status_code == 200
        stored = Image.open(io.BytesIO(served.data))
    assert stored.format == "JPEG" and stored.size == (64, 48)
    assert GPS_INFO not in stored.getexif()
    listing = client.get(f"/api/v1/listings/{world.lend.id}", headers=headers).json
    assert [p["url"] for p in listing["photos"]][-1] == response.json["url"]


def test_bad_photos_are_refused_and_leave_nothing(client, world, upload_folder):
    url = f"/api/v1/listings/{world.lend.id}/photos"
    headers = world.headers("resident")
    before = db.session.scalar(select(func.count()).select_from(ListingPhoto))
    pdf = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n"
    cases = [
        (pdf, "renamed.jpg", 422),
        (b"", "empty.jpg", 422),
        (b"GIF89a" + png_bytes()[6:], "fake.png", 422),
        (png_bytes()[:40], "cut.png", 422),
        (b"\0" * (5 * 1024 * 1024 + 1), "just-too-big.jpg", 422),
        (b"\0" * (20 * 1024 * 1024), "huge.jpg", 413),
    ]
    for data, name, status in cases:
        body, content_type = multipart_body("photo", name, data)
        response = client.post(url, data=body, content_type=content_type, headers=headers)
        assert response.status_code == status, (name, response.get_data(as_text=True)[:200])
        assert response.mimetype == "application/problem+json"
    missing = client.post(url, data={}, headers=headers)
    assert missing.status_code == 422 and "photo" in missing.json["errors"]
    assert db.session.scalar(select(func.count()).select_from(ListingPhoto)) == before
    assert not upload_folder.exists() or list(upload_folder.iterdir()) == []


def test_a_gif_is_refused_by_content_not_by_name(client, world):
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8)).save(buffer, format="GIF")
    response = client.post(
        f"/api/v1/listings/{world.lend.id}/photos",
        data={"photo": (io.BytesIO(buffer.getvalue()), "photo.jpg")},
        headers=world.headers("resident"),
    )
    assert response.status_code == 422
    assert response.json["detail"] == "Seules les photos JPEG, PNG et WebP sont acceptées."


def test_at_most_four_photos(client, world):
    url = f"/api/v1/listings/{world.lend.id}/photos"
    headers = world.headers("resident")
    statuses = [
        client.post(
            url, data={"photo": (io.BytesIO(png_bytes()), "p.png")}, headers=headers
        ).status_code
        for _ in range(4)
    ]
    assert statuses == [201, 201, 201, 409]  # the world's listing already has one


def test_owner_pauses_and_edits(client, world):
    url = f"/api/v1/listings/{world.lend.id}"
    changed = client.patch(
        url,
        json={"status": "paused", "title": " Perceuse Bosch "},
        headers=world.headers("resident"),
    )
    assert changed.json["status"] == "paused" and changed.json["title"] == "Perceuse Bosch"
    assert "Perceuse Bosch" not in titles(client, world, "solidaire")
    assert "Perceuse Bosch" in titles(client, world, "solidaire", "&status=paused")
