"""A small closed-loop HTTP load generator for the benchmarks: N clients, each sending its next
request as soon as the previous answer arrived, for a fixed time, on 127.0.0.1 only."""

import http.client
import statistics
import threading
import time
from dataclasses import dataclass


@dataclass
class Result:
    requests: int
    errors: int
    seconds: float
    latencies_ms: list[float]

    @property
    def per_second(self) -> float:
        return self.requests / self.seconds

    def percentile(self, fraction: float) -> float:
        ordered = sorted(self.latencies_ms)
        return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]

    def line(self, name: str) -> str:
        return (
            f"{name:<10} {self.per_second:8.1f} req/s   p50 {self.percentile(0.5):7.1f} ms   "
            f"p99 {self.percentile(0.99):7.1f} ms   "
            f"({self.requests} requests, {self.errors} errors)"
        )


def run(port: int, path: str, headers_per_client: list[dict], seconds: float) -> Result:
    deadline = time.perf_counter() + seconds
    latencies: list[list[float]] = [[] for _ in headers_per_client]
    errors = [0] * len(headers_per_client)

    def client(number: int) -> None:
        while time.perf_counter() < deadline:
            started = time.perf_counter()
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            try:
                connection.request("GET", path, headers=headers_per_client[number])
                response = connection.getresponse()
                response.read()
                if response.status != 200:
                    errors[number] += 1
            except OSError:
                errors[number] += 1
            finally:
                connection.close()
            latencies[number].append((time.perf_counter() - started) * 1000)

    started = time.perf_counter()
    threads = [threading.Thread(target=client, args=(n,)) for n in range(len(headers_per_client))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    flat = [value for values in latencies for value in values]
    return Result(len(flat), sum(errors), elapsed, flat or [statistics.fmean([0])])
