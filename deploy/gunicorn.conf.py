"""gunicorn settings for Palier's web process: `gunicorn -c deploy/gunicorn.conf.py wsgi:app`.

Read by deploy/systemd/palier-web.service. The app's own settings (PALIER_CONFIG, DATABASE_URL,
SECRET_KEY, REDIS_URL, TRUSTED_PROXIES...) come from the same environment (see the README); the
few variables below only shape the server:

    PALIER_BIND          where to listen (default: the unix socket nginx proxies to)
    WEB_CONCURRENCY      number of worker processes (default: 2 x usable cores + 1)
    FORWARDED_ALLOW_IPS  addresses whose X-Forwarded-Proto gunicorn believes (TCP binds only)
    PALIER_ACCESS_LOG    "-" to log every request to stdout (default: off, nginx logs them)
"""

import os


def _usable_cores() -> int:
    # The cores this process may run on (a cpuset or CPUAffinity= narrows them), not the machine's.
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


# A unix socket in the service's RuntimeDirectory (/run/palier, group palier, which nginx's
# www-data joins): only nginx can reach the app, so nobody on the machine can bypass it with a
# forged X-Forwarded-For. PALIER_BIND=127.0.0.1:8000 (or a LAN address) listens on TCP instead.
bind = [os.environ.get("PALIER_BIND", "unix:/run/palier/gunicorn.sock")]
# The socket file is created 0660 (rw for the palier user and group, nothing for others).
umask = 0o117

# Sync workers: each handles one request at a time, which suits an app that waits on
# PostgreSQL with plain (not async) psycopg. nginx buffers whole requests and answers before
# talking to a worker, so slow phones on mobile networks never hold one.
# The usual rule, 2 x cores + 1: while one worker waits on the database another computes.
# Each worker is a full Python process (about 100 MB) with its own SQLAlchemy pool: PostgreSQL's
# max_connections must cover every worker's pool_size (5) + max_overflow (10) x workers on
# every web machine, plus two schedulers (two connections each), plus psql and pg_dump.
workers = int(os.environ.get("WEB_CONCURRENCY") or 2 * _usable_cores() + 1)
worker_class = "sync"

# A worker silent for this long is killed and replaced: no request should take 30 s (the
# heaviest, a 5 MB photo re-encoded by Pillow, takes well under one); a stuck one must not keep
# its slot. nginx's proxy_read_timeout (deploy/nginx/palier.conf) is a little longer, so a
# killed worker is answered as 502 by nginx rather than cut off by it first.
timeout = 30
# On HUP (systemctl reload) and TERM (systemctl stop), workers finish the requests they have
# for up to this long. TimeoutStopSec= in palier-web.service is longer, so systemd never
# SIGKILLs a stop that gunicorn is still finishing.
graceful_timeout = 30
# Seconds an idle keep-alive connection stays open. Sync workers close every connection after
# one answer anyway, so this only matters if worker_class changes to gthread; nginx's upstream
# therefore uses no keepalive pool (the socket is local, a connect costs microseconds).
keepalive = 5

# Each worker is replaced after about 1,000 requests, so a slow leak (in a C library, a
# cache that grows) cannot grow for weeks. The jitter (up to 100 more) staggers the restarts so
# that workers started together do not all restart at the same moment.
max_requests = 1000
max_requests_jitter = 100

# preload_app stays off, deliberately:
# - `systemctl reload palier-web` (HUP) starts new workers that import the app afresh, then
#   stops the old ones gracefully: after an upgrade the new code is served without dropping a
#   request. With preload_app the app lives in the master, and a reload keeps the old code.
# - Nothing the app opens at start-up (SQLAlchemy engine, Redis client of the rate limiter) is
#   shared by forked workers, which would need care to reconnect after fork.
# The price: each worker imports the app itself (a second or two at start, no copy-on-write
# sharing of memory). A broken configuration is still caught before any reload: ExecReload runs
# `gunicorn --check-config`, which loads the app, before it sends HUP.
preload_app = False

# gunicorn sets wsgi.url_scheme to https from X-Forwarded-Proto when the request comes from one
# of these addresses (connections on the unix socket are always trusted: only nginx has
# access). The app reads the client's address from X-Forwarded-For with TRUSTED_PROXIES=1
# (werkzeug's ProxyFix): one proxy, this nginx, in both places. If nginx runs on another machine,
# set PALIER_BIND to a private address and FORWARDED_ALLOW_IPS to nginx's address.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
# Only the header nginx overwrites on every request (X-Forwarded-Proto $scheme); gunicorn's
# default also believes X-Forwarded-Ssl and X-Forwarded-Protocol, which nginx passes through.
secure_scheme_headers = {"X-FORWARDED-PROTO": "https"}

# nginx keeps the access log (with the client's real address and TLS details). The gunicorn
# one repeats it; PALIER_ACCESS_LOG=- turns it on, to stdout, i.e. the journal.
accesslog = os.environ.get("PALIER_ACCESS_LOG") or None
# Errors and worker restarts go to stderr, i.e. the journal (journalctl -u palier-web).
errorlog = "-"
loglevel = "info"

# The heartbeat file each worker touches goes to memory (/dev/shm), not a disk that might
# stall it (gunicorn's own advice); elsewhere the default temporary folder.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None

# gunicorn >= 25 opens a control socket (gunicornc) in $HOME by default. systemd already controls
# the process (reload = HUP, stop = TERM), the service cannot write to a home folder
# (ProtectHome=), and a second way to change the worker count is one more thing to secure.
control_socket_disable = True

proc_name = "palier-web"
