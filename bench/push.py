"""Push benchmark: one urgent alert to 10,000 phones of 5,000 members, through the real
firebase-admin library and the dispatcher, against the fake FCM server on 127.0.0.1; beside
it, as many bare HTTP posts to the same server from one process (the baseline).

    make bench-push          (starts its own PostgreSQL; or set TEST_DATABASE_URL)
"""

import http.client
import json
import os
import resource
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from firebase_admin import messaging

ROOT = Path(__file__).resolve().parent.parent
MEMBERS, PHONES_EACH = 5000, 2


def main() -> None:
    from tests.fake_fcm import FakeFcm

    os.environ["DATABASE_URL"] = os.environ["TEST_DATABASE_URL"]
    env = {**os.environ, "FLASK_APP": "wsgi", "PALIER_CONFIG": "development"}
    subprocess.run(
        [sys.executable, "-m", "flask", "db", "upgrade"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
    )

    from app import create_app
    from models import Device, User, db
    from notifications import dispatcher, outbox
    from notifications.senders import FcmSender

    fake = FakeFcm()
    messaging._MessagingService.FCM_URL = fake.url + "/v1/projects/{0}/messages:send"
    app = create_app("development")
    with app.app_context():
        db.session.execute(
            db.text(
                "INSERT INTO users (email, password_hash, display_name, locale, is_platform_admin, "
                "created_at, updated_at) SELECT 'b' || g || '@push.palier', 'x', 'B' || g, "
                "'fr', false, now(), now() FROM generate_series(1, :n) AS g"
            ),
            {"n": MEMBERS},
        )
        users = db.session.scalars(db.select(User).where(User.email.like("%@push.palier"))).all()
        db.session.add_all(
            Device(user_id=u.id, token=f"phone-{u.id}-{n}", platform="android")
            for u in users
            for n in range(PHONES_EACH)
        )
        outbox.enqueue(
            users,
            "alert",
            {"title": "Eau coupée"},
            key="alert:bench",
            link="palier://posts/1",
            urgent=True,
        )
        db.session.commit()
        sender = FcmSender(fake.service_account(), name="bench")
        started = time.perf_counter()
        counts = dispatcher.dispatch(sender)
        palier_seconds = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    sent = counts.get("sent", 0)
    assert sent == MEMBERS * PHONES_EACH == len(fake.delivered), counts

    fake.reset()
    body = json.dumps({"message": {"token": "phone", "notification": {"title": "Eau coupée"}}})
    port = int(fake.url.rsplit(":", 1)[1])

    def post(_):
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        connection.request(
            "POST", "/v1/projects/p/messages:send", body, {"Content-Type": "application/json"}
        )
        connection.getresponse().read()
        connection.close()

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=100) as pool:
        list(pool.map(post, range(sent)))
    bare_seconds = time.perf_counter() - started

    print(f"\none urgent alert, {MEMBERS} members, {sent} phones, fake FCM on 127.0.0.1")
    print(
        f"palier dispatcher  {palier_seconds:6.1f} s   {sent / palier_seconds:7.0f} messages/s   "
        f"peak memory {peak_mb:.0f} MB"
    )
    print(f"bare HTTP posts    {bare_seconds:6.1f} s   {sent / bare_seconds:7.0f} messages/s")
    print(f"ratio palier/bare: {(sent / palier_seconds) / (sent / bare_seconds):.2f}")


if __name__ == "__main__":
    main()
