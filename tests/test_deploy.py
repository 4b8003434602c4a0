"""The deployment files of deploy/, checked with their own tools.

- the systemd units: `systemd-analyze verify` (paths rewritten to this checkout, an existing user)
  finds nothing to say, and `systemd-analyze security` rates them well exposed at most "OK";
- gunicorn.conf.py: `gunicorn --check-config` loads it and the app with production settings, and
  fails (as the unit's ExecReload then does, before any HUP) on a broken configuration;
- the nginx site: `nginx -t` with self-signed certificates, then nginx serving it in front of
  gunicorn, both running with the unit's seccomp filters (tests/deploy_sandbox.py): redirects,
  HSTS through X-Forwarded-Proto, body limits, /metrics closed, a graceful reload;
- the scheduler under its unit's filters takes the lead, and stops on TERM.

The tools come from Debian packages that `make test` installs (TEST_PACKAGES): a missing one
fails these tests, it never skips them.
"""

import http.client
import json
import os
import re
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import time
from pathlib import Path

import pytest

from app.transactions import unit_of_work
from models import User, db
from services import accounts

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"
UNITS = DEPLOY / "systemd"
WEB_UNIT = UNITS / "palier-web.service"
SCHEDULER_UNIT = UNITS / "palier-scheduler@.service"
SITE = DEPLOY / "nginx" / "palier.conf"
GUNICORN_CONF = DEPLOY / "gunicorn.conf.py"
BIN = Path(sys.executable).parent
HOST = "palier.example.org"
MiB = 1024 * 1024


def tool(name: str) -> str:
    path = shutil.which(name) or shutil.which(name, path="/usr/sbin:/sbin")
    assert path, f"{name} is missing: `make test` installs it (TEST_PACKAGES in the Makefile)"
    return path


def production_env(**extra: str) -> dict[str, str]:
    return {
        **os.environ,
        "PALIER_CONFIG": "production",
        "SECRET_KEY": "a-production-secret-for-the-deployment-test-0123456789",
        "DATABASE_URL": os.environ["TEST_DATABASE_URL"],
        # No Redis here: counters in memory, which production only accepts when told so.
        "RATELIMIT_ALLOW_MEMORY": "1",
        "TRUSTED_PROXIES": "1",
        **extra,
    }


def in_sandbox(unit: Path, *command: str) -> list[str]:
    return [sys.executable, "-m", "tests.deploy_sandbox", str(unit), "--", *command]


# --- systemd ---------------------------------------------------------------------------------


@pytest.fixture
def installed_units(tmp_path):
    """The units as they would be installed, pointing at this checkout and an existing user."""
    (tmp_path / "palier.env").write_text("PALIER_CONFIG=production\n")
    (tmp_path / "uploads").mkdir()
    user = "postgres"  # made by the postgresql package, which the tests need anyway
    for unit in UNITS.glob("*.service"):
        text = unit.read_text()
        for old, new in (
            ("/opt/palier/.venv/bin", str(BIN)),
            ("/opt/palier", str(ROOT)),
            ("/etc/palier/palier.env", str(tmp_path / "palier.env")),
            ("/var/lib/palier/uploads", str(tmp_path / "uploads")),
            ("User=palier", f"User={user}"),
            ("Group=palier", f"Group={user}"),
        ):
            text = text.replace(old, new)
        assert "/opt/palier" not in text
        (tmp_path / unit.name).write_text(text)
    return tmp_path


def test_units_verify_clean(installed_units):
    names = ["palier-web.service", "palier-scheduler@1.service", "palier-scheduler@2.service"]
    result = subprocess.run(
        [tool("systemd-analyze"), "verify", *names],
        cwd=installed_units,
        capture_output=True,
        text=True,
    )
    # verify exits 0 on unknown keys or bad values: it only warns, so read what it says too.
    assert result.returncode == 0, result.stderr
    assert result.stderr == "" and result.stdout == ""


def test_units_verify_catches_mistakes(installed_units):
    """The check above would see a typo or a missing program."""
    unit = installed_units / "palier-web.service"
    unit.write_text(unit.read_text().replace("ProtectHome=yes", "ProtectHom=yes"))
    result = subprocess.run(
        [tool("systemd-analyze"), "verify", "palier-web.service"],
        cwd=installed_units,
        capture_output=True,
        text=True,
    )
    assert "Unknown key 'ProtectHom'" in result.stderr
    unit.write_text(unit.read_text().replace(f"{BIN}/gunicorn --config", "/nowhere/gunicorn -c"))
    result = subprocess.run(
        [tool("systemd-analyze"), "verify", "palier-web.service"],
        cwd=installed_units,
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0 and "/nowhere/gunicorn" in result.stderr


@pytest.mark.parametrize("unit", ["palier-web.service", "palier-scheduler@1.service"])
def test_units_are_hardened(installed_units, unit):
    result = subprocess.run(
        [tool("systemd-analyze"), "security", "--offline=yes", "--no-pager", unit],
        cwd=installed_units,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    exposure = float(re.search(r"Overall exposure level for \S+: ([\d.]+)", result.stdout)[1])
    # 0 is a sealed box, 10 no protection at all; "OK" is below 2.
    assert exposure < 2, result.stdout
    for setting in (
        "NoNewPrivileges=",
        "MemoryDenyWriteExecute=",
        "ProtectSystem=",
        "ProtectHome=",
        "PrivateDevices=",
        "CapabilityBoundingSet=~CAP_SYS_ADMIN",
        "SystemCallFilter=~@privileged",
        "LockPersonality=",
    ):
        line = next(line for line in result.stdout.splitlines() if setting in line)
        if setting == "SystemCallFilter=~@privileged" and unit == "palier-web.service":
            # The one exception, on purpose: gunicorn chowns its socket (@chown).
            assert "(e.g. chown is allowed)" in line, line
            continue
        assert line.lstrip().startswith("✓"), line


def test_scheduler_instances_are_leader_and_standby():
    text = SCHEDULER_UNIT.read_text()
    assert "ExecStart=/opt/palier/.venv/bin/flask --app wsgi palier scheduler" in text
    assert "Restart=always" in text and "KillSignal=SIGTERM" in text
    web = WEB_UNIT.read_text()
    assert "ExecReload=/bin/kill -HUP $MAINPID" in web


# --- gunicorn --------------------------------------------------------------------------------


def gunicorn_check(env: dict[str, str], *options: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(BIN / "gunicorn"), *options, "--config", str(GUNICORN_CONF), "wsgi:app"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_gunicorn_config_loads_the_production_app(app):
    result = gunicorn_check(production_env(REDIS_URL="redis://127.0.0.1:1/0"), "--check-config")
    assert result.returncode == 0, result.stderr
    printed = gunicorn_check(production_env(), "--print-config").stdout
    settings = dict(re.findall(r"^(\w+)\s+= (.*)$", printed, flags=re.MULTILINE))
    assert int(settings["workers"]) == 2 * len(os.sched_getaffinity(0)) + 1
    assert settings["bind"] == "['unix:/run/palier/gunicorn.sock']"
    assert settings["preload_app"] == "False"
    assert settings["max_requests_jitter"] == "100"
    assert settings["forwarded_allow_ips"] == "['127.0.0.1', '::1']"
    overridden = gunicorn_check(
        production_env(WEB_CONCURRENCY="3", PALIER_BIND="127.0.0.1:8000"), "--print-config"
    ).stdout
    assert re.search(r"^workers\s+= 3$", overridden, flags=re.MULTILINE)
    assert re.search(r"^bind\s+= \['127.0.0.1:8000'\]$", overridden, flags=re.MULTILINE)


def test_gunicorn_check_fails_on_a_broken_configuration(app):
    """What ExecReload runs before HUP: a reload with a bad setting stops there."""
    env = production_env()
    del env["RATELIMIT_ALLOW_MEMORY"]
    result = gunicorn_check(env, "--check-config")
    assert result.returncode != 0
    assert "Set REDIS_URL for the rate limits in production" in result.stderr


# --- nginx in front of gunicorn --------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def site(tmp_path):
    """The site as installed, with a self-signed certificate, test ports and socket path."""
    tool("openssl")
    subprocess.run(
        [
            *("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"),
            *("-subj", f"/CN={HOST}", "-addext", f"subjectAltName=DNS:{HOST}"),
            *("-keyout", str(tmp_path / "key.pem"), "-out", str(tmp_path / "cert.pem")),
        ],
        check=True,
        capture_output=True,
    )
    http_port, https_port = free_port(), free_port()
    text = SITE.read_text()
    for old, new in (
        ("/etc/letsencrypt/live/palier.example.org/fullchain.pem", str(tmp_path / "cert.pem")),
        ("/etc/letsencrypt/live/palier.example.org/privkey.pem", str(tmp_path / "key.pem")),
        ("unix:/run/palier/gunicorn.sock", f"unix:{tmp_path / 'gunicorn.sock'}"),
        ("listen 80", f"listen 127.0.0.1:{http_port}"),
        ("listen 443", f"listen 127.0.0.1:{https_port}"),
    ):
        assert old in text, old
        text = text.replace(old, new)
    # The container may have no IPv6: the IPv4 listeners stand for both.
    text = re.sub(r"^\s*listen \[::\].*\n", "", text, flags=re.MULTILINE)
    (tmp_path / "palier.conf").write_text(text)
    for folder in ("body", "proxy", "logs"):
        (tmp_path / folder).mkdir()
    (tmp_path / "nginx.conf").write_text(
        f"""
        user root;
        worker_processes 1;
        pid {tmp_path}/nginx.pid;
        error_log {tmp_path}/logs/error.log;
        daemon off;
        events {{ worker_connections 64; }}
        http {{
            access_log {tmp_path}/logs/access.log;
            client_body_temp_path {tmp_path}/body;
            proxy_temp_path {tmp_path}/proxy;
            include {tmp_path}/palier.conf;
        }}
        """
    )
    return {"dir": tmp_path, "http": http_port, "https": https_port}


def nginx(site, *options: str) -> list[str]:
    conf = site["dir"] / "nginx.conf"
    return [tool("nginx"), "-p", str(site["dir"]), "-e", str(site["dir"] / "logs/error.log"),
            "-c", str(conf), *options]  # fmt: skip


def test_nginx_accepts_the_site(site):
    result = subprocess.run(nginx(site, "-t"), capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "syntax is ok" in result.stderr and "test is successful" in result.stderr


class Client(http.client.HTTPSConnection):
    """HTTPS to 127.0.0.1 with the site's name in SNI, Host and the certificate check."""

    def __init__(self, port: int, cafile: Path):
        super().__init__(HOST, port, timeout=30, context=ssl.create_default_context(cafile=cafile))

    def connect(self):
        raw = socket.create_connection(("127.0.0.1", self.port), self.timeout)
        self.sock = self._context.wrap_socket(raw, server_hostname=self.host)


def wait_for(condition, process: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        assert process.poll() is None, process.stderr.read().decode()
        if condition():
            return
        time.sleep(0.1)
    raise TimeoutError("the server did not start")


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=45)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    if process.stderr:
        process.stderr.close()


@pytest.fixture
def served(app, site):
    """gunicorn (deploy/gunicorn.conf.py, under the web unit's seccomp filters) behind nginx."""
    env = production_env(
        PALIER_BIND=f"unix:{site['dir'] / 'gunicorn.sock'}",
        WEB_CONCURRENCY="2",
        UPLOAD_FOLDER=str(site["dir"] / "uploads"),
    )
    command = [str(BIN / "gunicorn"), "--config", str(GUNICORN_CONF), "wsgi:app"]
    web = subprocess.Popen(
        in_sandbox(WEB_UNIT, *command), cwd=ROOT, env=env, stderr=subprocess.PIPE
    )
    proxy = subprocess.Popen(nginx(site), stderr=subprocess.PIPE)
    try:
        wait_for(lambda: (site["dir"] / "gunicorn.sock").exists(), web)
        wait_for(lambda: (site["dir"] / "nginx.pid").exists(), proxy)
        site["web"] = web
        yield site
    finally:
        stop(proxy)
        stop(web)


def request(site, method: str, path: str, body: bytes | None = None, **headers: str):
    client = Client(site["https"], site["dir"] / "cert.pem")
    try:
        client.request(method, path, body=body, headers=headers)
        answer = client.getresponse()
        return answer, answer.read()
    finally:
        client.close()


def multipart(size: int) -> bytes:
    """A multipart body (boundary x) whose one file part makes it `size` bytes long."""
    head = (
        b'--x\r\nContent-Disposition: form-data; name="photo"; filename="p.jpg"\r\n'
        b"Content-Type: image/jpeg\r\n\r\n"
    )
    tail = b"\r\n--x--\r\n"
    return head + b"x" * (size - len(head) - len(tail)) + tail


def from_the_app(answer) -> bool:
    # Every answer of the app carries its Content-Security-Policy; nginx's own do not.
    return answer.getheader("Content-Security-Policy") is not None


@pytest.mark.commits
def test_served_through_nginx(served):
    # Plain HTTP only redirects, to the same address over HTTPS.
    plain = http.client.HTTPConnection("127.0.0.1", served["http"], timeout=30)
    plain.request("GET", "/api/v1/openapi.json", headers={"Host": HOST})
    redirect = plain.getresponse()
    assert redirect.status == 301
    assert redirect.getheader("Location") == f"https://{HOST}/api/v1/openapi.json"
    plain.close()

    # Over HTTPS, the app knows it (X-Forwarded-Proto, trusted by gunicorn): it sends HSTS.
    answer, body = request(served, "GET", "/api/v1/openapi.json")
    assert answer.status == 200 and json.loads(body)["info"]["title"] == "Palier"
    assert answer.getheader("Strict-Transport-Security") == "max-age=31536000"
    assert answer.getheader("Server") == "nginx"  # without its version: server_tokens off

    # A sign-in: Argon2 (cffi) under the seccomp filters.
    with unit_of_work():
        db.session.add(
            User(
                email="marc@deploy.palier.test",
                display_name="Marc",
                password_hash=accounts.hash_password("the right password"),
            )
        )
    login = json.dumps(
        {"email": "marc@deploy.palier.test", "password": "the right password", "device_name": "t"}
    ).encode()
    answer, body = request(
        served, "POST", "/api/v1/auth/login", login, **{"Content-Type": "application/json"}
    )
    assert answer.status == 200, body
    token = json.loads(body)["token"]

    # Bodies: above 1 MiB the app answers 413 itself; above nginx's 2 MiB, nginx does, in the
    # same problem+json shape.
    json_type = {"Content-Type": "application/json"}
    answer, body = request(served, "POST", "/api/v1/auth/login", b" " * (MiB + 1), **json_type)
    assert answer.status == 413 and from_the_app(answer)
    assert answer.getheader("Content-Type") == "application/problem+json"
    answer, body = request(served, "POST", "/api/v1/auth/login", b" " * (3 * MiB), **json_type)
    assert answer.status == 413 and not from_the_app(answer)
    assert answer.getheader("Content-Type") == "application/problem+json"
    assert json.loads(body)["status"] == 413

    # Photo uploads: up to 6 MiB reach the app (which allows 5 MiB + 64 KiB), not more.
    auth = {"Authorization": f"Bearer {token}", "Content-Type": "multipart/form-data; boundary=x"}
    photos = "/api/v1/listings/1/photos"
    answer, _ = request(served, "POST", photos, multipart(5 * MiB - 1024), **auth)
    assert from_the_app(answer) and answer.status == 404  # no such listing: read, then refused
    answer, _ = request(served, "POST", photos, multipart(5 * MiB + 100 * 1024), **auth)
    assert answer.status == 413 and from_the_app(answer)
    answer, _ = request(served, "POST", photos, multipart(7 * MiB), **auth)
    assert answer.status == 413 and not from_the_app(answer)

    # Metrics are not public.
    for path in ("/metrics", "/metrics/"):
        answer, _ = request(served, "GET", path)
        assert answer.status == 403 and not from_the_app(answer)

    # A graceful reload (what `systemctl reload palier-web` sends) keeps serving.
    served["web"].send_signal(signal.SIGHUP)
    for _ in range(20):
        answer, _ = request(served, "GET", "/api/v1/openapi.json")
        assert answer.status == 200
        time.sleep(0.1)
    # TERM stops it cleanly (status 0), well within the unit's TimeoutStopSec.
    started = time.monotonic()
    served["web"].terminate()
    assert served["web"].wait(timeout=45) == 0
    assert time.monotonic() - started < 45


# --- the scheduler ---------------------------------------------------------------------------


@pytest.mark.commits
def test_scheduler_leads_and_stops_under_its_unit(app):
    command = [str(BIN / "flask"), "--app", "wsgi", "palier", "scheduler"]
    scheduler = subprocess.Popen(
        in_sandbox(SCHEDULER_UNIT, *command),
        cwd=ROOT,
        env=production_env(),
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        lines = []
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            line = scheduler.stderr.readline()
            assert line, "".join(lines)
            lines.append(line)
            if "dispatch_notifications" in line and "executed successfully" in line:
                break
        assert any("scheduler has the lead" in line for line in lines), "".join(lines)
        scheduler.send_signal(signal.SIGTERM)
        # Killed by TERM (no handler: the lock goes with the connection), well within 20 s.
        assert scheduler.wait(timeout=20) in (0, -signal.SIGTERM)
    finally:
        stop(scheduler)


# --- backups ---------------------------------------------------------------------------------

PG_BIN = Path(os.environ.get("PG_BIN", "/usr/lib/postgresql/15/bin"))


@pytest.mark.commits
def test_backup_restores_into_a_new_database(app, tmp_path):
    """The README's backup and restore: pg_dump -Fc, then pg_restore into a new database."""
    with unit_of_work():
        db.session.add(
            User(email="nina@backup.palier.test", display_name="Nina", password_hash="x")
        )
    source = os.environ["TEST_DATABASE_URL"]
    restored = source.rsplit("/", 1)[0] + "/palier_restored"
    dump = tmp_path / "palier.dump"
    run = {"check": True, "capture_output": True, "text": True}
    subprocess.run([PG_BIN / "pg_dump", "--format=custom", "--file", dump, source], **run)
    maintenance = ("--maintenance-db", source)
    subprocess.run([PG_BIN / "dropdb", "--if-exists", *maintenance, "palier_restored"], **run)
    subprocess.run([PG_BIN / "createdb", *maintenance, "palier_restored"], **run)
    try:
        subprocess.run(
            [PG_BIN / "pg_restore", "--no-owner", "--exit-on-error", "--dbname", restored, dump],
            **run,
        )
        query = (
            "SELECT display_name FROM users;"
            " SELECT string_agg(extname, ',' ORDER BY extname) FROM pg_extension;"
            " SELECT count(*) FROM alembic_version;"
        )
        out = subprocess.run([PG_BIN / "psql", "-Atc", query, restored], **run).stdout.split()
        assert out == ["Nina", "btree_gist,plpgsql,postgis", "1"]
    finally:
        subprocess.run([PG_BIN / "dropdb", *maintenance, "palier_restored"], **run)
