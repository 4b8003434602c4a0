"""Photos are served while their content may be seen, privately, in one query."""

import io

from sqlalchemy import event

from models import PostPhoto, SpacePhoto, Visibility, db
from tests.photos import png_bytes


def on_disk(upload_folder, *filenames):
    upload_folder.mkdir(parents=True, exist_ok=True)
    for filename in filenames:
        (upload_folder / filename).write_bytes(png_bytes())


def add_photos(world):
    db.session.add_all(
        [
            PostPhoto(post=world.event, position=0, filename="party.png", width=40, height=30),
            SpacePhoto(space=world.room, position=0, filename="room.png", width=40, height=30),
        ]
    )
    db.session.commit()


def test_photos_are_served_privately_and_not_sniffed(client, world, upload_folder):
    add_photos(world)
    on_disk(upload_folder, "drill.jpg", "party.png", "room.png")
    for filename in ("drill.jpg", "party.png", "room.png"):
        served = client.get(f"/uploads/{filename}")
        assert served.status_code == 200, filename
        assert served.headers["Cache-Control"] == "max-age=3600, private"
        assert served.headers["X-Content-Type-Options"] == "nosniff"
        served.close()


def test_photos_of_hidden_content_are_not_served(client, world, upload_folder):
    add_photos(world)
    on_disk(upload_folder, "drill.jpg", "party.png")
    world.lend.visibility = Visibility.HIDDEN
    world.event.visibility = Visibility.HIDDEN
    db.session.commit()
    for filename in ("drill.jpg", "party.png"):
        hidden = client.get(f"/uploads/{filename}")
        assert hidden.status_code == 404, filename
        assert hidden.mimetype == "application/problem+json"
    world.lend.visibility = Visibility.VISIBLE  # restored by a moderator
    db.session.commit()
    with client.get("/uploads/drill.jpg") as restored:
        assert restored.status_code == 200


def test_a_deleted_photo_is_not_served_even_if_its_file_remains(client, world, upload_folder):
    on_disk(upload_folder, "drill.jpg", "stray.png")
    db.session.delete(world.photo)
    db.session.commit()
    assert (upload_folder / "drill.jpg").exists()
    assert client.get("/uploads/drill.jpg").status_code == 404
    assert client.get("/uploads/stray.png").status_code == 404  # a file no row names


def test_a_removed_photo_stops_being_served(client, world, upload_folder):
    url = f"/api/v1/listings/{world.lend.id}/photos"
    added = client.post(
        url, data={"photo": (io.BytesIO(png_bytes()), "p.png")}, headers=world.headers("resident")
    )
    assert added.status_code == 201, added.json
    with client.get(added.json["url"]) as served:
        assert served.status_code == 200
    removed = client.delete(f"{url}/{added.json['id']}", headers=world.headers("resident"))
    assert removed.status_code == 204
    assert client.get(added.json["url"]).status_code == 404


def test_one_query_per_photo(client, world, upload_folder):
    on_disk(upload_folder, "drill.jpg")
    statements = []

    def count(conn, cursor, statement, *args):
        if statement.lstrip().upper().startswith("SELECT"):
            statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        with client.get("/uploads/drill.jpg") as served:
            assert served.status_code == 200
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    assert len(statements) == 1, statements
