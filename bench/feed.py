"""Feed benchmark: Palier's GET /api/v1/feed against a bare WSGI endpoint running the same SQL,
and against the ceiling, a bare endpoint answering a residence's 20 newest posts in one query.

    make bench-feed                      (starts its own PostgreSQL; or set TEST_DATABASE_URL)
    python -m bench.feed --profile       (also profiles 300 feed requests in-process: pyinstrument)
    python -m bench.feed --reuse         (with TEST_DATABASE_URL of a database that an earlier
                                          run built: keeps its data set instead of rebuilding it)

Builds 200 residences, 20,000 members and 500,000 posts with comments and reactions in SQL,
prints the SQL statements one feed request sends with EXPLAIN (ANALYZE, BUFFERS) of its main
one, serves each app with gunicorn (2 workers), loads it for 20 s with 16 clients of 16 different
residences, and prints requests per second, p50 and p99 of the three, and their ratios.
"""

import itertools
import json
import os
import re
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
POSTS = 500_000  # as bench/seed_feed.sql builds them
GOAL_RATIO, GOAL_CEILING, GOAL_TAIL, GOAL_PLAN_MS = 0.5, 0.25, 4.0, 2.0


def main() -> None:
    url = os.environ["TEST_DATABASE_URL"]
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "PALIER_CONFIG": "production",
        "SECRET_KEY": "bench-only-secret-key-of-at-least-32-chars",
        "FLASK_APP": "wsgi",
        # The rate limits' counters in each worker's memory: there is no Redis on a bench.
        "RATELIMIT_ALLOW_MEMORY": "1",
    }
    reuse = "--reuse" in sys.argv and seeded(url)
    if not reuse:
        reset(url)
    subprocess.run(
        [sys.executable, "-m", "flask", "db", "upgrade"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
    )
    started = time.perf_counter()
    if not reuse:
        seed(url)
    print(
        "data set: 200 residences, 20,000 members, 500,000 posts, "
        + ("reused" if reuse else f"built in {time.perf_counter() - started:.0f} s")
    )

    headers = [{"Authorization": f"Bearer bench-token-{n}"} for n in range(1, CLIENTS + 1)]
    plan_ms = explain_feed(env, headers[0])
    if "--profile" in sys.argv:
        profile_feed(env, headers)
    bare_env = {**env, "BENCH_DATABASE_URL": psycopg_url(url)}
    palier = serve("wsgi:app", env)
    bare = serve("bench.bare_feed:app", bare_env)
    ceiling = serve("bench.ceiling_feed:app", bare_env)
    try:
        same_answer(palier, bare, headers[0])
        for port in (palier, bare, ceiling):  # warm them up before measuring
            load.run(port, "/api/v1/feed", headers, 2)
        palier_result = load.run(palier, "/api/v1/feed", headers, SECONDS)
        bare_result = load.run(bare, "/api/v1/feed", headers, SECONDS)
        ceiling_result = load.run(ceiling, "/api/v1/feed", headers, SECONDS)
    finally:
        stop_all()
    ratio = palier_result.per_second / bare_result.per_second
    of_ceiling = palier_result.per_second / ceiling_result.per_second
    tail = palier_result.percentile(0.99) / palier_result.percentile(0.5)
    print(f"\nGET /api/v1/feed, {CLIENTS} clients, {SECONDS} s each, gunicorn {WORKERS} workers")
    print(palier_result.line("palier"))
    print(bare_result.line("bare SQL"))
    print(ceiling_result.line("ceiling"))
    goals = [
        (f"throughput ratio palier/bare: {ratio:.2f}", ratio >= GOAL_RATIO, f">= {GOAL_RATIO}"),
        (
            f"throughput ratio palier/ceiling: {of_ceiling:.2f}",
            of_ceiling >= GOAL_CEILING,
            f">= {GOAL_CEILING}",
        ),
        (f"palier p99/p50: {tail:.2f}", tail <= GOAL_TAIL, f"<= {GOAL_TAIL}"),
        (
            f"main statement at 500,000 posts: {plan_ms:.2f} ms",
            plan_ms <= GOAL_PLAN_MS,
            f"<= {GOAL_PLAN_MS} ms",
        ),
    ]
    for text, met, goal in goals:
        print(f"{text} (goal {goal}{'' if met else ', NOT met'})")
    print("goals met" if all(met for _, met, _ in goals) else "goals NOT met")


def palier_in_process(env: dict):
    os.environ.update(env)  # the settings are read from the environment when first imported
    from app import create_app

    return create_app()


def explain_feed(env: dict, headers: dict) -> float:
    """Print the statements one feed request sends (its round trips), each with its planning
    and execution time, and EXPLAIN (ANALYZE, BUFFERS) of the main one, the slowest; return its
    execution time in ms (the median of five runs). Planning is printed too: psycopg prepares
    a statement sent five times on a connection, and PostgreSQL may then keep its plan."""
    from sqlalchemy import event

    from models import db

    app = palier_in_process(env)
    sent = []

    def record(connection, cursor, statement, parameters, context, executemany):
        sent.append((statement, parameters))

    with app.app_context():
        client = app.test_client()
        client.get("/api/v1/feed", headers=headers)  # caches warm, the token's use recorded
        event.listen(db.engine, "before_cursor_execute", record)
        try:
            response = client.get("/api/v1/feed", headers=headers)
        finally:
            event.remove(db.engine, "before_cursor_execute", record)
        assert response.status_code == 200, response.text
        plans = []
        with db.engine.connect() as connection:
            for statement, parameters in sent:
                explain = "EXPLAIN (ANALYZE, BUFFERS) " + statement
                connection.exec_driver_sql(explain, parameters)  # caches warm
                # The median of five runs: the machine is shared, one run may wait for a core.
                runs = sorted(
                    (
                        connection.exec_driver_sql(explain, parameters).scalars().all()
                        for _ in range(5)
                    ),
                    key=lambda plan: _time(plan, "Execution"),
                )
                plans.append((statement, runs[2]))
            connection.rollback()
    print(f"\none feed request (first page) sends {len(sent)} statements")
    print("(execution and planning times, of the median of five runs by execution time):")
    for statement, plan in plans:
        times = f"{_time(plan, 'Execution'):7.3f} ms  ({_time(plan, 'Planning'):.3f} ms)"
        print(f"  {times}  {' '.join(statement.split())[:90]}")
    statement, plan = max(plans, key=lambda run: _time(run[1], "Execution"))
    print(f"\nthe main statement:\n{statement}\n")
    print("\n".join(plan))
    return _time(plan, "Execution")


def _time(plan: list[str], phase: str) -> float:
    """Planning or Execution time of an EXPLAIN ANALYZE, in ms."""
    [line] = [line for line in plan if line.startswith(f"{phase} Time")]
    return float(re.search(r"([\d.]+) ms", line).group(1))


def profile_feed(env: dict, headers: list[dict], requests: int = 300) -> None:
    """Profile feed requests in this process (pyinstrument, a development requirement)."""
    from pyinstrument import Profiler

    app = palier_in_process(env)
    client = app.test_client()
    client.get("/api/v1/feed", headers=headers[0])
    with Profiler(interval=0.0005) as profiler:
        for header in itertools.islice(itertools.cycle(headers), requests):
            client.get("/api/v1/feed", headers=header)
    print(profiler.output_text(color=False, unicode=False))


def reset(url: str) -> None:
    with psycopg.connect(psycopg_url(url), autocommit=True) as connection:
        connection.execute("DROP SCHEMA IF EXISTS public CASCADE")
        connection.execute("CREATE SCHEMA public")


def seeded(url: str) -> bool:
    """Whether the database holds the data set of an earlier run (the feed only reads it)."""
    with psycopg.connect(psycopg_url(url), autocommit=True) as connection:
        try:
            posts = connection.execute("SELECT count(*) FROM posts").fetchone()[0]
        except psycopg.errors.UndefinedTable:
            return False
    return posts == POSTS


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
    for server in _servers:
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:  # a machine too busy to stop in time
            server.kill()
            server.wait()


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
