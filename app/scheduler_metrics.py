"""The scheduler process's own metrics, served on SCHEDULER_METRICS_PORT when it is set.

They describe this one process, so they are served by it rather than written where the web
workers could read them: whether *this* scheduler holds the lead (a spare answers 0, and its
own port tells so), when each job last ran and last succeeded, how often each ran, and what the
dispatcher did with the notifications it handled (counters from the counts `dispatch` returns:
no query over the growing outbox at scrape time).

The values are plain numbers in this process, read through a collector of its own in a registry
of its own: nothing here uses prometheus_client's metric objects, so a PROMETHEUS_MULTIPROC_DIR
left in the scheduler's environment changes nothing and mixes nothing into the web's counts.
"""

import threading
import time
from collections import defaultdict

from prometheus_client import CollectorRegistry, start_http_server
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily


class SchedulerMetrics:
    def __init__(self):
        self._lock = threading.Lock()
        self.leader = False
        self.last_run: dict[str, float] = {}
        self.last_success: dict[str, float] = {}
        self.runs: dict[tuple[str, str], int] = defaultdict(int)
        self.notifications: dict[str, int] = defaultdict(int)

    def set_leader(self, leader: bool) -> None:
        self.leader = leader

    def job_ran(self, job: str, ok: bool) -> None:
        now = time.time()
        with self._lock:
            self.last_run[job] = now
            if ok:
                self.last_success[job] = now
            self.runs[(job, "ok" if ok else "error")] += 1

    def dispatched(self, counts: dict[str, int]) -> None:
        with self._lock:
            for outcome, count in counts.items():
                self.notifications[outcome] += count

    def collect(self):
        with self._lock:
            yield GaugeMetricFamily(
                "palier_scheduler_leader",
                "1 when this scheduler holds the lead (the advisory lock), 0 while it stands by.",
                value=1 if self.leader else 0,
            )
            for name, text, values in (
                (
                    "palier_scheduler_job_last_run_timestamp_seconds",
                    "When each job last finished, successfully or not (Unix time).",
                    self.last_run,
                ),
                (
                    "palier_scheduler_job_last_success_timestamp_seconds",
                    "When each job last finished successfully (Unix time).",
                    self.last_success,
                ),
            ):
                family = GaugeMetricFamily(name, text, labels=["job"])
                for job, at in sorted(values.items()):
                    family.add_metric([job], at)
                yield family
            runs = CounterMetricFamily(
                "palier_scheduler_job_runs",
                "Runs of each job, by result.",
                labels=["job", "result"],
            )
            for (job, result), count in sorted(self.runs.items()):
                runs.add_metric([job, result], count)
            yield runs
            notifications = CounterMetricFamily(
                "palier_notifications_dispatched",
                "What this scheduler's dispatcher did: per phone (sent, retry, failed, "
                "dead_token) and per notification (dropped, held by quiet hours).",
                labels=["outcome"],
            )
            for outcome, count in sorted(self.notifications.items()):
                notifications.add_metric([outcome], count)
            yield notifications


METRICS = SchedulerMetrics()


def serve(port: int, address: str) -> None:
    """Serve this process's metrics over HTTP, in a thread (GET / or /metrics)."""
    registry = CollectorRegistry()
    registry.register(METRICS)
    start_http_server(port, addr=address, registry=registry)
