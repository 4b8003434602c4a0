"""Feed benchmark: Palier's GET /api/v1/feed against a bare WSGI endpoint running the same SQL.

    make bench-feed          (starts its own PostgreSQL; or set TEST_DATABASE_URL)

Builds 200 residences, 20,000 members and 500,000 posts with comments and reactions in SQL,
serves each app with gunicorn (2 workers), loads it for 20 s with 16 clients of 16 different
residences, and prints requests per second, p50 and p99 of both and their ratio.
"""

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import psycopg

from bench import load

ROOT = Path(__file__).resolve().parent.parent
CLIENTS, SECONDS, WORKERS = 16, 20, 2
GOAL_RATIO, GOAL_TAIL = 0.5, 4.0


def main() -> None:
    url = os.environ["TEST_DATABASE_URL"]
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "PALIER_CONFIG": "production",
        "SECRET_KEY": "bench-only-secret-key-of-at-least-32-chars",
        "FLASK_APP": "wsgi",
    }
    reset(url)
    subprocess.run(
        [sys.executable, "-m", "flask", "db", "upgrade"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
    )
    started = time.perf_counter()
    seed(url)
    print(
        "data set: 200 residences, 20,000 members, 500,000 posts, "
        f"built in {time.perf_counter() - started:.0f} s"
    )

    headers = [{"Authorization": f"Bearer bench-token-{n}"} for n in range(1, CLIENTS + 1)]
    palier = serve("wsgi:app", env)
    bare = serve("bench.bare_feed:app", {**env, "BENCH_DATABASE_URL": psycopg_url(url)})
    try:
        same_answer(palier, bare, headers[0])
        for port in (palier, bare):  # warm both up before measuring
            load.run(port, "/api/v1/feed", headers, 2)
        palier_result = load.run(palier, "/api/v1/feed", headers, SECONDS)
        bare_result = load.run(bare, "/api/v1/feed", headers, SECONDS)
    finally:
        stop_all()
    ratio = palier_result.per_second / bare_result.per_second
    tail = palier_result.percentile(0.99) / palier_result.percentile(0.5)
    print(f"\nGET /api/v1/feed, {CLIENTS} clients, {SECONDS} s each, gunicorn {WORKERS} workers")
    print(palier_result.line("palier"))
    print(bare_result.line("bare SQL"))
    print(f"throughput ratio palier/bare: {ratio:.2f} (goal >= {GOAL_RATIO})")
    print(f"palier p99/p50: {tail:.2f} (goal <= {GOAL_TAIL})")
    print("goals met" if ratio >= GOAL_RATIO and tail <= GOAL_TAIL else "goals NOT met")


def reset(url: str) -> None:
    with psycopg.connect(psycopg_url(url), autocommit=True) as connection:
        connection.execute("DROP SCHEMA IF EXISTS public CASCADE")
        connection.execute("CREATE SCHEMA public")


def seed(url: str) -> None:
    statements = (ROOT / "bench" / "seed_feed.sql").read_text().split(";\n")
    with psycopg.connect(psycopg_url(url), autocommit=True) as connection:
        for statement in statements:
            lines = [line for line in statement.splitlines() if not line.startswith("--")]
            if "".join(lines).strip():
                connection.execute("\n".join(lines))


_servers: list[subprocess.Popen] = []


def serve(app: str, env: dict) -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    command = [
        str(Path(sys.executable).parent / "gunicorn"),
        "-w",
        str(WORKERS),
        "-b",
        f"127.0.0.1:{port}",
        "--log-level",
        "warning",
        app,
    ]
    _servers.append(subprocess.Popen(command, cwd=ROOT, env=env))
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return port
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"{app} did not start")


def stop_all() -> None:
    for server in _servers:
        server.terminate()
        server.wait(timeout=10)


def same_answer(palier: int, bare: int, headers: dict) -> None:
    def fetch(port):
        request = urllib.request.Request(f"http://127.0.0.1:{port}/api/v1/feed", headers=headers)
        return json.load(urllib.request.urlopen(request))["items"]

    ours, theirs = fetch(palier), fetch(bare)
    assert len(ours) == 20, "the data set gave an empty feed"
    keys = ("id", "comments", "reactions", "author")
    assert [{k: i[k] for k in keys} for i in ours] == [{k: i[k] for k in keys} for i in theirs], (
        "answers differ"
    )
    print(f"both answer the same first page ({len(ours)} posts)")


def psycopg_url(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://")


if __name__ == "__main__":
    main()
