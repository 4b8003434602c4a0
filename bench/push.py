"""Push benchmark: one urgent alert to 10,000 phones of 5,000 members of a residence, from the
staff's publication (targeting, outbox rows) through the dispatcher to the fake FCM server on
127.0.0.1, which speaks HTTP/2 and HTTP/1.1 over TLS and runs in a process of its own. Beside
it, in the same run and against the same server, bare clients post the same number of messages
(a ready JSON document per phone, a fixed access token, nothing recorded): HTTP/1.1 on keep-alive
connections from a pool of threads, and HTTP/2 streams from httpx, firebase-admin's async client.
The ratio compares Palier with the best of them.

    make bench-push          (starts its own PostgreSQL; or set TEST_DATABASE_URL)

Peak memory is the benchmark process's peak resident set (getrusage's ru_maxrss), read once
the dispatcher is done and before the bare clients run; the fake server is not counted. The
same high-water mark read just before the publication says how much of it the application
brought before any alert. The
server's share of the time (its processor time over the run's wall time) is printed too: far
below 100% means the server is not what limits the figures.

firebase-admin's own ways, measured the same way on the 2 shared cores of the first
measurement (processor time per message of the client): `send_each_for_multicast` (a thread per
token, requests) 8 ms; `send_each_for_multicast_async` (httpx, HTTP/2) 6 ms; a bare httpx HTTP/2
client 3 ms; bare keep-alive HTTP/1.1 connections 0.45 ms; Palier's sender 0.5 ms.
"""

import asyncio
import http.client
import json
import logging
import os
import resource
import ssl
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MEMBERS, PHONES_EACH = 5000, 2
# httpx spends several times the processor time of the others per message: a sample of this
# size gives its rate without making the run last minutes.
HTTP2_SAMPLE = 2000
SEND_PATH = "/v1/projects/palier-test/messages:send"


class Server:
    """The fake FCM server in a process of its own."""

    def __init__(self):
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tests.fake_fcm"],
            cwd=ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        started = json.loads(self.process.stdout.readline())
        self.url, self.trust_store = started["url"], started["trust_store"]
        self.port = int(self.url.rsplit(":", 1)[1])

    def _ask(self, command: str) -> dict:
        self.process.stdin.write(command + "\n")
        self.process.stdin.flush()
        return json.loads(self.process.stdout.readline())

    def stats(self) -> dict:
        return self._ask("stats")

    def reset(self) -> None:
        self._ask("reset")

    def stop(self) -> None:
        self.process.stdin.close()
        self.process.wait(timeout=10)


class Measure:
    """Wall time of a block, and the server's processor time over it."""

    def __init__(self, server: Server):
        self.server = server

    def __enter__(self):
        self.server_cpu = self.server.stats()["cpu_seconds"]
        self.started = time.perf_counter()
        return self

    def __exit__(self, *exc):
        self.seconds = time.perf_counter() - self.started
        self.server_share = (self.server.stats()["cpu_seconds"] - self.server_cpu) / self.seconds


def main() -> None:
    from tests.fake_fcm import trust

    server = Server()
    trust(server.trust_store)
    os.environ["DATABASE_URL"] = os.environ["TEST_DATABASE_URL"]
    env = {**os.environ, "FLASK_APP": "wsgi", "PALIER_CONFIG": "development"}
    subprocess.run(
        [sys.executable, "-m", "flask", "db", "upgrade"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
    )
    try:
        palier = run_palier(server)
        peak_mb = peak_memory_mb()
        sent = palier["sent"]
        bare = {
            f"bare HTTP/1.1, {threads} keep-alive connections": bare_http1(server, sent, threads)
            for threads in (8, 16, 32)
        }
        bare["bare HTTP/2 (httpx), one connection"] = bare_http2(server, HTTP2_SAMPLE)
    finally:
        server.stop()

    print(f"\none urgent alert, {MEMBERS} members, {sent} phones, fake FCM on 127.0.0.1 (TLS)")
    print(
        f"palier: outbox rows {palier['enqueue'].seconds:5.2f} s, "
        f"dispatch {palier['dispatch'].seconds:5.2f} s"
    )
    palier_rate = sent / palier["total_seconds"]
    print(
        f"{'palier, publication to last phone':<44} {palier['total_seconds']:6.2f} s "
        f"{palier_rate:7.0f} messages/s   peak memory {peak_mb:.0f} MB   "
        f"server busy {palier['dispatch'].server_share:4.0%}"
    )
    print(
        f"peak memory before the publication {palier['before_mb']:.0f} MB (the application, its "
        f"libraries, the test world): the alert added {peak_mb - palier['before_mb']:.0f} MB"
    )
    for name, (count, measure) in bare.items():
        print(
            f"{name:<44} {measure.seconds:6.2f} s {count / measure.seconds:7.0f} messages/s"
            f"   ({count} messages)                 server busy {measure.server_share:4.0%}"
        )
    best_name, (count, measure) = max(
        bare.items(), key=lambda item: item[1][0] / item[1][1].seconds
    )
    print(f"best bare client: {best_name}")
    print(f"ratio palier/best bare: {palier_rate / (count / measure.seconds):.2f}")


def run_palier(server: Server) -> dict:
    from firebase_admin import messaging

    from app import create_app
    from models import Device, Notification, User, db
    from notifications import dispatcher
    from notifications.senders import FcmSender
    from services.news import publishing
    from tests.fake_fcm import service_account
    from tests.world import build_world

    messaging._MessagingService.FCM_URL = server.url + "/v1/projects/{0}/messages:send"
    app = create_app("development")
    with app.app_context():
        world = build_world()
        # The world's own notifications and phone are not this benchmark's business.
        db.session.execute(db.delete(Notification))
        db.session.execute(db.delete(Device))
        db.session.execute(
            db.text(
                "INSERT INTO users (email, password_hash, display_name, locale, is_platform_admin, "
                "created_at, updated_at) SELECT 'b' || g || '@push.palier', 'x', 'B' || g, "
                "'fr', false, now(), now() FROM generate_series(1, :n) AS g"
            ),
            {"n": MEMBERS},
        )
        db.session.execute(
            db.text(
                "INSERT INTO memberships (user_id, residence_id, role, status, joined_at, "
                "created_at, updated_at) "
                "SELECT id, :home, 'resident', 'active', now(), now(), now() FROM users "
                "WHERE email LIKE '%@push.palier'"
            ),
            {"home": world.home.id},
        )
        db.session.execute(
            db.text(
                "INSERT INTO devices (user_id, token, platform, last_seen_at, created_at, "
                "updated_at) SELECT u.id, 'phone-' || u.id || '-' || n, 'android', now(), now(), "
                "now() FROM users u CROSS JOIN generate_series(1, :n) AS n "
                "WHERE u.email LIKE '%@push.palier'"
            ),
            {"n": PHONES_EACH},
        )
        staff_id, home_id = world.users["staff"].id, world.home.id
        db.session.commit()
        db.session.expunge_all()

        sender = FcmSender(service_account(server.url))
        before_mb = peak_memory_mb()
        with Measure(server) as enqueue:
            publishing.publish_post(
                db.session.get(User, staff_id),
                residence_id=home_id,
                kind="alert",
                title="Eau coupée",
                body="Coupure d'eau dans tout l'immeuble jusqu'à 18 h.",
            )
            db.session.commit()
        with Measure(server) as dispatch:
            counts = dispatcher.dispatch(sender)
        sender.close()
    delivered = server.stats()["delivered"]
    assert counts.get("sent") == MEMBERS * PHONES_EACH == delivered, (counts, delivered)
    return {
        "sent": delivered,
        "enqueue": enqueue,
        "dispatch": dispatch,
        "total_seconds": enqueue.seconds + dispatch.seconds,
        "before_mb": before_mb,
    }


def peak_memory_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _message(token: str) -> bytes:
    return json.dumps(
        {
            "message": {
                "token": token,
                "notification": {"title": "Eau coupée", "body": "Coupure d'eau."},
                "data": {"notification_id": "alert:post:1", "link": "palier://posts/1"},
                "android": {"priority": "high"},
                "apns": {"headers": {"apns-priority": "10"}},
            }
        }
    ).encode()


def _headers(server: Server) -> dict:
    """An access token from the server's token endpoint, fetched once, as any client does."""
    connection = http.client.HTTPSConnection(
        "127.0.0.1", server.port, context=ssl.create_default_context(cafile=server.trust_store)
    )
    connection.request("POST", "/token", b"", {"Content-Length": "0"})
    token = json.loads(connection.getresponse().read())["access_token"]
    connection.close()
    return {"Authorization": f"Bearer {token}", "Content-Type": "application/json; charset=UTF-8"}


def bare_http1(server: Server, count: int, threads: int) -> tuple[int, Measure]:
    """Plain http.client over TLS: a keep-alive connection per thread."""
    server.reset()
    tls = ssl.create_default_context(cafile=server.trust_store)
    local = threading.local()
    headers = _headers(server)

    def post(number: int) -> int:
        connection = getattr(local, "connection", None)
        if connection is None:
            connection = local.connection = http.client.HTTPSConnection(
                "127.0.0.1", server.port, timeout=30, context=tls
            )
        connection.request("POST", SEND_PATH, _message(f"bare-{number}"), headers)
        response = connection.getresponse()
        response.read()
        return response.status

    with ThreadPoolExecutor(max_workers=threads) as pool, Measure(server) as measure:
        statuses = set(pool.map(post, range(count)))
    assert statuses == {200} and server.stats()["delivered"] == count, statuses
    return count, measure


def bare_http2(server: Server, count: int) -> tuple[int, Measure]:
    """httpx over HTTP/2: every message a stream of one connection, as many at once as the
    server allows (more would wait in httpx's pool, whose bookkeeping grows with the queue)."""
    import httpx

    from tests.fake_fcm import MAX_CONCURRENT_STREAMS

    logging.getLogger("httpx").setLevel(logging.WARNING)  # not a line of log per request
    server.reset()

    async def post_all() -> tuple[set[str], Measure]:
        tls = ssl.create_default_context(cafile=server.trust_store)
        streams = asyncio.Semaphore(MAX_CONCURRENT_STREAMS)
        headers = _headers(server)
        async with httpx.AsyncClient(http2=True, verify=tls, headers=headers) as client:

            async def post(number: int) -> str:
                async with streams:
                    response = await client.post(
                        server.url + SEND_PATH, content=_message(f"bare-{number}")
                    )
                return f"{response.http_version} {response.status_code}"

            await post(-1)  # the connection is up before the clock starts
            with Measure(server) as measure:
                statuses = set(await asyncio.gather(*(post(n) for n in range(count))))
            return statuses, measure

    statuses, measure = asyncio.run(post_all())
    assert statuses == {"HTTP/2 200"} and server.stats()["delivered"] == count + 1, statuses
    return count, measure


if __name__ == "__main__":
    main()
